import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** The sender keeps at most this many connections to one origin (HttpSender's default). */
const CONNECTIONS = 32;
const HOLD_MS = 1500;

/**
 * `response_latency_ms` and `avg_latency_ms` are the receiver's latency (request written → response), not
 * the time an attempt waited inside the server for a free connection. The receiver holds every request
 * that arrives in the first HOLD_MS and answers later ones at once; twice as many messages as connections
 * are released together, so half of them wait about HOLD_MS for a connection and are then answered at once.
 */
for (const kind of storeKinds()) {
  describe(`delivery latency figures [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('count the receiver’s time, not the wait for a connection', async () => {
      const held: ServerResponse[] = [];
      let releasedAt = 0;
      receiver.setDefault((_request, res) => {
        if (releasedAt !== 0) {
          res.writeHead(200).end('ok');
          return;
        }
        held.push(res);
        if (held.length === 1) {
          setTimeout(() => {
            releasedAt = Date.now();
            for (const response of held) response.writeHead(200).end('ok');
          }, HOLD_MS);
        }
      });
      const endpoint = (await createEndpoint(api, `${receiver.url}/slow-start`)).id;
      assert.equal((await api('POST', `/v1/endpoints/${endpoint}/pause`)).status, 200);
      const ids: string[] = [];
      for (let i = 0; i < 2 * CONNECTIONS; i++) ids.push(await send(api, endpoint, { i }));
      assert.equal((await api('POST', `/v1/endpoints/${endpoint}/resume`)).status, 200);

      const messages = [];
      for (const id of ids) messages.push(await waitForMessage(api, id, hasStatus('succeeded'), 30_000));
      const arrivedAt = new Map(
        receiver.requests.map((r) => [String(r.headers['x-webhook-id']), r.at] as const),
      );
      const late = messages.filter((m) => arrivedAt.get(m.id)! >= releasedAt);
      assert.ok(late.length >= CONNECTIONS / 2, `${late.length} requests waited for a connection`);
      for (const message of late) {
        // Each waited at least HOLD_MS for a connection before it was sent, and was answered at once.
        assert.ok(
          (message.response_latency_ms ?? Infinity) < HOLD_MS,
          `latency ${message.response_latency_ms} ms`,
        );
        const attempts = await api('GET', `/v1/messages/${message.id}/attempts`);
        assert.ok(attempts.body.data[0].response_latency_ms < HOLD_MS);
      }
      const first = messages.find((m) => arrivedAt.get(m.id) === Math.min(...arrivedAt.values()))!;
      assert.ok((first.response_latency_ms ?? 0) >= HOLD_MS, 'the receiver held the first request HOLD_MS');

      const metrics = await api('GET', `/v1/metrics?window=1h&endpoint_id=${endpoint}`);
      const rows = await server.store.db.query<{ avg: number }>(
        'SELECT round(avg(response_latency_ms))::int AS avg FROM attempts WHERE endpoint_id = $1',
        [endpoint],
      );
      assert.equal(metrics.body.data.avg_latency_ms, rows[0]!.avg);
      // Every attempt waited about HOLD_MS in all; only the held half spent it at the receiver.
      assert.ok(metrics.body.data.avg_latency_ms < HOLD_MS, `avg ${metrics.body.data.avg_latency_ms} ms`);
    });
  });
}
