import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Pool } from 'undici';
import { ERROR_CODES } from '../../src/errors.js';
import { createEndpoint, send } from '../helpers/delivery.js';
import { client } from '../helpers/http.js';
import { createInbound } from '../helpers/inbound.js';
import { head, rawRequest } from '../helpers/raw-http.js';
import { ADMIN_TOKEN, startTestServer, TEST_MASTER_KEY, type TestServer } from '../helpers/server.js';

/**
 * A standing fuzz test: every operation of /openapi.json, the ingest route and the listen upgrade get
 * malformed input (hostile strings and numbers, wrong types, unknown fields, raw non-JSON, odd content
 * types and credentials). Every answer must be below 500 (but for the two documented 5xx codes, answers
 * by design), in the error envelope with a registered code whose status it carries, and must echo
 * nothing internal. Bounded by FUZZ_RUNS per operation and FUZZ_TIME_MS in all; the embedded store only,
 * to keep CI short. A failure prints fast-check's seed; FUZZ_SEED replays it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 90_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/** 5xx answers that are the documented behaviour, not failures. */
const DELIBERATE_5XX = new Set(['NOT_SUPPORTED', 'ENDPOINT_PAUSED']);

/** What a framework error code, a stack trace, SQL or a server path looks like in a response. */
const INTERNAL = [
  /FST_[A-Z_]{3,}/,
  /\bat [\w.<>]+ \(/,
  /node_modules|\/src\/|\.ts:\d+|\.js:\d+/,
  /SQLSTATE|syntax error at|violates|duplicate key|relation "|column "|PGlite|pg_catalog/,
  /Client Error|statusCode/,
];

interface Operation {
  method: string;
  path: string;
  params: Array<{ in: string; name: string; schema: Schema }>;
  body: Schema | null;
}

/** A JSON Schema node of /openapi.json, walked to build hostile values of every shape it allows. */
type Schema = Record<string, any>;

const stats = { requests: 0, status5xx: 0, deliberate5xx: 0, unsent: 0 };

function checkAnswer(label: string, status: number, text: string): void {
  stats.requests++;
  // Answers to malformed requests: any JSON (or none), each field checked before it is trusted.
  let body: { error?: { code?: string; message?: unknown }; meta?: { request_id?: unknown } } | null = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  if (status >= 500) {
    if (DELIBERATE_5XX.has(body?.error?.code ?? '')) stats.deliberate5xx++;
    else stats.status5xx++;
  }
  for (const pattern of INTERNAL)
    assert.doesNotMatch(text, pattern, `${label}: internal detail echoed: ${text}`);
  assert.ok(!text.includes(TEST_MASTER_KEY) && !text.includes(ADMIN_TOKEN), `${label}: a secret echoed`);
  if (status >= 500) assert.ok(DELIBERATE_5XX.has(body?.error?.code ?? ''), `${label}: ${status} ${text}`);
  if (status < 400) return;
  assert.ok(
    body && typeof body.error === 'object',
    `${label}: ${status} outside the envelope: ${text.slice(0, 300)}`,
  );
  const code = body.error.code as keyof typeof ERROR_CODES;
  assert.ok(code in ERROR_CODES, `${label}: unregistered code ${code}`);
  assert.equal(ERROR_CODES[code].status, status, `${label}: ${code} answered with ${status}`);
  assert.equal(typeof body.error.message, 'string', label);
  assert.match(String(body.meta?.request_id), /^req_/, label);
}

const hostileText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '%00',
    '%zz',
    '%E0%A4%A',
    '..',
    '../../etc/passwd',
    'a'.repeat(101),
    'x'.repeat(5000),
    '1e309',
    'Infinity',
    '-1',
    'NaN',
    '0x10',
    'null',
    'true',
    '{}',
    '[]',
    '__proto__',
    'constructor',
    "'; DROP TABLE endpoints; --",
    '\ud800',
    '😀',
    'ep_',
    `ep_${'0'.repeat(32)}`,
    '00000000-0000-0000-0000-000000000000',
    'https://93.184.215.14/fuzz',
    'http://127.0.0.1/',
    '2026-13-45T25:61:00Z',
    'Expect',
  ),
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -0, 2 ** 53 + 1, 1e21, 0.5, 2 ** 31),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    hostileText,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Values of the schema's own type most of the time (so requests get past the first check), hostile otherwise. */
function fromSchema(schema: Schema, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(hostileValue, fc.constantFrom(...ids));
  if (depth > 3) return hostile;
  if (schema.anyOf)
    return fc.oneof(...schema.anyOf.map((s: Schema) => fromSchema(s, ids, depth + 1)), hostile);
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), hostile);
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), hostile);
  switch (schema.type) {
    case 'string':
      return fc.oneof(hostileText, fc.constantFrom(...ids));
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 }), hostile);
    case 'number':
      return fc.oneof(hostileNumber, hostile);
    case 'boolean':
      return fc.oneof(fc.boolean(), hostile);
    case 'array':
      return fc.oneof(fc.array(fromSchema(schema.items ?? {}, ids, depth + 1), { maxLength: 5 }), hostile);
    case 'object': {
      const properties = Object.entries<Schema>(schema.properties ?? {});
      if (properties.length === 0)
        return fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), hostileValue), hostile);
      const shape = Object.fromEntries(properties.map(([name, s]) => [name, fromSchema(s, ids, depth + 1)]));
      return fc.oneof(
        { weight: 4, arbitrary: fc.record(shape, { requiredKeys: [] }) },
        {
          weight: 1,
          arbitrary: fc.record({ ...shape, [`extra_${depth}`]: hostileValue }, { requiredKeys: [] }),
        },
        { weight: 1, arbitrary: hostile },
      );
    }
    default:
      return hostile;
  }
}

/** A body as sent: JSON of a generated value, or raw text no JSON parser would take as meant. */
function bodyText(schema: Schema | null, ids: string[]): fc.Arbitrary<string | undefined> {
  const raw = fc.constantFrom(
    '{',
    '{"a":1,"a":2}',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    `${'['.repeat(3000)}${']'.repeat(3000)}`,
    '{"n":1e999999}',
    '"just a string"',
    'null',
    '\u0000',
    '',
    ' ',
  );
  return fc.oneof(
    { weight: 6, arbitrary: (schema ? fromSchema(schema, ids) : hostileValue).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  ';;;',
);

/**
 * A value as a path segment (or header value): its UTF-8 bytes percent-encoded (lone surrogates become
 * U+FFFD), or with `raw` printable ASCII left as it is, so `%zz` and friends reach the server unchanged.
 */
function encodeSegment(value: unknown, raw: boolean): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    const keep = raw ? byte > 0x20 && byte < 0x7f && !'/?#'.includes(char) : /[A-Za-z0-9_.~-]/.test(char);
    out += keep ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The parts of /openapi.json the fuzzer reads. */
interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema?: Schema }>;
        requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
      }
    >
  >;
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p) => ({ in: p.in, name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return operations;
}

describe('fuzz: every operation, the ingest route and the listen upgrade [embedded]', () => {
  let server: TestServer;
  let pool: Pool;
  let operations: Operation[];
  let ids: string[];
  let cliEndpointId: string;
  let forwardEndpointId: string;
  const ingestUrls: string[] = [];
  let hmacSecret: string;
  const deadline = Date.now() + TIME_MS;

  before(async () => {
    // No worker: deliveries to generated endpoints would only add noise. No long-poll hold.
    server = await startTestServer('embedded', { HOOKBRIDGE_LISTEN_HOLD_MS: '0' }, undefined, {
      api: true,
      worker: false,
    });
    pool = new Pool(server.url, { connections: 4 });
    const api = client(server.url, server.apiKey);
    const endpoint = await createEndpoint(api, 'https://93.184.215.14/fuzz');
    const messageId = await send(api, endpoint.id, { fuzz: true });
    const spareKey = (await api('POST', '/v1/api-keys', { body: { mode: 'test' } })).body.data;
    const spareProject = (
      await api('POST', '/v1/projects', { key: ADMIN_TOKEN, body: { name: 'fuzz-spare' } })
    ).body.data;
    const signingKey = (await api('GET', `/v1/endpoints/${endpoint.id}/signing-keys`)).body.data[0];
    hmacSecret = 'fuzz-hmac-secret-0123456789';
    const cli = await createInbound(api, { mode: 'cli' });
    const forward = await createInbound(api, {
      url: 'https://93.184.215.14/in',
      verify_static_token: true,
      token_header_name: 'X-Token',
      token_value: 'fuzz-static-token',
      verify_hmac: true,
      hmac_header_name: 'X-Signature',
      hmac_secret: hmacSecret,
    });
    cliEndpointId = cli.id;
    forwardEndpointId = forward.id;
    ingestUrls.push(cli.ingest_url, forward.ingest_url);
    ids = [endpoint.id, messageId, spareKey.id, spareProject.id, signingKey.id, cli.id, forward.id];
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
    operations = operationsOf(doc);
    assert.ok(operations.length >= 60, `the OpenAPI document lists ${operations.length} operations`);
  });

  after(async () => {
    await pool.close();
    await server.close();
    console.log(
      `fuzz: ${stats.requests} requests, ${stats.status5xx} unexpected 5xx, ${stats.deliberate5xx} documented 5xx (501 NOT_SUPPORTED, 503 ENDPOINT_PAUSED), ${stats.unsent} refused by the client library`,
    );
  });

  it('every OpenAPI operation answers malformed input below 500, in the envelope, leaking nothing', async () => {
    for (const operation of operations) {
      if (operation.path === '/v1/listen' || operation.path.startsWith('/v1/webhooks/receive/')) continue;
      const pathParams = operation.params.filter((p) => p.in === 'path');
      const queryParams = operation.params.filter((p) => p.in === 'query');
      const input = fc.record({
        path: fc.tuple(
          ...pathParams.map(() => fc.oneof(fc.constantFrom(...ids), hostileText)),
          fc.constant(0),
        ),
        rawPath: fc.boolean(),
        query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, fromSchema(p.schema, ids)])), {
          requiredKeys: [],
        }),
        extraQuery: fc.option(fc.tuple(hostileText, hostileText), { nil: undefined }),
        body:
          operation.method === 'GET' || operation.method === 'DELETE'
            ? fc.constant(undefined)
            : bodyText(operation.body, ids),
        contentType: contentTypes,
        auth: fc.constantFrom('key', 'key', 'key', 'key', 'none', 'garbage', 'admin', 'admin-project'),
        idempotencyKey: fc.option(hostileText, { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(input, async (req) => {
          if (Date.now() > deadline) return;
          let index = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () =>
            encodeSegment(req.path[index++], req.rawPath),
          );
          const query = new URLSearchParams();
          for (const [name, value] of Object.entries(req.query)) {
            query.append(name, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
          }
          if (req.extraQuery) query.append(req.extraQuery[0], req.extraQuery[1]);
          const url = query.size > 0 ? `${path}?${query}` : path;
          const headers: Record<string, string> = {};
          if (req.auth === 'key') headers.authorization = `Bearer ${server.apiKey}`;
          if (req.auth === 'garbage') headers.authorization = 'Bearer hb_live_not-a-key\u00ff';
          if (req.auth.startsWith('admin')) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
          if (req.auth === 'admin-project')
            headers['x-project-id'] = encodeSegment(req.path[0] ?? ids[3], true);
          if (req.body !== undefined) headers['content-type'] = req.contentType;
          if (req.idempotencyKey !== undefined)
            headers['idempotency-key'] = encodeSegment(req.idempotencyKey, true);
          const label = `${operation.method} ${url.slice(0, 200)} body=${String(req.body).slice(0, 200)}`;
          let response: Awaited<ReturnType<Pool['request']>>;
          try {
            response = await pool.request({ path: url, method: operation.method, headers, body: req.body });
          } catch (error) {
            // The client library refused to send it (an invalid header value or path character).
            if ((error as { code?: string }).code?.startsWith('UND_ERR_INVALID')) {
              stats.unsent++;
              return;
            }
            throw error;
          }
          checkAnswer(label, response.statusCode, await response.body.text());
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
  });

  it('the ingest route answers any request below 500, in the envelope', async () => {
    const input = fc.record({
      target: fc.oneof(
        fc.constantFrom(...ingestUrls),
        fc
          .tuple(fc.oneof(fc.constantFrom(cliEndpointId, forwardEndpointId), hostileText), hostileText)
          .map(
            ([id, token]) =>
              `${server.url}/v1/webhooks/receive/${encodeSegment(id, false)}/${encodeSegment(token, false)}`,
          ),
      ),
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      body: fc.oneof(fc.uint8Array({ maxLength: 2048 }), hostileText, fc.constant(undefined)),
      contentType: fc.option(contentTypes, { nil: undefined }),
      token: fc.option(fc.constantFrom('fuzz-static-token', 'wrong'), { nil: undefined }),
      sign: fc.boolean(),
      query: fc.option(hostileText, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(input, async (req) => {
        if (Date.now() > deadline) return;
        const url = new URL(req.target);
        const headers: Record<string, string> = {};
        if (req.contentType) headers['content-type'] = req.contentType;
        if (req.token) headers['x-token'] = req.token;
        const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body;
        if (req.sign && body !== undefined) {
          headers['x-signature'] = createHmac('sha256', hmacSecret).update(body).digest('hex');
        }
        const path = `${url.pathname}${req.query !== undefined ? `?q=${encodeSegment(req.query, false)}` : ''}`;
        const response = await pool.request({ path, method: req.method, headers, body });
        const text = await response.body.text();
        if (req.method === 'HEAD' && response.statusCode >= 400) {
          // A HEAD answer has no body to judge: the same request as GET shows what it was.
          const again = await pool.request({ path, method: 'GET', headers });
          assert.equal(again.statusCode, response.statusCode, `HEAD and GET ${path} differ`);
          checkAnswer(`GET ingest ${path.slice(0, 120)}`, again.statusCode, await again.body.text());
          return;
        }
        checkAnswer(`${req.method} ingest ${path.slice(0, 120)}`, response.statusCode, text);
      }),
      { numRuns: RUNS * 10, seed: SEED, endOnFailure: true },
    );
  });

  it('the listen upgrade answers any handshake with 101 or an envelope, and survives bad frames', async () => {
    const input = fc.record({
      endpoint: fc.oneof(fc.constantFrom(cliEndpointId, forwardEndpointId, ''), hostileText),
      auth: fc.constantFrom('key', 'key', 'none', 'garbage'),
      key: fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), fc.constant(undefined), hostileText),
      version: fc.oneof(fc.constantFrom('13', '8', '12', ''), hostileText, fc.constant(undefined)),
      protocol: fc.option(hostileText, { nil: undefined }),
      extensions: fc.option(fc.constantFrom('permessage-deflate', 'x; y=', ',,,'), { nil: undefined }),
      frame: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    });
    const printable = (value: string) => value.replace(/[^\x20-\x7e]/g, '_');
    await fc.assert(
      fc.asyncProperty(input, async (req) => {
        if (Date.now() > deadline) return;
        const headers: Record<string, string> = { Host: 'x', Upgrade: 'websocket', Connection: 'Upgrade' };
        if (req.auth === 'key') headers.Authorization = `Bearer ${server.apiKey}`;
        if (req.auth === 'garbage') headers.Authorization = 'Bearer nope';
        if (req.key !== undefined) headers['Sec-WebSocket-Key'] = printable(req.key);
        if (req.version !== undefined) headers['Sec-WebSocket-Version'] = printable(req.version);
        if (req.protocol !== undefined) headers['Sec-WebSocket-Protocol'] = printable(req.protocol);
        if (req.extensions !== undefined) headers['Sec-WebSocket-Extensions'] = req.extensions;
        const line = `GET /v1/listen?endpoint_id=${encodeSegment(req.endpoint, false)} HTTP/1.1`;
        const answer = await rawRequest(server.url, [head(line, headers), Buffer.from(req.frame)], {
          waitMs: 3_000,
        });
        if (answer.status === 101) {
          stats.requests++;
          return;
        }
        checkAnswer(`listen ${JSON.stringify(headers).slice(0, 200)}`, answer.status, answer.text);
      }),
      { numRuns: RUNS * 3, seed: SEED, endOnFailure: true },
    );
    const health = await pool.request({ path: '/healthz', method: 'GET' });
    assert.equal(health.statusCode, 200, await health.body.text());
  });
});
