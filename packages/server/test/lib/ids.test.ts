import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHexId, isUuid, newHexId, newUuid, randomString } from '../../src/lib/ids.js';

describe('ids', () => {
  it('newUuid is a time-ordered UUIDv7', () => {
    const ids = Array.from({ length: 100 }, newUuid);
    for (const id of ids) {
      assert.ok(isUuid(id));
      assert.equal(id[14], '7');
    }
    assert.deepEqual([...ids].sort(), ids);
  });

  it('newHexId is prefix_ + 32 lowercase hex and recognised by isHexId', () => {
    const id = newHexId('ep');
    assert.match(id, /^ep_[a-f0-9]{32}$/);
    assert.ok(isHexId('ep', id));
    assert.ok(!isHexId('ep', 'ep_nonexistent_12345'));
    assert.ok(!isHexId('ep', id.toUpperCase()));
    assert.ok(!isHexId('sk', id));
  });

  it('randomString draws from the alphabet without bias towards its first letters', () => {
    const sample = randomString(36_000);
    assert.match(sample, /^[a-z0-9]+$/);
    const counts = new Map<string, number>();
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    assert.equal(counts.size, 36);
    for (const count of counts.values()) assert.ok(count > 800 && count < 1200, `count ${count}`);
  });
});
