import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { createInbound, type InboundMessageRow, ingest, messageRow } from '../helpers/inbound.js';
import { Receiver, status } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

async function waitForRow(
  server: TestServer,
  id: string,
  done: (row: InboundMessageRow) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await messageRow(server, id);
    if (done(row)) return row;
    if (Date.now() > deadline) assert.fail(`inbound message ${id} never got there: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const kind of storeKinds()) {
  describe(`inbound forward mode [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_RETRY_SCHEDULE: '1,1',
      }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it("forwards the provider's body, content type and headers, retrying through the delivery engine", async () => {
      receiver.respond('/forward', status(500), status(503));
      const endpoint = await createInbound(api, { url: `${receiver.url}/forward` });
      const body = Buffer.from('{"type":"invoice.paid","id":"evt_42"}');
      const response = await ingest(endpoint.ingest_url, {
        body,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': 't=1,v1=abc',
          'User-Agent': 'Stripe/1.0',
        },
      });
      assert.equal(response.status, 202, response.text);
      const id = response.body.data.message_id;
      const requests = await receiver.waitFor(3, '/forward');
      for (const request of requests) {
        assert.equal(request.method, 'POST');
        assert.deepEqual(request.body, body);
        assert.equal(request.headers['content-type'], 'application/json; charset=utf-8');
        assert.equal(request.headers['stripe-signature'], 't=1,v1=abc');
        assert.equal(request.headers['user-agent'], 'Stripe/1.0');
        assert.equal(request.headers['x-webhook-id'], id);
        assert.equal(request.headers['x-webhook-signature'], undefined, 'unsigned unless signing_enabled');
        assert.notEqual(request.headers.host, new URL(endpoint.ingest_url).host);
      }
      const row = await waitForRow(server, id, (r) => r.status === 'succeeded');
      assert.equal(row.attempt_count, 3);
      assert.equal(row.response_status, 200);
      const attempts = await server.store.db.query<{ attempt_no: number; response_status: number | null }>(
        'SELECT attempt_no, response_status FROM inbound_attempts WHERE message_id = $1 ORDER BY attempt_no',
        [id],
      );
      assert.deepEqual(
        attempts.map((a) => a.response_status),
        [500, 503, 200],
      );
    });

    it('signs forwarded deliveries with the endpoint signing keys when signing_enabled', async () => {
      const endpoint = await createInbound(api, { url: `${receiver.url}/signed`, signing_enabled: true });
      const body = randomBytes(300);
      const response = await ingest(endpoint.ingest_url, {
        body,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      assert.equal(response.status, 202);
      const [request] = await receiver.waitFor(1, '/signed');
      assert.deepEqual(request!.body, body, 'binary bodies arrive byte for byte');
      assert.equal(request!.headers['content-type'], 'application/octet-stream');
      assert.ok(verifySignature(endpoint.signing_secret!, request!.headers, request!.body));
    });

    it('a paused endpoint refuses new ingests but still forwards what it had accepted', async () => {
      let answer!: () => void;
      const paused = new Promise<void>((resolve) => {
        answer = resolve;
      });
      // The first attempt fails only once the endpoint is paused, so its retry is decided while paused.
      receiver.respond('/paused', (_req, res) => void paused.then(() => res.writeHead(500).end()));
      const endpoint = await createInbound(api, { url: `${receiver.url}/paused` });
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/pause`);
      assert.equal((await ingest(endpoint.ingest_url, { body: 'during pause' })).status, 503);
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/resume`);
      const accepted = await ingest(endpoint.ingest_url, { body: 'before pause' });
      await receiver.waitFor(1, '/paused');
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/pause`);
      answer();
      // Pausing refuses ingests; the retry of the accepted message goes out all the same.
      await waitForRow(server, accepted.body.data.message_id, (r) => !r.held && r.status === 'succeeded');
      assert.equal((await ingest(endpoint.ingest_url, { body: 'still paused' })).status, 503);
      await api('POST', `/v1/inbound-endpoints/${endpoint.id}/resume`);
      const bodies = receiver.for('/paused').map((r) => r.body.toString());
      assert.ok(bodies.every((b) => b === 'before pause'));
    });

    it('messages waiting for the CLI are forwarded once the endpoint switches to forward mode', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'switching' });
      const accepted = await ingest(endpoint.ingest_url, { body: 'waited for the cli' });
      assert.equal(accepted.status, 202);
      const waiting = await messageRow(server, accepted.body.data.message_id);
      assert.equal(waiting.next_attempt_at, null, 'a CLI message is never due for a worker');
      const switched = await api('PATCH', `/v1/inbound-endpoints/${endpoint.id}`, {
        body: { mode: 'forward', url: `${receiver.url}/switched` },
      });
      assert.equal(switched.status, 200, switched.text);
      const [request] = await receiver.waitFor(1, '/switched');
      assert.equal(request!.body.toString(), 'waited for the cli');
      await waitForRow(server, accepted.body.data.message_id, (r) => r.status === 'succeeded');
    });
  });
}
