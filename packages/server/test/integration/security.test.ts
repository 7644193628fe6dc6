import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { client, type ResponseBody } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { Receiver, status } from '../helpers/receiver.js';
import { isHeadOfGet, type RouteLog, startWithRouteLog } from '../helpers/routes.js';
import {
  BAD_CREDENTIAL_COUNT,
  type RequestSpec,
  type SecurityCase,
  type SecurityContext,
  securitySuite,
} from '../helpers/security.js';
import type { TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

// Well-formed ids of objects that do not exist: a refused request must pass validation to reach the auth.
const UUID = '01935abc-def0-7123-8567-890abcdef012';
const ENDPOINT = `ep_${'a'.repeat(32)}`;
const SIGNING_KEY = `sk_${'c'.repeat(32)}`;
const API_KEY_ID = `key_${'b'.repeat(32)}`;
const HOUR = 3_600_000;
const EXPORT_WINDOW = {
  start_time: new Date(Date.now() - HOUR).toISOString(),
  end_time: new Date(Date.now() + HOUR).toISOString(),
};

/** One object of each kind, owned by the suite's other project. */
interface TheirObjects {
  projectId: string;
  apiKeyId: string;
  endpointId: string;
  signingKeyId: string;
  /** Dead-lettered (its endpoint answers 400), so the DLQ replay would accept it from its owner. */
  messageId: string;
  exportId: string;
  inboundId: string;
  inboundMessageId: string;
  pullId: string;
  pullEventId: string;
}

let receiverUrl = '';
const objects = new WeakMap<SecurityContext, Promise<TheirObjects>>();

async function createTheirObjects(ctx: SecurityContext): Promise<TheirObjects> {
  const api = client(ctx.server.url, ctx.other.apiKey);
  const keys = await api<ResponseBody<'/v1/api-keys', 'get'>>('GET', '/v1/api-keys');
  const endpoint = await createEndpoint(api, `${receiverUrl}/theirs`);
  const messageId = await send(api, endpoint.id, { theirs: true });
  await waitForMessage(api, messageId, hasStatus('failed_permanent'));
  const exported = await api<ResponseBody<'/v1/exports', 'post'>>('POST', '/v1/exports', {
    body: EXPORT_WINDOW,
  });
  assert.equal(exported.status, 201, exported.text);
  const inbound = await createInbound(api, { mode: 'cli' });
  const pull = await api<ResponseBody<'/v1/pull-endpoints', 'post'>>('POST', '/v1/pull-endpoints', {
    body: {},
  });
  assert.equal(pull.status, 201, pull.text);
  const pullUrl = pull.body.data.ingest_url;
  assert.ok(pullUrl, 'a pull endpoint has an ingest URL');
  const ingested = async (url: string) => {
    const response = await ingest(url, { body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 202, response.text);
    return response.body.data.message_id;
  };
  return {
    projectId: ctx.other.projectId,
    apiKeyId: keys.body.data[0]!.key_id,
    endpointId: endpoint.id,
    signingKeyId: endpoint.signing_key_id,
    messageId,
    exportId: exported.body.data.id,
    inboundId: inbound.id,
    inboundMessageId: await ingested(inbound.ingest_url),
    pullId: pull.body.data.id,
    pullEventId: await ingested(pullUrl),
  };
}

const at = (method: string, path: string, body?: unknown): RequestSpec => ({ method, path, body });
const mine = (method: string, path: string, body?: unknown) => () => at(method, path, body);
const theirs = (build: (them: TheirObjects) => RequestSpec) => async (ctx: SecurityContext) => {
  if (!objects.has(ctx)) objects.set(ctx, createTheirObjects(ctx));
  return build(await objects.get(ctx)!);
};

type Case = Omit<SecurityCase, 'name'>;

/** The routes under one object's path (`/v1/endpoints/{id}…`), asked for ours and for theirs. */
function underObject(
  base: string,
  routes: Array<[method: string, suffix: string, body?: unknown]>,
  mineId: string,
  theirId: (them: TheirObjects) => string,
): Array<[string, Case]> {
  return routes.map(([method, suffix, body]) => [
    `${method} ${base}/{id}${suffix}`,
    {
      request: mine(method, `${base}/${mineId}${suffix}`, body),
      foreign: theirs((them) => at(method, `${base}/${theirId(them)}${suffix}`, body)),
    },
  ]);
}

/**
 * The shared security suite's table: every authenticated route (one entry per method, keyed as
 * /openapi.json writes it), with a request our key may make and, where the route names an object, the
 * same request for another project's object. The first test below fails when a registered
 * authenticated route is missing here, or an entry names no such route.
 */
const CASES: Array<[string, Case]> = [
  // Projects: the API key sees its own; creating and changing projects takes the admin token, so any
  // key is refused 403 whatever the id, and there is no foreign case to tell apart.
  ['GET /v1/projects', { request: mine('GET', '/v1/projects') }],
  ['POST /v1/projects', { request: mine('POST', '/v1/projects', { name: 'x' }) }],
  [
    'GET /v1/projects/{id}',
    {
      request: mine('GET', `/v1/projects/${UUID}`),
      foreign: theirs((them) => at('GET', `/v1/projects/${them.projectId}`)),
    },
  ],
  ['PUT /v1/projects/{id}', { request: mine('PUT', `/v1/projects/${UUID}`, { name: 'x' }) }],
  ['PATCH /v1/projects/{id}', { request: mine('PATCH', `/v1/projects/${UUID}`, { name: 'x' }) }],
  ['DELETE /v1/projects/{id}', { request: mine('DELETE', `/v1/projects/${UUID}`) }],

  ['GET /v1/api-keys', { request: mine('GET', '/v1/api-keys') }],
  ['POST /v1/api-keys', { request: mine('POST', '/v1/api-keys', {}) }],
  [
    'DELETE /v1/api-keys/{key_id}',
    {
      request: mine('DELETE', `/v1/api-keys/${API_KEY_ID}`),
      foreign: theirs((them) => at('DELETE', `/v1/api-keys/${them.apiKeyId}`)),
    },
  ],

  ['GET /v1/endpoints', { request: mine('GET', '/v1/endpoints') }],
  ['POST /v1/endpoints', { request: mine('POST', '/v1/endpoints', { url: 'https://93.184.215.14/hook' }) }],
  ...underObject(
    '/v1/endpoints',
    [
      ['GET', ''],
      ['PATCH', '', { description: 'x' }],
      ['DELETE', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['GET', '/signing-keys'],
      ['POST', '/signing-keys'],
      ['POST', '/rotate-secret'],
    ],
    ENDPOINT,
    (them) => them.endpointId,
  ),
  [
    'DELETE /v1/endpoints/{id}/signing-keys/{key_id}',
    {
      request: mine('DELETE', `/v1/endpoints/${ENDPOINT}/signing-keys/${SIGNING_KEY}`),
      foreign: theirs((them) =>
        at('DELETE', `/v1/endpoints/${them.endpointId}/signing-keys/${them.signingKeyId}`),
      ),
    },
  ],

  [
    'POST /v1/webhooks/send',
    {
      request: mine('POST', '/v1/webhooks/send', { endpoint_id: ENDPOINT, payload: {} }),
      foreign: theirs((them) =>
        at('POST', '/v1/webhooks/send', { endpoint_id: them.endpointId, payload: {} }),
      ),
    },
  ],

  // Outbound messages. The attempts of another project's message list as empty, like those of a missing
  // one (messages-operations.test.ts), so that route has no 404 to check.
  ...underObject(
    '/v1/messages',
    [
      ['GET', ''],
      ['DELETE', ''],
      ['POST', '/replay'],
      ['POST', '/cancel'],
      ['POST', '/retry-now'],
      ['GET', '/delivery'],
      ['GET', '/payload'],
    ],
    UUID,
    (them) => them.messageId,
  ),
  ['GET /v1/messages/{id}/attempts', { request: mine('GET', `/v1/messages/${UUID}/attempts`) }],
  ['POST /v1/messages/replay-all', { request: mine('POST', '/v1/messages/replay-all?status=succeeded') }],
  [
    'POST /v1/messages/replay-batch',
    { request: mine('POST', '/v1/messages/replay-batch', { message_ids: [UUID] }) },
  ],
  [
    'POST /v1/messages/delete-batch',
    { request: mine('POST', '/v1/messages/delete-batch', { message_ids: [UUID] }) },
  ],
  ['POST /v1/messages/delete-all', { request: mine('POST', '/v1/messages/delete-all') }],
  ['GET /v1/dlq/messages', { request: mine('GET', '/v1/dlq/messages') }],
  [
    'POST /v1/dlq/replay/{id}',
    {
      request: mine('POST', `/v1/dlq/replay/${UUID}`),
      foreign: theirs((them) => at('POST', `/v1/dlq/replay/${them.messageId}`)),
    },
  ],
  ['GET /v1/logs', { request: mine('GET', '/v1/logs') }],
  ...['/v1/metrics', '/v1/metrics/timeseries'].map((path): [string, Case] => [
    `GET ${path}`,
    {
      request: mine('GET', path),
      foreign: theirs((them) => at('GET', `${path}?endpoint_id=${them.endpointId}`)),
    },
  ]),

  ['GET /v1/exports', { request: mine('GET', '/v1/exports') }],
  [
    'POST /v1/exports',
    {
      request: mine('POST', '/v1/exports', EXPORT_WINDOW),
      foreign: theirs((them) =>
        at('POST', '/v1/exports', { ...EXPORT_WINDOW, endpoint_id: them.endpointId }),
      ),
    },
  ],
  ...underObject(
    '/v1/exports',
    [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/download'],
    ],
    UUID,
    (them) => them.exportId,
  ),

  ...['/v1/billing/subscription', '/v1/billing/usage-history', '/v1/billing/invoices'].map(
    (path): [string, Case] => [`GET ${path}`, { request: mine('GET', path) }],
  ),
  ...['/v1/billing/checkout', '/v1/billing/portal'].map((path): [string, Case] => [
    `POST ${path}`,
    { request: mine('POST', path, {}) },
  ]),
  ['GET /v1/actors/lookup', { request: mine('GET', '/v1/actors/lookup?api_key_id=key_x') }],

  ['GET /v1/inbound-endpoints', { request: mine('GET', '/v1/inbound-endpoints') }],
  ['POST /v1/inbound-endpoints', { request: mine('POST', '/v1/inbound-endpoints', { mode: 'cli' }) }],
  ...underObject(
    '/v1/inbound-endpoints',
    [
      ['GET', ''],
      ['PATCH', '', { name: 'x' }],
      ['DELETE', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['GET', '/signing-keys'],
      ['POST', '/signing-keys'],
      ['GET', '/listen'],
      ['POST', '/listen/ack', { acks: [{ message_id: UUID }] }],
    ],
    UUID,
    (them) => them.inboundId,
  ),
  [
    'DELETE /v1/inbound-endpoints/{id}/signing-keys/{key_id}',
    {
      request: mine('DELETE', `/v1/inbound-endpoints/${UUID}/signing-keys/${SIGNING_KEY}`),
      foreign: theirs((them) =>
        at('DELETE', `/v1/inbound-endpoints/${them.inboundId}/signing-keys/${SIGNING_KEY}`),
      ),
    },
  ],
  ...['/v1/listen', '/v1/listen/v1/listen'].map((path): [string, Case] => [
    `GET ${path}`,
    {
      request: mine('GET', `${path}?endpoint_id=${UUID}`),
      foreign: theirs((them) => at('GET', `${path}?endpoint_id=${them.inboundId}`)),
    },
  ]),

  // Inbound messages: as outbound, the attempts of another project's message list as empty.
  ...underObject(
    '/v1/inbound-messages',
    [
      ['GET', ''],
      ['DELETE', ''],
      ['POST', '/replay'],
      ['GET', '/delivery'],
      ['GET', '/payload'],
    ],
    UUID,
    (them) => them.inboundMessageId,
  ),
  [
    'GET /v1/inbound-messages/{id}/attempts',
    { request: mine('GET', `/v1/inbound-messages/${UUID}/attempts`) },
  ],
  [
    'POST /v1/inbound-messages/replay-all',
    { request: mine('POST', '/v1/inbound-messages/replay-all?status=succeeded') },
  ],
  [
    'POST /v1/inbound-messages/replay-batch',
    { request: mine('POST', '/v1/inbound-messages/replay-batch', { message_ids: [UUID] }) },
  ],
  [
    'POST /v1/inbound-messages/delete-batch',
    { request: mine('POST', '/v1/inbound-messages/delete-batch', { message_ids: [UUID] }) },
  ],
  ['POST /v1/inbound-messages/delete-all', { request: mine('POST', '/v1/inbound-messages/delete-all') }],
  ['GET /v1/inbound-logs', { request: mine('GET', '/v1/inbound-logs') }],
  ['GET /v1/inbound-rejections', { request: mine('GET', '/v1/inbound-rejections') }],
  ...['/v1/inbound-metrics', '/v1/inbound-metrics/timeseries'].map((path): [string, Case] => [
    `GET ${path}`,
    {
      request: mine('GET', path),
      foreign: theirs((them) => at('GET', `${path}?inbound_endpoint_id=${them.inboundId}`)),
    },
  ]),

  ['GET /v1/pull-endpoints', { request: mine('GET', '/v1/pull-endpoints') }],
  ['POST /v1/pull-endpoints', { request: mine('POST', '/v1/pull-endpoints', {}) }],
  ...underObject(
    '/v1/pull-endpoints',
    [
      ['GET', ''],
      ['PATCH', '', { name: 'x' }],
      ['DELETE', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['GET', '/events'],
      ['POST', '/events/ack', { event_ids: [UUID] }],
      ['POST', '/events/delete-batch', { message_ids: [UUID] }],
      ['POST', '/events/delete-all'],
    ],
    UUID,
    (them) => them.pullId,
  ),
  ...['GET', 'DELETE'].map((method): [string, Case] => [
    `${method} /v1/pull-endpoints/{id}/events/{event_id}`,
    {
      request: mine(method, `/v1/pull-endpoints/${UUID}/events/${UUID}`),
      foreign: theirs((them) => at(method, `/v1/pull-endpoints/${them.pullId}/events/${them.pullEventId}`)),
    },
  ]),
  ['GET /v1/pull-logs', { request: mine('GET', '/v1/pull-logs') }],
  ...['/v1/pull-metrics', '/v1/pull-metrics/timeseries'].map((path): [string, Case] => [
    `GET ${path}`,
    {
      request: mine('GET', path),
      foreign: theirs((them) => at('GET', `${path}?pull_endpoint_id=${them.pullId}`)),
    },
  ]),

  // The console's session (signing in, POST, is public).
  ['GET /v1/console/session', { request: mine('GET', '/v1/console/session') }],
  ['DELETE /v1/console/session', { request: mine('DELETE', '/v1/console/session') }],
];

for (const kind of storeKinds()) {
  // The default configuration registers every route (the console is on unless HOOKBRIDGE_CONSOLE=false).
  describe(`every authenticated route runs the shared security suite [${kind}]`, () => {
    let server: TestServer;
    let log: RouteLog;
    let receiver: Receiver;

    before(async () => {
      receiver = await Receiver.start();
      receiver.setDefault(status(400));
      receiverUrl = receiver.url;
      ({ server, log } = await startWithRouteLog(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('lists every registered authenticated route in the table, and nothing else', () => {
      const registered = new Set(log.routes.map((route) => route.key));
      const authenticated = new Set(
        log.routes
          .filter((route) => route.auth !== 'none' && !isHeadOfGet(route, registered))
          .map((route) => route.key),
      );
      const listed = new Set(CASES.map(([key]) => key));
      assert.equal(listed.size, CASES.length, 'each route is listed once');
      for (const key of authenticated)
        assert.ok(listed.has(key), `${key} is authenticated but missing from the security suite's table`);
      for (const key of listed) {
        assert.ok(registered.has(key), `the security table lists ${key}, which no route registers`);
        assert.ok(authenticated.has(key), `the security table lists ${key}, which is public`);
      }
    });

    securitySuite(
      () => server,
      CASES.map(([name, testCase]) => ({ name, ...testCase })),
    );

    it('reached each listed route itself: a 401 per refused credential, a 404 for the foreign object', () => {
      for (const [key, testCase] of CASES) {
        const statuses = log.statusesOf(key);
        const refused = statuses.filter((code) => code === 401).length;
        assert.ok(refused >= BAD_CREDENTIAL_COUNT, `${key} answered 401 ${refused} times: ${statuses}`);
        if (testCase.foreign) assert.ok(statuses.includes(404), `${key} never answered 404: ${statuses}`);
      }
    });
  });
}
