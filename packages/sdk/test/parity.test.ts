// Every public method of HookBridge's official PHP SDK has a flat counterpart of the same name here
// (each is exercised against the real server in outbound, inbound, account, errors and pagination tests).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HookBridge } from '@hookbridge/sdk';
import { PHP_SDK_METHODS } from '../../server/test/helpers/official-php-methods.js';

describe('official SDK parity', () => {
  it(`all ${PHP_SDK_METHODS.length} methods exist on HookBridge`, () => {
    const missing = PHP_SDK_METHODS.filter(
      (name) => typeof (HookBridge.prototype as unknown as Record<string, unknown>)[name] !== 'function',
    );
    assert.deepEqual(missing, []);
  });
});
