import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../helpers/http.js';
import { killAll, runHookbridge } from '../helpers/process.js';
import { startTestServer, TEST_MASTER_KEY, type TestServer } from '../helpers/server.js';

/**
 * Authentication results are cached per process; deleting a key must still stop it at once on every
 * process. Two API processes share PostgreSQL: the key is used on both, deleted on one, refused on both.
 */
describe('key revocation across API processes [postgres]', { skip: !process.env.DATABASE_URL }, () => {
  let server: TestServer;
  let otherUrl: string;

  before(async () => {
    server = await startTestServer('postgres', {}, undefined, { api: true, worker: false });
    const url = new URL(server.store.databaseUrl!);
    url.searchParams.set('options', `-c search_path=${server.store.schema}`);
    const other = runHookbridge(['api', '--port', '0'], {
      DATABASE_URL: url.toString(),
      HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
    });
    [, otherUrl] = (await other.waitFor(/listening on (http:\/\/\S+)/, 90_000)) as [string, string];
  });
  after(async () => {
    killAll();
    await server?.close();
  });

  it('a deleted key is refused by the other process too, within moments', async () => {
    const created = await call(server.url, 'POST', '/v1/api-keys', {
      key: server.apiKey,
      body: { label: 'x' },
    });
    const { key, key_id } = created.body.data;
    for (const url of [server.url, otherUrl]) {
      assert.equal((await call(url, 'GET', '/v1/api-keys', { key })).status, 200, 'cached on both');
    }
    assert.equal(
      (await call(server.url, 'DELETE', `/v1/api-keys/${key_id}`, { key: server.apiKey })).status,
      200,
    );
    assert.equal(
      (await call(server.url, 'GET', '/v1/api-keys', { key })).status,
      401,
      'at once where deleted',
    );
    let status = 200;
    for (let i = 0; i < 100 && status !== 401; i++) {
      status = (await call(otherUrl, 'GET', '/v1/api-keys', { key })).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(status, 401, 'the other process stops accepting it');
  });
});
