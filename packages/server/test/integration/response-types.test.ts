import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { createEndpoint, send, waitForMessage } from '../helpers/delivery.js';
import type { Api, ApiResponse } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { Receiver } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * The JSON types the official SDKs declare for what they read, from the PHP SDK's typed constructors
 * (`src/Response/*.php`, `src/HookBridge.php`: PHP throws a TypeError on any other type under
 * strict_types) and the Go SDK's `types.go` (encoding/json refuses 0.38 for an int). `int`: a JSON
 * integer that is always present and never null; `?int`: an integer when present; `float`: any number.
 * Each is checked against the route's declared response schema, and every served response in the
 * scenario below is validated against those schemas, so a served type differing from the SDKs fails here.
 */
type Declared = 'int' | '?int' | 'float';
const SDK_TYPES: Array<[route: string, field: string, type: Declared]> = [];
const declare = (route: string, fields: Record<string, Declared>) => {
  for (const [field, type] of Object.entries(fields)) SDK_TYPES.push([route, field, type]);
};
const TIMINGS = {
  response_status: '?int',
  response_latency_ms: '?int',
  retry_after_seconds: '?int',
  dns_ms: '?int',
  tcp_connect_ms: '?int',
  tls_handshake_ms: '?int',
  ttfb_ms: '?int',
  transfer_ms: '?int',
} as const;
declare('GET /v1/messages/{id}', {
  'data.attempt_count': 'int',
  'data.replay_count': 'int',
  'data.size_bytes': 'int',
  'data.response_status': '?int',
  'data.response_latency_ms': '?int',
});
declare('GET /v1/messages/{id}/attempts', {
  'data[].attempt_no': 'int',
  'data[].processing_ms': '?int',
  ...Object.fromEntries(Object.entries(TIMINGS).map(([k, v]) => [`data[].${k}`, v])),
});
declare('GET /v1/inbound-messages/{id}/attempts', {
  'data[].attempt_no': 'int',
  ...Object.fromEntries(Object.entries(TIMINGS).map(([k, v]) => [`data[].${k}`, v])),
});
declare('GET /v1/inbound-messages/{id}', {
  'data.attempt_count': 'int',
  'data.replay_count': 'int',
  'data.size_bytes': '?int',
  'data.response_status': '?int',
  'data.response_latency_ms': '?int',
  'data.queue_wait_ms': '?int',
  'data.total_delivery_ms': '?int',
});
declare('GET /v1/logs', {
  'data[].attempt_count': 'int',
  'data[].response_status': '?int',
  'data[].response_latency_ms': '?int',
});
for (const route of ['GET /v1/metrics', 'GET /v1/inbound-metrics'])
  declare(route, {
    'data.total_messages': 'int',
    'data.succeeded': 'int',
    'data.failed': 'int',
    'data.retries': 'int',
    'data.success_rate': 'float',
    'data.avg_latency_ms': 'int',
  });
declare('GET /v1/inbound-metrics', { 'data.avg_delivery_time_ms': 'int' });
for (const route of ['GET /v1/metrics/timeseries', 'GET /v1/inbound-metrics/timeseries'])
  declare(route, {
    'data.buckets[].succeeded': 'int',
    'data.buckets[].failed': 'int',
    'data.buckets[].retrying': 'int',
    'data.buckets[].total': 'int',
    'data.buckets[].avg_latency_ms': 'int',
  });
declare('GET /v1/dlq/messages', { 'data.messages[].attempt_count': 'int' });
declare('GET /v1/projects/{id}', { 'data.rate_limit_default': 'int' });
declare('GET /v1/endpoints/{id}', { 'data.rate_limit_rps': '?int', 'data.burst': '?int' });
declare('GET /v1/billing/subscription', {
  'data.limits.messages_per_month': 'int',
  'data.limits.max_projects': 'int',
  'data.limits.max_endpoints': 'int',
  'data.limits.retention_days': 'int',
  'data.usage.messages_used': 'int',
});
declare('GET /v1/billing/usage-history', {
  'data[].message_count': 'int',
  'data[].overage_count': 'int',
  'data[].plan_limit': '?int',
  'meta.total': 'int',
  'meta.limit': 'int',
  'meta.offset': 'int',
});
declare('GET /v1/inbound-endpoints/{id}', { 'data.ingest_response_code': 'int' });
declare('GET /v1/inbound-logs', {
  'data[].attempt_count': 'int',
  'data[].response_status': '?int',
  'data[].response_latency_ms': '?int',
  'data[].total_delivery_ms': '?int',
});
declare('GET /v1/exports/{id}', { 'data.row_count': '?int', 'data.file_size_bytes': '?int' });
declare('POST /v1/messages/replay-batch', {
  'data.replayed': 'int',
  'data.failed': 'int',
  'data.stuck': 'int',
});

type Schema = Record<string, any>;

/** The schema of `field` (dots; `[]` steps into array items) under a response schema, and whether it is required. */
function fieldSchema(root: Schema, field: string): { schema: Schema; required: boolean } | null {
  let node = root;
  let required = true;
  for (const step of field.split('.')) {
    const array = step.endsWith('[]');
    const name = array ? step.slice(0, -2) : step;
    const props = node.properties as Schema | undefined;
    if (!props?.[name]) return null;
    required &&= (node.required ?? []).includes(name);
    node = props[name];
    if (array) node = node.items;
  }
  return { schema: node, required };
}

/** The JSON types a schema admits: `type`, or those of its anyOf branches. */
function typesOf(schema: Schema): string[] {
  if (schema.anyOf) return (schema.anyOf as Schema[]).flatMap(typesOf);
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

function successSchema(spec: Schema, route: string): Schema {
  const [method, path] = route.split(' ') as [string, string];
  const responses = spec.paths[path]?.[method.toLowerCase()]?.responses;
  assert.ok(responses, `${route} is not in /openapi.json`);
  const status = Object.keys(responses).find((code) => code.startsWith('2'))!;
  return responses[status].content['application/json'].schema;
}

for (const kind of storeKinds()) {
  describe(`served JSON types agree with the route schemas and the official SDKs [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;
    let spec: Schema;
    let ajv: Ajv;
    const validators = new Map<string, ValidateFunction>();

    before(async () => {
      receiver = await Receiver.start();
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_LISTEN_HOLD_MS: '200',
      }));
      spec = (await api('GET', '/openapi.json')).body;
      ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(spec, 'openapi');
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('declares for every field the SDKs read the type they declare', () => {
      const wrong: string[] = [];
      for (const [route, field, declared] of SDK_TYPES) {
        const found = fieldSchema(successSchema(spec, route), field);
        if (!found) {
          wrong.push(`${route} ${field}: not in the schema`);
          continue;
        }
        const types = typesOf(found.schema);
        const numeric = declared === 'float' ? ['number', 'integer'] : ['integer'];
        if (
          !types.some((type) => numeric.includes(type)) ||
          types.some((t) => !numeric.includes(t) && t !== 'null')
        )
          wrong.push(`${route} ${field}: declared ${types.join('|')}, the SDKs read ${declared}`);
        if (declared === 'int' && (types.includes('null') || !found.required))
          wrong.push(`${route} ${field}: may be null or absent, the SDKs read a non-null int`);
      }
      assert.deepEqual(wrong, []);
    });

    /** Validates one served response against its route's schema for that status. */
    function check(method: string, path: string, response: ApiResponse): void {
      const key = `${method} ${path} ${response.status}`;
      let validate = validators.get(key);
      if (!validate) {
        const operation = spec.paths[path]?.[method.toLowerCase()];
        assert.ok(
          operation?.responses?.[response.status],
          `${key}: no schema for this answer; ${response.text}`,
        );
        const pointer = ['paths', path, method.toLowerCase(), 'responses', String(response.status)]
          .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
          .join('/');
        validate = ajv.getSchema(`openapi#/${pointer}/content/application~1json/schema`)!;
        validators.set(key, validate);
      }
      assert.ok(validate(response.body), `${key}: ${ajv.errorsText(validate.errors)} in ${response.text}`);
    }
    const call = async (method: string, template: string, path: string, body?: unknown) => {
      const response = await api(method, path, body === undefined ? {} : { body });
      check(method, template, response);
      return response;
    };

    it('serves every response of a full scenario in its declared types', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/types`, { rate_limit_rps: 50, burst: 10 });
      const messageId = await send(api, endpoint.id, { kind: 'types' });
      await waitForMessage(api, messageId, (m) => m.status === 'succeeded');
      await call('GET', '/v1/endpoints/{id}', `/v1/endpoints/${endpoint.id}`);
      await call('GET', '/v1/endpoints', '/v1/endpoints');
      await call('GET', '/v1/endpoints/{id}/signing-keys', `/v1/endpoints/${endpoint.id}/signing-keys`);
      await call('GET', '/v1/messages/{id}', `/v1/messages/${messageId}`);
      const attempts = await call('GET', '/v1/messages/{id}/attempts', `/v1/messages/${messageId}/attempts`);
      assert.equal(attempts.body.data.length, 1);
      await call('POST', '/v1/messages/replay-batch', '/v1/messages/replay-batch', {
        message_ids: [messageId],
      });
      await call('GET', '/v1/logs', '/v1/logs');
      await call('GET', '/v1/metrics', '/v1/metrics?window=1h');
      await call('GET', '/v1/metrics/timeseries', '/v1/metrics/timeseries?window=24h');
      await call('GET', '/v1/dlq/messages', '/v1/dlq/messages');
      await call('GET', '/v1/api-keys', '/v1/api-keys');
      await call('GET', '/v1/projects/{id}', `/v1/projects/${server.projectId}`);
      await call('GET', '/v1/billing/subscription', '/v1/billing/subscription');
      await call('GET', '/v1/billing/usage-history', '/v1/billing/usage-history');
      await call('GET', '/v1/billing/invoices', '/v1/billing/invoices');

      const inbound = await createInbound(api, { url: `${receiver.url}/inbound`, signing_enabled: true });
      const cli = await createInbound(api, { mode: 'cli', ephemeral: true, ttl_minutes: 30 });
      const inboundId = (
        await ingest(inbound.ingest_url, {
          body: '{"in":1}',
          headers: { 'content-type': 'application/json' },
        })
      ).body.data.message_id;
      await ingest(`${inbound.ingest_url.slice(0, -4)}0000`, { body: 'wrong token' });
      await ingest(cli.ingest_url, { body: '{"cli":true}', headers: { 'content-type': 'application/json' } });
      for (let i = 0; i < 250; i++) {
        if ((await api('GET', `/v1/inbound-messages/${inboundId}`)).body.data.status === 'succeeded') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await call('GET', '/v1/inbound-endpoints', '/v1/inbound-endpoints');
      await call('GET', '/v1/inbound-endpoints/{id}', `/v1/inbound-endpoints/${inbound.id}`);
      await call('GET', '/v1/inbound-endpoints/{id}', `/v1/inbound-endpoints/${cli.id}`);
      await call('GET', '/v1/inbound-messages/{id}', `/v1/inbound-messages/${inboundId}`);
      const inboundAttempts = await call(
        'GET',
        '/v1/inbound-messages/{id}/attempts',
        `/v1/inbound-messages/${inboundId}/attempts`,
      );
      assert.equal(inboundAttempts.body.data.length, 1);
      await call('GET', '/v1/inbound-logs', '/v1/inbound-logs');
      await call('GET', '/v1/inbound-metrics', '/v1/inbound-metrics?window=1h');
      await call('GET', '/v1/inbound-metrics/timeseries', '/v1/inbound-metrics/timeseries?window=24h');
      const rejections = await call('GET', '/v1/inbound-rejections', '/v1/inbound-rejections');
      assert.ok(rejections.body.data.length >= 1);
      await call('GET', '/v1/inbound-endpoints/{id}/listen', `/v1/inbound-endpoints/${cli.id}/listen`);

      const now = new Date();
      const created = await call('POST', '/v1/exports', '/v1/exports', {
        start_time: new Date(now.getTime() - 3_600_000).toISOString(),
        end_time: new Date(now.getTime() + 60_000).toISOString(),
      });
      for (let i = 0; i < 250; i++) {
        const job = await api('GET', `/v1/exports/${created.body.data.id}`);
        if (job.body.data.status === 'completed') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const job = await call('GET', '/v1/exports/{id}', `/v1/exports/${created.body.data.id}`);
      assert.equal(job.body.data.status, 'completed', job.text);
      assert.ok(Number.isInteger(job.body.data.row_count));
      await call('GET', '/v1/exports', '/v1/exports');
    });
  });
}
