import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { createEndpoint, send } from '../helpers/delivery.js';
import { call, type Api } from '../helpers/http.js';
import { startTestServer, startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const TOKEN = 'metrics-token-0123456789';

function sample(text: string, series: string): number | null {
  const escaped = series.replace(/[{}"+.]/g, (c) => `\\${c}`);
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

for (const kind of storeKinds()) {
  describe(`GET /metrics (Prometheus) [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(
        kind,
        { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' },
        undefined,
        { api: true, worker: false },
      ));
    });
    after(() => server.close());

    it('serves the text format without an API key: sends, HTTP latency by route, queue depth, deliveries', async () => {
      const endpointId = (await createEndpoint(api, 'http://127.0.0.1:9/prom')).id;
      await send(api, endpointId, { a: 1 });
      await send(api, endpointId, { a: 2 });
      const rejected = await api('POST', '/v1/webhooks/send', { body: { endpoint_id: 'nope', payload: {} } });
      assert.equal(rejected.status, 400);
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, next_attempt_at)
         VALUES ($1, $2, $3, 'live', 'pending_retry', 2, 'x', now() + interval '1 hour'),
                ($4, $2, $3, 'live', 'delivering', 2, 'x', now())`,
        [newUuid(), server.projectId, endpointId, newUuid()],
      );
      const telemetry = server.server.services.telemetry;
      telemetry.recordAttempt('succeeded', 120);
      telemetry.recordCompletion({
        status: 'pending_retry',
        response_latency_ms: null,
        attempt: { processing_ms: 30 },
      });

      const response = await call(server.url, 'GET', '/metrics');
      assert.equal(response.status, 200, response.text);
      assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      const text = response.text;
      assert.equal(sample(text, 'hookbridge_sends_total{outcome="accepted"}'), 2);
      assert.equal(sample(text, 'hookbridge_sends_total{outcome="rejected"}'), 1);
      assert.equal(sample(text, 'hookbridge_queue_depth{state="due"}'), 2, 'the two sends, never delivered');
      assert.equal(sample(text, 'hookbridge_queue_depth{state="scheduled"}'), 1);
      assert.equal(sample(text, 'hookbridge_queue_depth{state="in_flight"}'), 1);
      assert.equal(sample(text, 'hookbridge_deliveries_total{outcome="succeeded"}'), 1);
      assert.equal(sample(text, 'hookbridge_deliveries_total{outcome="retry"}'), 1);
      assert.equal(sample(text, 'hookbridge_attempt_duration_seconds_count{outcome="succeeded"}'), 1);
      assert.equal(sample(text, 'hookbridge_attempt_duration_seconds_sum{outcome="succeeded"}'), 0.12);
      assert.equal(
        sample(
          text,
          'hookbridge_http_request_duration_seconds_count{method="POST",route="/v1/webhooks/send",status_code="202"}',
        ),
        2,
      );
      assert.ok(
        text.includes(
          'hookbridge_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/endpoints",status_code="201"}',
        ),
        'latency by route pattern',
      );
      assert.match(text, /^process_cpu_user_seconds_total /m);
    });

    it('labels routes by pattern, never by raw URL', async () => {
      await api('GET', `/v1/messages/${newUuid()}`);
      const text = (await call(server.url, 'GET', '/metrics')).text;
      assert.ok(text.includes('route="/v1/messages/:id"'));
      assert.ok(!/route="\/v1\/messages\/[0-9a-f]{8}-/.test(text));
    });
  });

  describe(`GET /metrics with HOOKBRIDGE_METRICS_TOKEN [${kind}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind, { HOOKBRIDGE_METRICS_TOKEN: TOKEN }, undefined, {
        api: true,
        worker: false,
      });
    });
    after(() => server.close());

    it('requires the bearer token', async () => {
      for (const key of [null, 'wrong-token-0123456789', server.apiKey]) {
        const response = await call(server.url, 'GET', '/metrics', { key });
        assert.equal(response.status, 401, String(key));
        assert.equal(response.body.error.code, 'UNAUTHORIZED');
      }
      const ok = await call(server.url, 'GET', '/metrics', { key: TOKEN });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /hookbridge_queue_depth/);
    });
  });
}
