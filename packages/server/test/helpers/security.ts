import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ADMIN_TOKEN, type TestServer } from './server.js';
import { call, type ErrorEnvelope } from './http.js';

export interface RequestSpec {
  method: string;
  path: string;
  body?: unknown;
}

export interface SecurityContext {
  server: TestServer;
  /** Another project, with its own key: its objects must be invisible to ours. */
  other: { projectId: string; apiKey: string };
}

export interface SecurityCase {
  name: string;
  /** A request that the caller's own key is allowed to make. */
  request(ctx: SecurityContext): Promise<RequestSpec> | RequestSpec;
  /** A request naming another project's object, made with our key: must answer 404 like a missing one. */
  foreign?(ctx: SecurityContext): Promise<RequestSpec> | RequestSpec;
}

export async function createProjectWithKey(server: TestServer, name: string) {
  const project = await call(server.url, 'POST', '/v1/projects', { key: ADMIN_TOKEN, body: { name } });
  assert.equal(project.status, 201, project.text);
  const key = await call(server.url, 'POST', '/v1/api-keys', {
    key: ADMIN_TOKEN,
    headers: { 'x-project-id': project.body.data.id },
    body: { label: 'other' },
  });
  assert.equal(key.status, 201, key.text);
  return { projectId: project.body.data.id as string, apiKey: key.body.data.key as string };
}

/** The credentials every authenticated route must refuse: [label, bearer key, extra headers]. */
function badCredentials(deletedKey: string): Array<[string, string | null, Record<string, string>?]> {
  return [
    ['no key', null],
    ['a malformed key', 'not-a-key'],
    ['an unknown key', `hb_live_${'0'.repeat(32)}`],
    ['a deleted key', deletedKey],
    ['a Basic scheme', null, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
  ];
}

/** How many refused requests the suite makes to each route. */
export const BAD_CREDENTIAL_COUNT = badCredentials('').length;

/**
 * The checks every authenticated route runs: no key, a malformed key, an unknown key and a deleted key
 * answer 401 with the documented message; another project's object answers 404, where a GET of it with
 * its owner's key does not (so the 404 is the project boundary, not a missing object).
 */
export function securitySuite(getServer: () => TestServer, cases: SecurityCase[]): void {
  describe('security', () => {
    let ctx: SecurityContext;
    let deletedKey: string;

    before(async () => {
      const server = getServer();
      ctx = { server, other: await createProjectWithKey(server, `other-${Date.now()}`) };
      const created = await call(server.url, 'POST', '/v1/api-keys', {
        key: server.apiKey,
        body: { label: 'doomed' },
      });
      deletedKey = created.body.data.key;
      const removed = await call(server.url, 'DELETE', `/v1/api-keys/${created.body.data.key_id}`, {
        key: server.apiKey,
      });
      assert.equal(removed.status, 200, removed.text);
    });

    for (const testCase of cases) {
      describe(testCase.name, () => {
        for (const [index, [label]] of badCredentials('').entries()) {
          it(`answers 401 to ${label}`, async () => {
            const [, key, headers] = badCredentials(deletedKey)[index]!;
            const spec = await testCase.request(ctx);
            const response = await call<ErrorEnvelope>(ctx.server.url, spec.method, spec.path, {
              key,
              body: spec.body,
              ...(headers ? { headers } : {}),
            });
            assert.equal(response.status, 401, response.text);
            assert.equal(response.body.error.code, 'UNAUTHORIZED');
            assert.equal(response.body.error.message, 'Invalid or missing API key');
            assert.match(response.body.meta.request_id, /^req_/);
          });
        }
        if (testCase.foreign) {
          it("answers 404 for another project's object", async () => {
            const spec = await testCase.foreign!(ctx);
            const response = await call<ErrorEnvelope>(ctx.server.url, spec.method, spec.path, {
              key: ctx.server.apiKey,
              body: spec.body,
            });
            assert.equal(response.status, 404, response.text);
            assert.match(response.body.error.code, /NOT_FOUND$/);
            if (spec.method === 'GET') {
              const owner = await call(ctx.server.url, spec.method, spec.path, { key: ctx.other.apiKey });
              assert.notEqual(owner.status, 404, `its owner finds it: ${owner.text}`);
            }
          });
        }
      });
    }
  });
}
