import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { client } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`a saturated worker [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;

    before(async () => {
      server = await startTestServer(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_WORKER_CONCURRENCY: '2',
        HOOKBRIDGE_WORKER_BATCH_SIZE: '2',
      });
      receiver = await Receiver.start();
      receiver.setDefault((_req, res) => setTimeout(() => res.writeHead(200).end('ok'), 100));
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('keeps delivering, two at a time, while sends keep waking it', async () => {
      // Every send wakes the worker while both of its slots are busy: the case that once spun the loop
      // on an already-resolved sleep and starved the event loop (this test would then never finish).
      const api = client(server.url, server.apiKey);
      const endpoint = await createEndpoint(api, `${receiver.url}/busy`);
      const ids: string[] = [];
      for (let n = 0; n < 20; n++) ids.push(await send(api, endpoint.id, { n }));
      const requests = await receiver.waitFor(20, '/busy', 30_000);
      for (const id of ids) await waitForMessage(api, id, hasStatus('succeeded'));
      let inFlight = 0;
      let peak = 0;
      const events = requests.flatMap((r) => [
        { at: r.at, delta: 1 },
        { at: r.at + 100, delta: -1 },
      ]);
      for (const event of events.sort((a, b) => a.at - b.at || a.delta - b.delta)) {
        inFlight += event.delta;
        peak = Math.max(peak, inFlight);
      }
      assert.ok(peak <= 2, `at most 2 deliveries at once, saw ${peak}`);
    });
  });
}
