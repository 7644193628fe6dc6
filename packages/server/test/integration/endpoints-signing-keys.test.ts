import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../../src/lib/secret-box.js';
import { loadSigningSecrets } from '../../src/modules/endpoints/signing-secrets.js';
import { call, type Api } from '../helpers/http.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const freshUrl = () => `https://93.184.215.14/hook/${randomUUID()}`;

for (const kind of storeKinds()) {
  describe(`/v1/endpoints/{id}/signing-keys [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let secretBox: SecretBox;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
      secretBox = new SecretBox(server.config.masterKey!);
    });
    after(() => server.close());

    async function newEndpoint() {
      const created = await api('POST', '/v1/endpoints', { body: { url: freshUrl() } });
      assert.equal(created.status, 201, created.text);
      return created.body.data as {
        id: string;
        signing_key_id: string;
        signing_secret: string;
        key_hint: string;
      };
    }

    it('runs the key lifecycle: list, add, the 2-key limit, delete, the last-key rule', async () => {
      const endpoint = await newEndpoint();
      const path = `/v1/endpoints/${endpoint.id}/signing-keys`;
      const initial = await api('GET', path);
      assert.equal(initial.status, 200, initial.text);
      assert.deepEqual(initial.body.data, [
        {
          id: endpoint.signing_key_id,
          key_hint: endpoint.key_hint,
          created_at: initial.body.data[0].created_at,
        },
      ]);
      assert.match(initial.body.data[0].created_at, RFC3339_UTC);

      const added = await api('POST', path);
      assert.equal(added.status, 201, added.text);
      assert.deepEqual(Object.keys(added.body.data).sort(), [
        'created_at',
        'id',
        'key_hint',
        'signing_secret',
      ]);
      assert.match(added.body.data.id, /^sk_[a-f0-9]{32}$/);
      assert.match(added.body.data.signing_secret, /^whsec_[A-Za-z0-9]{32}$/);
      assert.notEqual(added.body.data.signing_secret, endpoint.signing_secret);
      assert.equal(added.body.data.key_hint, added.body.data.signing_secret.slice(-4));

      const listed = await api('GET', path);
      assert.deepEqual(
        listed.body.data.map((key: { id: string }) => key.id),
        [endpoint.signing_key_id, added.body.data.id],
        'oldest first',
      );
      assert.ok(!listed.text.includes('whsec_'), 'the list never shows a secret');

      for (const route of [path, `/v1/endpoints/${endpoint.id}/rotate-secret`]) {
        const third = await api('POST', route);
        assert.equal(third.status, 409, third.text);
        assert.equal(third.body.error.code, 'MAX_SIGNING_KEYS_REACHED');
        assert.equal(third.body.error.message, 'Endpoint already has the maximum of 2 signing keys');
      }

      const removed = await api('DELETE', `${path}/${endpoint.signing_key_id}`);
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.body.data, { id: endpoint.signing_key_id, deleted: true });
      assert.deepEqual(
        (await api('GET', path)).body.data.map((key: { id: string }) => key.id),
        [added.body.data.id],
      );
      const again = await api('DELETE', `${path}/${endpoint.signing_key_id}`);
      assert.equal(again.status, 404, 'a deleted key is gone');
      assert.equal(again.body.error.code, 'NOT_FOUND');

      const last = await api('DELETE', `${path}/${added.body.data.id}`);
      assert.equal(last.status, 409, last.text);
      assert.equal(last.body.error.code, 'CANNOT_DELETE_LAST_SIGNING_KEY');

      // Room again for a second key, through the legacy alias.
      const rotated = await api('POST', `/v1/endpoints/${endpoint.id}/rotate-secret`);
      assert.equal(rotated.status, 201, rotated.text);
      assert.match(rotated.body.data.id, /^sk_[a-f0-9]{32}$/);
      assert.match(rotated.body.data.signing_secret, /^whsec_[A-Za-z0-9]{32}$/);
      assert.equal((await api('GET', path)).body.data.length, 2);
    });

    it("answers 404 NOT_FOUND for an unknown key id, or another endpoint's key", async () => {
      const endpoint = await newEndpoint();
      const other = await newEndpoint();
      const other_project = await createProjectWithKey(server, 'keys-elsewhere');
      const theirs = await call(server.url, 'POST', '/v1/endpoints', {
        key: other_project.apiKey,
        body: { url: freshUrl() },
      });
      for (const keyId of [
        `sk_${'d'.repeat(32)}`,
        'sk_nonexistent_12345',
        'anything',
        other.signing_key_id,
        theirs.body.data.signing_key_id,
      ]) {
        const response = await api('DELETE', `/v1/endpoints/${endpoint.id}/signing-keys/${keyId}`);
        assert.equal(response.status, 404, `${keyId}: ${response.text}`);
        assert.equal(response.body.error.code, 'NOT_FOUND');
      }
      assert.equal((await api('GET', `/v1/endpoints/${other.id}/signing-keys`)).body.data.length, 1);
    });

    it('never lets concurrent creates exceed 2 active keys', async () => {
      const endpoint = await newEndpoint();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api('POST', `/v1/endpoints/${endpoint.id}/${i % 2 ? 'rotate-secret' : 'signing-keys'}`),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409]);
      assert.equal((await api('GET', `/v1/endpoints/${endpoint.id}/signing-keys`)).body.data.length, 2);
    });

    it('stores secrets only encrypted, and loadSigningSecrets decrypts the active ones oldest first', async () => {
      const endpoint = await newEndpoint();
      const second = (await api('POST', `/v1/endpoints/${endpoint.id}/signing-keys`)).body.data;
      const bare = await newEndpoint();

      const rows = await server.store.db.query<Record<string, unknown>>('SELECT * FROM signing_keys');
      const raw = JSON.stringify(rows);
      assert.ok(!raw.includes('whsec_'), 'no plaintext secret in the table');
      assert.ok(!raw.includes(endpoint.signing_secret.slice(6)));
      assert.ok(!raw.includes(second.signing_secret.slice(6)));
      const mine = rows.find((row) => row.id === endpoint.signing_key_id)!;
      assert.match(String(mine.secret), /^v1\./);
      assert.equal(mine.key_hint, endpoint.key_hint);

      const secrets = await loadSigningSecrets(server.store.db, secretBox, [
        endpoint.id,
        bare.id,
        endpoint.id,
        `ep_${'e'.repeat(32)}`,
      ]);
      assert.deepEqual(secrets.get(endpoint.id), [endpoint.signing_secret, second.signing_secret]);
      assert.deepEqual(secrets.get(bare.id), [bare.signing_secret]);
      assert.deepEqual(secrets.get(`ep_${'e'.repeat(32)}`), []);
      assert.equal(secrets.size, 3);
      assert.equal((await loadSigningSecrets(server.store.db, secretBox, [])).size, 0);

      await api('DELETE', `/v1/endpoints/${endpoint.id}/signing-keys/${endpoint.signing_key_id}`);
      const after = await loadSigningSecrets(server.store.db, secretBox, [endpoint.id]);
      assert.deepEqual(after.get(endpoint.id), [second.signing_secret], 'deleted keys no longer sign');

      // A deleted endpoint keeps its keys, so a delivery already in flight can still be signed.
      await api('DELETE', `/v1/endpoints/${bare.id}`);
      const deleted = await loadSigningSecrets(server.store.db, secretBox, [bare.id]);
      assert.deepEqual(deleted.get(bare.id), [bare.signing_secret]);
    });
  });
}
