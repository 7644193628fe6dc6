import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { sha256Hex } from '../../src/lib/crypto.js';
import { call } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** Reads every row of every table of the store as text: what an attacker with a database dump would see. */
async function dumpStore(server: TestServer): Promise<string> {
  const tables = await server.store.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  assert.ok(tables.length >= 3, 'expected the migrated tables');
  let text = '';
  for (const { table_name } of tables) {
    const rows = await server.store.db.query(`SELECT * FROM "${table_name}"`);
    text += JSON.stringify(rows);
  }
  return text;
}

for (const kind of storeKinds()) {
  describe(`secrets at rest [${kind}]`, () => {
    let server: TestServer;
    let logs = '';

    before(async () => {
      const destination = new PassThrough();
      destination.on('data', (chunk) => {
        logs += chunk.toString();
      });
      server = await startTestServer(kind, { HOOKBRIDGE_LOG_LEVEL: 'trace' }, destination);
    });
    after(() => server.close());

    it('never stores or logs a plaintext API key, only its SHA-256 hash', async () => {
      const keys: string[] = [server.apiKey];
      for (const mode of ['live', 'test']) {
        const created = await call(server.url, 'POST', '/v1/api-keys', {
          key: server.apiKey,
          body: { mode },
        });
        assert.equal(created.status, 201);
        keys.push(created.body.data.key);
        // Use the key so the authentication path runs (and would log, if it logged keys).
        await call(server.url, 'GET', '/v1/api-keys', { key: created.body.data.key });
      }
      const dump = await dumpStore(server);
      for (const key of keys) {
        const secretPart = key.slice(8);
        assert.ok(!dump.includes(secretPart), 'the store holds a plaintext key');
        assert.ok(!logs.includes(secretPart), 'the logs hold a plaintext key');
        assert.ok(dump.includes(sha256Hex(key)), 'the store holds the hash');
      }
      assert.ok(logs.includes('"route":"/v1/api-keys"'), 'request logging was on');
    });
  });
}
