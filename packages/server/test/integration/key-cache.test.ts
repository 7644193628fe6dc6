import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { KeyCache } from '../../src/modules/api-keys/key-cache.js';
import { ApiKeyService } from '../../src/modules/api-keys/service.js';
import { openTestStore, storeKinds, type TestStore } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`API key cache [${kind}]`, () => {
    let store: TestStore;
    let projectId: string;

    before(async () => {
      store = await openTestStore(kind);
      projectId = newUuid();
      await store.db.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 't', 'cache test')`, [
        projectId,
      ]);
    });
    after(() => store.drop());

    it('forgets a key deleted behind its back once the TTL runs out, however often the key is used', async () => {
      let now = 1_000_000;
      const config = { maxApiKeysPerProject: 20, lastUsedFlushMs: 60_000 };
      const service = new ApiKeyService(store.db, config, new KeyCache(10_000, 100, () => now));
      const { key, row } = await service.create(projectId, { mode: 'live' });
      assert.ok(await service.verifyKey(key), 'valid at first');

      // Deleted by another process whose notice never arrived: only the TTL can end the cached entry.
      await store.db.query('DELETE FROM api_keys WHERE id = $1', [row.id]);
      for (let elapsed = 0; elapsed < 9_000; elapsed += 1_000) {
        now += 1_000;
        assert.ok(await service.verifyKey(key), `still cached after ${elapsed + 1_000} ms`);
      }
      now += 2_000;
      assert.equal(await service.verifyKey(key), null, 'refused once the entry is 11 s old');
    });
  });
}
