import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../../src/lib/crypto.js';
import { newUuid } from '../../src/lib/ids.js';
import { OUTBOUND } from '../../src/queues/queue-source.js';
import { claimDue, releaseOrphanedLeases } from '../../src/delivery/queue-store.js';
import { insertMessages } from '../../src/modules/send/store.js';
import { openTestStore, storeKinds, type TestStore } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`worker leases [${kind}]`, () => {
    let store: TestStore;
    let projectId: string;

    before(async () => {
      store = await openTestStore(kind);
      projectId = newUuid();
      await store.db.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 't', 'leases')`, [
        projectId,
      ]);
      await store.db.query(
        `INSERT INTO endpoints (id, project_id, url) VALUES ('ep_${'a'.repeat(32)}', $1, 'https://example.com/h')`,
        [projectId],
      );
    });
    after(() => store.drop());

    it('hands back the claims a worker no longer tracks, and nothing it or another worker holds', async () => {
      const payload = '{}';
      await insertMessages(
        store.db,
        Array.from({ length: 6 }, () => ({
          id: newUuid(),
          projectId,
          endpointId: `ep_${'a'.repeat(32)}`,
          mode: 'live' as const,
          payload,
          sizeBytes: 2,
          payloadSha256: sha256Hex(payload),
          headers: {},
          idempotencyKey: null,
          retentionHours: null,
        })),
      );
      const mine = await claimDue(store.db, OUTBOUND, 4, 90_000, 'worker_a');
      const theirs = await claimDue(store.db, OUTBOUND, 2, 90_000, 'worker_b');
      assert.equal(mine.length, 4);
      assert.equal(theirs.length, 2);

      // worker_a still attempts one of its four; the other three were lost track of (say, a claim whose
      // answer never arrived).
      const kept = mine[0]!.id;
      assert.equal(await releaseOrphanedLeases(store.db, OUTBOUND, 'worker_a', [kept]), 3);
      const rows = await store.db.query<{ id: string; status: string; locked_by: string | null }>(
        'SELECT id, status, locked_by FROM messages WHERE project_id = $1',
        [projectId],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      assert.deepEqual(byId.get(kept), { id: kept, status: 'delivering', locked_by: 'worker_a' });
      for (const message of mine.slice(1)) {
        assert.deepEqual(byId.get(message.id), { id: message.id, status: 'queued', locked_by: null });
      }
      for (const message of theirs) assert.equal(byId.get(message.id)!.locked_by, 'worker_b');
      // And they are due again at once.
      assert.equal((await claimDue(store.db, OUTBOUND, 10, 90_000, 'worker_c')).length, 3);
    });
  });
}
