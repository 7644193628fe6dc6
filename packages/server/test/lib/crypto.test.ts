import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { safeEqual, sha256Hex } from '../../src/lib/crypto.js';

describe('crypto', () => {
  it('sha256Hex matches node:crypto', () => {
    assert.equal(sha256Hex('abc'), createHash('sha256').update('abc').digest('hex'));
  });

  it('safeEqual compares exactly, including lengths', () => {
    assert.ok(safeEqual('secret-token', 'secret-token'));
    assert.ok(!safeEqual('secret-token', 'secret-tokem'));
    assert.ok(!safeEqual('secret-token', 'secret-token-longer'));
    assert.ok(!safeEqual('', 'x'));
    assert.ok(safeEqual('', ''));
  });
});
