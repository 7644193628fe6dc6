import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../helpers/http.js';
import { createProjectWithKey } from '../helpers/security.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`/v1/projects [${kind}]`, () => {
    let server: TestServer;
    const admin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      call(server.url, method, path, { key: ADMIN_TOKEN, body, ...(headers ? { headers } : {}) });

    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it('the admin token creates, reads, updates and deletes projects', async () => {
      const created = await admin('POST', '/v1/projects', { name: 'Shop', rate_limit_default: 0 });
      assert.equal(created.status, 201, created.text);
      const project = created.body.data;
      assert.match(project.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(project.name, 'Shop');
      assert.equal(project.status, 'active');
      assert.equal(project.rate_limit_default, 1000, '0 means the system default');
      assert.equal(typeof project.tenant_id, 'string');

      const list = await admin('GET', '/v1/projects');
      assert.ok(list.body.data.some((p: { id: string }) => p.id === project.id));
      assert.ok(list.body.data.some((p: { id: string }) => p.id === server.projectId));

      const updated = await admin('PUT', `/v1/projects/${project.id}`, { rate_limit_default: 50 });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.data.name, 'Shop', 'fields not given are unchanged');
      assert.equal(updated.body.data.rate_limit_default, 50);

      const removed = await admin('DELETE', `/v1/projects/${project.id}`);
      assert.deepEqual(removed.body.data, { id: project.id, deleted: true });
      assert.equal((await admin('GET', `/v1/projects/${project.id}`)).status, 404);
      assert.equal((await admin('DELETE', `/v1/projects/${project.id}`)).status, 404);
    });

    it("a deleted project's keys stop authenticating", async () => {
      const other = await createProjectWithKey(server, 'doomed');
      assert.equal((await call(server.url, 'GET', '/v1/api-keys', { key: other.apiKey })).status, 200);
      await admin('DELETE', `/v1/projects/${other.projectId}`);
      assert.equal((await call(server.url, 'GET', '/v1/api-keys', { key: other.apiKey })).status, 401);
    });

    it('an API key sees only its own project and cannot manage projects', async () => {
      const other = await createProjectWithKey(server, 'neighbour');
      const mine = await call(server.url, 'GET', '/v1/projects', { key: server.apiKey });
      assert.equal(mine.status, 200);
      assert.deepEqual(
        mine.body.data.map((p: { id: string }) => p.id),
        [server.projectId],
      );
      assert.equal(
        (await call(server.url, 'GET', `/v1/projects/${server.projectId}`, { key: server.apiKey })).status,
        200,
      );
      const foreign = await call(server.url, 'GET', `/v1/projects/${other.projectId}`, {
        key: server.apiKey,
      });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error.code, 'NOT_FOUND');

      for (const [method, path, body] of [
        ['POST', '/v1/projects', { name: 'mine now' }],
        ['PUT', `/v1/projects/${server.projectId}`, { name: 'renamed' }],
        ['PATCH', `/v1/projects/${server.projectId}`, { name: 'renamed' }],
        ['DELETE', `/v1/projects/${server.projectId}`, undefined],
        ['DELETE', `/v1/projects/${other.projectId}`, undefined],
      ] as const) {
        const response = await call(server.url, method, path, { key: server.apiKey, body });
        assert.equal(response.status, 403, `${method} ${path}: ${response.text}`);
        assert.equal(response.body.error.code, 'FORBIDDEN');
      }
    });

    it('the admin token acts for one project with X-Project-Id', async () => {
      const other = await createProjectWithKey(server, 'acted-for');
      const keys = await admin('GET', '/v1/api-keys', undefined, { 'x-project-id': other.projectId });
      assert.equal(keys.status, 200);
      assert.equal(keys.body.data.length, 1);
      const missingHeader = await admin('GET', '/v1/api-keys');
      assert.equal(missingHeader.status, 400);
      assert.match(missingHeader.body.error.message, /X-Project-Id/);
      const unknown = await admin('GET', '/v1/api-keys', undefined, {
        'x-project-id': '01935abc-def0-7123-8567-890abcdef012',
      });
      assert.equal(unknown.status, 404);
      const wrongToken = await call(server.url, 'GET', '/v1/api-keys', {
        key: `${ADMIN_TOKEN}x`,
        headers: { 'x-project-id': other.projectId },
      });
      assert.equal(wrongToken.status, 401);
    });

    it('validates project input', async () => {
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', '/v1/projects', {}, /name is required/],
        ['POST', '/v1/projects', { name: '' }, /name must be at least 1/],
        ['POST', '/v1/projects', { name: 'x'.repeat(256) }, /name must be at most 255/],
        ['POST', '/v1/projects', { name: 'ok', rate_limit_default: -1 }, /rate_limit_default/],
        [
          'POST',
          '/v1/projects',
          { name: 'ok', rate_limit_default: 'fast' },
          /rate_limit_default must be an integer/,
        ],
        ['PUT', `/v1/projects/${server.projectId}`, { rate_limit_default: 0 }, /rate_limit_default/],
        ['PATCH', `/v1/projects/${server.projectId}`, { rate_limit_default: 0 }, /rate_limit_default/],
      ];
      for (const [method, path, body, message] of cases) {
        const response = await admin(method, path, body);
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.match(response.body.error.message, message);
      }
      assert.equal((await admin('GET', '/v1/projects/not-a-uuid')).status, 404);
    });
  });
}
