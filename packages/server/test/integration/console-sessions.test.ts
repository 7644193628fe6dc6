import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, type ResponseBody } from '../helpers/http.js';
import { createProjectWithKey } from '../helpers/security.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const RECEIVER = 'http://127.0.0.1:9/hook';

interface Signed {
  cookie: string;
  csrf: string;
  setCookie: string;
  body: SignedIn;
}

type SignedIn = ResponseBody<'/v1/console/session', 'post'>;

async function signIn(server: TestServer, body: Record<string, unknown>): Promise<Signed> {
  const response = await call<SignedIn>(server.url, 'POST', '/v1/console/session', { body });
  assert.equal(response.status, 201, response.text);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = /^(hb_session=[a-z0-9]{43});/.exec(setCookie)?.[1];
  assert.ok(cookie, `set-cookie: ${setCookie}`);
  const csrf = response.body.data.csrf_token;
  assert.ok(csrf, 'a signed-in session has a CSRF token');
  return { cookie, csrf, setCookie, body: response.body };
}

function withSession(
  session: Signed,
  csrf: string | null = session.csrf,
  extra: Record<string, string> = {},
) {
  return { cookie: session.cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }), ...extra };
}

for (const kind of storeKinds()) {
  describe(`console sessions [${kind}]`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' });
    });
    after(() => server.close());

    it('exchanges an API key for an HttpOnly, SameSite=Strict cookie and never echoes the key', async () => {
      const session = await signIn(server, { api_key: server.apiKey });
      assert.match(session.setCookie, /HttpOnly/i);
      assert.match(session.setCookie, /SameSite=Strict/i);
      assert.match(session.setCookie, /Path=\//);
      assert.doesNotMatch(session.setCookie, /Secure/, 'plain http on loopback: no Secure flag');
      const { data } = session.body;
      assert.equal(data.kind, 'key');
      assert.equal(data.project_id, server.projectId);
      assert.equal(data.mode, 'live');
      assert.match(data.csrf_token ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok(!JSON.stringify(session.body).includes(server.apiKey));
      assert.ok(!session.setCookie.includes(server.apiKey));

      const who = await call(server.url, 'GET', '/v1/console/session', {
        headers: withSession(session, null),
      });
      assert.equal(who.status, 200, who.text);
      assert.equal(who.body.data.csrf_token, data.csrf_token, 'a reload learns the same CSRF token');
    });

    it('lets the cookie read without the CSRF header, and write only with it', async () => {
      const session = await signIn(server, { api_key: server.apiKey });
      const read = await call(server.url, 'GET', '/v1/endpoints', { headers: withSession(session, null) });
      assert.equal(read.status, 200, read.text);

      const body = { url: RECEIVER, description: 'console' };
      const missing = await call(server.url, 'POST', '/v1/endpoints', {
        body,
        headers: withSession(session, null),
      });
      assert.equal(missing.status, 403, missing.text);
      assert.equal(missing.body.error.code, 'CSRF_FAILED');
      const wrong = await call(server.url, 'POST', '/v1/endpoints', {
        body,
        headers: withSession(session, 'x'.repeat(43)),
      });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.code, 'CSRF_FAILED');
      const other = await signIn(server, { api_key: server.apiKey });
      const crossed = await call(server.url, 'POST', '/v1/endpoints', {
        body,
        headers: withSession(session, other.csrf),
      });
      assert.equal(crossed.status, 403, "another session's CSRF token does not fit this cookie");

      const created = await call(server.url, 'POST', '/v1/endpoints', {
        body,
        headers: withSession(session),
      });
      assert.equal(created.status, 201, created.text);
    });

    it('hides another project exactly as the API does', async () => {
      const other = await createProjectWithKey(server, `console-other-${Date.now()}`);
      const theirs = await call(server.url, 'POST', '/v1/endpoints', {
        key: other.apiKey,
        body: { url: 'http://127.0.0.1:9/theirs' },
      });
      assert.equal(theirs.status, 201, theirs.text);
      const session = await signIn(server, { api_key: server.apiKey });
      const response = await call(server.url, 'GET', `/v1/endpoints/${theirs.body.data.id}`, {
        headers: withSession(session, null),
      });
      assert.equal(response.status, 404, response.text);
    });

    it('refuses a wrong key, a malformed body and both credentials at once', async () => {
      const wrong = await call(server.url, 'POST', '/v1/console/session', {
        body: { api_key: `hb_live_${'0'.repeat(32)}` },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'UNAUTHORIZED');
      assert.equal(wrong.headers.get('set-cookie'), null);
      const neither = await call(server.url, 'POST', '/v1/console/session', { body: {} });
      assert.equal(neither.status, 400);
      assert.equal(neither.body.error.code, 'INVALID_REQUEST');
      const both = await call(server.url, 'POST', '/v1/console/session', {
        body: { api_key: server.apiKey, admin_token: ADMIN_TOKEN },
      });
      assert.equal(both.status, 400);
      const badType = await call(server.url, 'POST', '/v1/console/session', { body: { api_key: 42 } });
      assert.equal(badType.status, 400);
      const forged = await call(server.url, 'GET', '/v1/endpoints', {
        headers: { cookie: `hb_session=${'a'.repeat(43)}` },
      });
      assert.equal(forged.status, 401);
      assert.equal(forged.body.error.message, 'Invalid or missing API key');
    });

    it('sign-out ends the session on the server, even for a kept copy of the cookie', async () => {
      const session = await signIn(server, { api_key: server.apiKey });
      const noCsrf = await call(server.url, 'DELETE', '/v1/console/session', {
        headers: withSession(session, null),
      });
      assert.equal(noCsrf.status, 403, 'sign-out is a write: it needs the CSRF token too');
      const out = await call(server.url, 'DELETE', '/v1/console/session', { headers: withSession(session) });
      assert.equal(out.status, 200, out.text);
      assert.deepEqual(out.body.data, { signed_out: true });
      assert.match(out.headers.get('set-cookie') ?? '', /hb_session=;.*Max-Age=0/i);
      const after = await call(server.url, 'GET', '/v1/endpoints', { headers: withSession(session, null) });
      assert.equal(after.status, 401);
      const bearer = await call(server.url, 'DELETE', '/v1/console/session', { key: server.apiKey });
      assert.equal(bearer.status, 400, 'a Bearer caller has no session to end');
    });

    it('deleting the API key ends the sessions opened with it', async () => {
      const created = await call(server.url, 'POST', '/v1/api-keys', {
        key: server.apiKey,
        body: { label: 'tmp' },
      });
      const session = await signIn(server, { api_key: created.body.data.key });
      const before = await call(server.url, 'GET', '/v1/api-keys', { headers: withSession(session, null) });
      assert.equal(before.status, 200);
      const removed = await call(server.url, 'DELETE', `/v1/api-keys/${created.body.data.key_id}`, {
        key: server.apiKey,
      });
      assert.equal(removed.status, 200, removed.text);
      const afterDelete = await call(server.url, 'GET', '/v1/api-keys', {
        headers: withSession(session, null),
      });
      assert.equal(afterDelete.status, 401);
    });

    it('opens an admin session that chooses its project with X-Project-Id, as the admin token does', async () => {
      const wrong = await call(server.url, 'POST', '/v1/console/session', {
        body: { admin_token: 'not-the-admin-token-at-all' },
      });
      assert.equal(wrong.status, 401);
      const session = await signIn(server, { admin_token: ADMIN_TOKEN });
      assert.equal(session.body.data.kind, 'admin');
      assert.equal(session.body.data.project_id, null);
      const projects = await call(server.url, 'GET', '/v1/projects', { headers: withSession(session, null) });
      assert.equal(projects.status, 200, projects.text);
      assert.ok(projects.body.data.length >= 1);
      const unscoped = await call(server.url, 'GET', '/v1/endpoints', {
        headers: withSession(session, null),
      });
      assert.equal(unscoped.status, 400);
      const scoped = await call(server.url, 'GET', '/v1/endpoints', {
        headers: withSession(session, null, { 'x-project-id': server.projectId }),
      });
      assert.equal(scoped.status, 200, scoped.text);
      const missing = await call(server.url, 'POST', '/v1/console/session', {
        body: { admin_token: ADMIN_TOKEN, project_id: '0190a5c4-0000-7000-8000-000000000000' },
      });
      assert.equal(missing.status, 404);
    });

    it('redirects /console to /console/', async () => {
      const response = await call(server.url, 'GET', '/console');
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), '/console/');
    });
  });

  describe(`HOOKBRIDGE_CONSOLE=false [${kind}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind, { HOOKBRIDGE_CONSOLE: 'false' });
    });
    after(() => server.close());

    it('serves no console, no sign-in, and ignores session cookies', async () => {
      const page = await call(server.url, 'GET', '/console/');
      assert.equal(page.status, 404);
      const signIn = await call(server.url, 'POST', '/v1/console/session', {
        body: { api_key: server.apiKey },
      });
      assert.equal(signIn.status, 404);
      const cookie = await call(server.url, 'GET', '/v1/endpoints', {
        headers: { cookie: `hb_session=${'a'.repeat(43)}` },
      });
      assert.equal(cookie.status, 401);
    });
  });
}
