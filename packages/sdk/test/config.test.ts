// Client configuration: options, then the HOOKBRIDGE_* environment, then the hosted defaults.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY } from '../src/core/retry.js';
import { resolveConfig } from '../src/core/config.js';

const NAMES = ['HOOKBRIDGE_API_KEY', 'HOOKBRIDGE_BASE_URL', 'HOOKBRIDGE_SEND_URL'];

describe('resolveConfig', () => {
  afterEach(() => {
    for (const name of NAMES) delete process.env[name];
  });

  it('defaults to the hosted API and send hosts, 30 s, 2 retries, no key', () => {
    const config = resolveConfig({}, DEFAULT_RETRY_POLICY);
    assert.equal(config.baseUrl, 'https://api.hookbridge.io');
    assert.equal(config.sendUrl, 'https://send.hookbridge.io');
    assert.equal(config.timeout, 30_000);
    assert.equal(config.retry.maxRetries, 2);
    assert.equal(config.apiKey, null);
  });

  it('reads the environment, and a self-hosted base URL serves sends too', () => {
    process.env.HOOKBRIDGE_API_KEY = 'hb_test_env';
    process.env.HOOKBRIDGE_BASE_URL = 'http://127.0.0.1:8080/';
    const config = resolveConfig({}, DEFAULT_RETRY_POLICY);
    assert.equal(config.apiKey, 'hb_test_env');
    assert.equal(config.baseUrl, 'http://127.0.0.1:8080');
    assert.equal(config.sendUrl, 'http://127.0.0.1:8080');
    process.env.HOOKBRIDGE_SEND_URL = 'http://127.0.0.1:9090';
    assert.equal(resolveConfig({}, DEFAULT_RETRY_POLICY).sendUrl, 'http://127.0.0.1:9090');
  });

  it('options win over the environment', () => {
    process.env.HOOKBRIDGE_API_KEY = 'hb_test_env';
    process.env.HOOKBRIDGE_SEND_URL = 'http://env-send';
    const config = resolveConfig(
      { apiKey: 'hb_live_opt', baseUrl: 'http://opt', sendUrl: 'http://opt-send', timeout: 5, maxRetries: 0 },
      DEFAULT_RETRY_POLICY,
    );
    assert.deepEqual(
      [config.apiKey, config.baseUrl, config.sendUrl, config.timeout, config.retry.maxRetries],
      ['hb_live_opt', 'http://opt', 'http://opt-send', 5, 0],
    );
  });
});
