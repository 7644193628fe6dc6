import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  attemptsOf,
  createEndpoint,
  hasStatus,
  send,
  verifySignature,
  waitForMessage,
} from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { hang, Receiver, status } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`delivery [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let path = 0;
    const nextPath = () => `/hook/${++path}`;

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_RETRY_SCHEDULE: '1,1,1',
        HOOKBRIDGE_RETRY_SCHEDULE_429: '1,1',
        HOOKBRIDGE_DELIVERY_TIMEOUT_MS: '1000',
      }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('delivers a signed POST with the documented headers, and records the attempt', async () => {
      const target = nextPath();
      const endpoint = await createEndpoint(api, receiver.url + target, {
        headers: { 'X-Tenant': 'endpoint', 'X-Both': 'endpoint' },
      });
      const payload = { event: 'order.created', data: { id: 42, note: 'héllo' } };
      const sentAt = Math.floor(Date.now() / 1000);
      const id = await send(api, endpoint.id, payload, { headers: { 'X-Both': 'send', 'X-Trace': 't-1' } });
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);

      const [request] = await receiver.waitFor(1, target);
      assert.equal(request!.method, 'POST');
      assert.deepEqual(JSON.parse(request!.body.toString('utf8')), payload);
      const h = request!.headers;
      assert.equal(h['content-type'], 'application/json');
      assert.match(String(h['user-agent']), /^HookBridge\/\d+\.\d+\.\d+$/);
      assert.equal(h['x-webhook-id'], id);
      const timestamp = Number(h['x-webhook-timestamp']);
      assert.ok(Math.abs(timestamp - sentAt) <= 5, 'the timestamp is the attempt time in Unix seconds');
      assert.match(String(h['x-webhook-signature']), /^sha256=[0-9a-f]{64}$/);
      assert.ok(verifySignature(endpoint.signing_secret, h, request!.body), 'signature verifies');
      assert.ok(!verifySignature('whsec_wrong', h, request!.body));
      assert.equal(h['x-tenant'], 'endpoint');
      assert.equal(h['x-both'], 'send', 'send-time headers win over endpoint headers');
      assert.equal(h['x-trace'], 't-1');

      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.attempt_count, 1);
      assert.equal(message.response_status, 200);
      assert.equal(message.endpoint_id, endpoint.id);
      assert.equal(message.project_id, server.projectId);
      assert.equal(message.size_bytes, request!.body.length);
      assert.ok(message.delivered_at, 'delivered_at is set');
      const [attempt] = await attemptsOf(api, id);
      assert.ok(attempt, 'an attempt is recorded');
      assert.equal(attempt.attempt_no, 1);
      assert.equal(attempt.response_status, 200);
      assert.equal(attempt.response_body, 'ok');
      assert.equal(attempt.resolved_ip, '127.0.0.1');
      assert.equal(typeof attempt.response_latency_ms, 'number');
      assert.equal(typeof attempt.ttfb_ms, 'number');
      assert.ok(attempt.response_headers?.date, 'response headers are recorded');

      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
      assert.match(
        metrics,
        /^hookbridge_deliveries_total\{outcome="succeeded"\} [1-9]/m,
        'the worker reports to /metrics',
      );
      assert.match(metrics, /^hookbridge_attempt_duration_seconds_count\{outcome="succeeded"\} [1-9]/m);
    });

    it('a repeated idempotency key answers the original message with its real status', async () => {
      const target = nextPath();
      const endpoint = await createEndpoint(api, receiver.url + target);
      const body = { endpoint_id: endpoint.id, payload: { order: 1 }, idempotency_key: `resend-${kind}` };
      const first = await api('POST', '/v1/webhooks/send', { body });
      assert.equal(first.body.data.status, 'queued');
      const id = first.body.data.message_id;
      await waitForMessage(api, id, hasStatus('succeeded'));
      const again = await api('POST', '/v1/webhooks/send', { body });
      assert.equal(again.status, 202, again.text);
      assert.deepEqual(again.body.data, { message_id: id, status: 'succeeded' });
      assert.equal((await receiver.waitFor(1, target)).length, 1);
    });

    it('signs with every active key during a rotation, and not at all with hmac_enabled false', async () => {
      const target = nextPath();
      const endpoint = await createEndpoint(api, receiver.url + target);
      const rotated = await api('POST', `/v1/endpoints/${endpoint.id}/signing-keys`);
      assert.equal(rotated.status, 201, rotated.text);
      await send(api, endpoint.id, { n: 1 });
      const [request] = await receiver.waitFor(1, target);
      const entries = String(request!.headers['x-webhook-signature']).split(',');
      assert.equal(entries.length, 2);
      assert.ok(verifySignature(endpoint.signing_secret, request!.headers, request!.body));
      assert.ok(verifySignature(rotated.body.data.signing_secret, request!.headers, request!.body));

      const unsignedPath = nextPath();
      const unsigned = await createEndpoint(api, receiver.url + unsignedPath, { hmac_enabled: false });
      await send(api, unsigned.id, { n: 2 });
      const [plain] = await receiver.waitFor(1, unsignedPath);
      assert.equal(plain!.headers['x-webhook-signature'], undefined);
      assert.ok(plain!.headers['x-webhook-id']);
    });

    it('retries 500 → 500 → 200 on the slow schedule', async () => {
      const target = nextPath();
      receiver.respond(target, status(500, {}, 'boom'), status(503));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { retry: true });
      const pending = await waitForMessage(api, id, (m) => m.status === 'pending_retry');
      assert.ok(pending.next_attempt_at);
      assert.equal(pending.last_error, 'HTTP 500');
      const requests = await receiver.waitFor(3, target);
      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.attempt_count, 3);
      assert.ok(requests[1]!.at - requests[0]!.at >= 900, 'the first retry waits for the schedule');
      const attempts = await attemptsOf(api, id);
      assert.deepEqual(
        attempts.map((a) => [a.attempt_no, a.response_status, a.retry_type ?? null]),
        [
          [1, 500, 'slow'],
          [2, 503, 'slow'],
          [3, 200, null],
        ],
      );
      assert.equal(attempts[0]?.response_body, 'boom');
      assert.equal(attempts[0]?.retry_after_seconds, 1);
      assert.equal(
        new Set(requests.map((r) => r.headers['x-webhook-id'])).size,
        1,
        'one message id throughout',
      );
    });

    it('records a response whose body and headers hold NUL characters (stored as U+FFFD)', async () => {
      const target = nextPath();
      receiver.respond(target, status(200, { 'x-odd': 'a\\u0000b' }, 'ok\u0000done'));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { nul: true });
      await waitForMessage(api, id, hasStatus('succeeded'));
      const [attempt] = await attemptsOf(api, id);
      assert.ok(attempt, 'an attempt is recorded');
      assert.equal(attempt.response_body, 'ok\uFFFDdone');
      assert.equal(attempt.response_headers?.['x-odd'], 'a\\u0000b', 'a backslash sequence stays as sent');
    });

    it('gives up after the last slow attempt and puts the message in the DLQ state', async () => {
      const target = nextPath();
      receiver.respond(target, status(500), status(500), status(500), status(500));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { doomed: true });
      const message = await waitForMessage(api, id, hasStatus('failed_permanent'), 20_000);
      assert.equal(message.attempt_count, 4, 'schedule of 3 delays = 4 attempts');
      assert.equal(receiver.for(target).length, 4);
      assert.ok(message.failed_at);
    });

    it('honours Retry-After on a 429 on the fast tier, without counting it against the limit', async () => {
      const target = nextPath();
      receiver.respond(target, status(429, { 'retry-after': '2' }));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { limited: true });
      const requests = await receiver.waitFor(2, target);
      const gap = requests[1]!.at - requests[0]!.at;
      assert.ok(gap >= 1900, `Retry-After 2 s is a minimum; waited ${gap} ms`);
      await waitForMessage(api, id, hasStatus('succeeded'));
      const [first] = await attemptsOf(api, id);
      assert.ok(first, 'an attempt is recorded');
      assert.equal(first.response_status, 429);
      assert.equal(first.retry_type, 'fast');
      assert.ok((first.retry_after_seconds ?? 0) >= 2);
    });

    for (const code of [410, 404, 400, 401, 403, 422]) {
      it(`a ${code} fails permanently after one attempt`, async () => {
        const target = nextPath();
        receiver.respond(target, status(code));
        const endpoint = await createEndpoint(api, receiver.url + target);
        const id = await send(api, endpoint.id, { code });
        const message = await waitForMessage(api, id, hasStatus('failed_permanent'));
        assert.equal(message.attempt_count, 1);
        assert.equal(message.response_status, code);
        assert.equal(message.last_error, `HTTP ${code}`);
      });
    }

    it('times out a receiver that does not answer, and retries', async () => {
      const target = nextPath();
      receiver.respond(target, hang);
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { slow: true });
      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.attempt_count, 2);
      const [first] = await attemptsOf(api, id);
      assert.ok(first, 'an attempt is recorded');
      assert.equal(first.response_status, undefined);
      assert.match(first.error_text ?? '', /timed out|timeout/i);
    });

    it('does not follow a redirect; a 3xx is retried', async () => {
      const target = nextPath();
      const elsewhere = nextPath();
      receiver.respond(target, status(302, { location: receiver.url + elsewhere }));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { redirect: true });
      await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(receiver.for(elsewhere).length, 0, 'the Location was never requested');
      assert.equal(receiver.for(target).length, 2);
      const [first] = await attemptsOf(api, id);
      assert.ok(first, 'an attempt is recorded');
      assert.equal(first.response_status, 302);
      assert.equal(first.retry_type, 'slow');
    });

    it('records a refused connection and retries it', async () => {
      const closed = await Receiver.start();
      const url = `${closed.url}/gone`;
      await closed.close();
      const endpoint = await createEndpoint(api, url);
      const id = await send(api, endpoint.id, { refused: true });
      const message = await waitForMessage(
        api,
        id,
        (m) => m.attempt_count >= 1 && m.status === 'pending_retry',
      );
      assert.match(message.last_error ?? '', /refused/i);
      const [attempt] = await attemptsOf(api, id);
      assert.ok(attempt, 'an attempt is recorded');
      assert.match(attempt.error_text ?? '', /ECONNREFUSED|refused/);
    });

    it('holds messages while paused and delivers them on resume', async () => {
      const target = nextPath();
      const endpoint = await createEndpoint(api, receiver.url + target);
      assert.equal((await api('POST', `/v1/endpoints/${endpoint.id}/pause`)).status, 200);
      const ids = [await send(api, endpoint.id, { held: 1 }), await send(api, endpoint.id, { held: 2 })];
      await new Promise((resolve) => setTimeout(resolve, 1200));
      assert.equal(receiver.for(target).length, 0);
      for (const id of ids) {
        const message = (await api('GET', `/v1/messages/${id}`)).body.data;
        assert.equal(message.status, 'queued');
      }
      const resumed = await api('POST', `/v1/endpoints/${endpoint.id}/resume`);
      assert.equal(resumed.status, 200, resumed.text);
      assert.equal(resumed.body.data.messages_requeued, 2);
      await receiver.waitFor(2, target, 5000);
      for (const id of ids) await waitForMessage(api, id, hasStatus('succeeded'));
    });

    it('deleting an endpoint fails its waiting messages', async () => {
      const target = nextPath();
      receiver.setDefault(status(500));
      try {
        const endpoint = await createEndpoint(api, receiver.url + target);
        const id = await send(api, endpoint.id, { orphan: true });
        await waitForMessage(api, id, hasStatus('pending_retry'));
        assert.equal((await api('DELETE', `/v1/endpoints/${endpoint.id}`)).status, 200);
        const message = await waitForMessage(api, id, hasStatus('failed_permanent'));
        assert.equal(message.last_error, 'endpoint deleted');
        const after = await api('POST', '/v1/webhooks/send', {
          body: { endpoint_id: endpoint.id, payload: {} },
        });
        assert.equal(after.status, 404);
        assert.equal(after.body.error.code, 'ENDPOINT_NOT_FOUND');
      } finally {
        receiver.setDefault(status(200, {}, 'ok'));
      }
    });
  });
}
