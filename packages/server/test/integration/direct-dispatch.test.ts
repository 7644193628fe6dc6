import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { client } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`sends dispatched directly to this process's worker [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let claims = 0;

    before(async () => {
      server = await startTestServer(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_RETRY_SCHEDULE: '1',
      });
      receiver = await Receiver.start();
      // Counts the outbound queue's claim statements (delivery/queue-store.ts, claimDue).
      const db = server.store.db;
      const query = db.query.bind(db);
      db.query = ((sql: string, ...rest: unknown[]) => {
        if (sql.includes('WITH due AS') && /\bFROM messages m\b/.test(sql)) claims++;
        return (query as (sql: string, ...rest: unknown[]) => unknown)(sql, ...rest);
      }) as typeof db.query;
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('are delivered without the worker claiming from the queue after each recorded result', async () => {
      const api = client(server.url, server.apiKey);
      const endpoint = await createEndpoint(api, `${receiver.url}/direct`);
      claims = 0;
      const ids: string[] = [];
      for (let n = 0; n < 30; n++) {
        ids.push(await send(api, endpoint.id, { n }));
        await receiver.waitFor(n + 1, '/direct');
      }
      for (const id of ids) await waitForMessage(api, id, hasStatus('succeeded'));
      // Every result was a success, so none gave the queue work: a claim per recorded batch (one per
      // message here, as each send waits for the one before to arrive) was wasted work.
      assert.ok(claims <= 3, `30 directly dispatched messages made the worker claim ${claims} times`);
    });

    it('still wakes the worker for a retry it scheduled', async () => {
      const api = client(server.url, server.apiKey);
      receiver.respond('/flaky', (_req, res) => res.writeHead(503).end());
      const endpoint = await createEndpoint(api, `${receiver.url}/flaky`);
      const id = await send(api, endpoint.id, { retry: true });
      // Due a second later: the worker, idle with nothing queued, sleeps up to 30 s unless woken.
      const message = await waitForMessage(api, id, hasStatus('succeeded'), 10_000);
      assert.equal(receiver.for('/flaky').length, 2);
      assert.equal(message.attempt_count, 2);
    });
  });
}
