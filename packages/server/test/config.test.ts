import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseScheduleSeconds, SETTING_NAMES } from '../src/config.js';
import { DEFAULT_RETRY_POLICY } from '../src/delivery/retry-policy.js';

describe('config', () => {
  it('has defaults that work for a newcomer', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, null);
    assert.equal(config.maxApiKeysPerProject, 20);
    assert.ok(config.dataDir.endsWith('.hookbridge'));
  });

  it('parses and validates every kind of value', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@localhost/db',
      HOOKBRIDGE_TRUST_PROXY: 'yes',
      HOOKBRIDGE_PUBLIC_URL: 'https://hooks.example.com/',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.databaseUrl, 'postgres://u@localhost/db');
    assert.equal(config.trustProxy, true);
    assert.equal(config.publicUrl, 'https://hooks.example.com');
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: '80a' }, /PORT must be an integer/],
      [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres:/],
      [{ HOOKBRIDGE_TRUST_PROXY: 'maybe' }, /must be true or false/],
      [{ HOOKBRIDGE_ADMIN_TOKEN: 'short' }, /at least 16 characters/],
      [{ HOOKBRIDGE_LOG_LEVEL: 'loud' }, /HOOKBRIDGE_LOG_LEVEL must be one of/],
    ];
    for (const [env, message] of bad)
      assert.throws(
        () => loadConfig(env),
        (e) => e instanceof ConfigError && message.test(e.message),
      );
  });

  it('command-line overrides win over the environment, undefined ones do not erase it', () => {
    const config = loadConfig({ PORT: '9000', HOST: '0.0.0.0' }, { port: 1234, host: undefined });
    assert.equal(config.port, 1234);
    assert.equal(config.host, '0.0.0.0');
  });

  it('the README configuration table lists every setting', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of SETTING_NAMES)
      assert.match(readme, new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm'), `${name} is not in the README`);
  });
});

describe('parseScheduleSeconds', () => {
  it('parses comma-separated positive integers', () => {
    assert.deepEqual(parseScheduleSeconds('30,60,120'), [30, 60, 120]);
    assert.deepEqual(parseScheduleSeconds(' 5 , 10 '), [5, 10]);
    assert.deepEqual(parseScheduleSeconds('1800'), [1800]);
  });

  it('round-trips the defaults', () => {
    assert.deepEqual(
      parseScheduleSeconds(DEFAULT_RETRY_POLICY.slowScheduleSeconds.join(',')),
      DEFAULT_RETRY_POLICY.slowScheduleSeconds,
    );
  });

  for (const bad of [
    '',
    ' ',
    '30,,60',
    '30,',
    '0',
    '30,-1',
    '1.5',
    'abc',
    '30;60',
    '1e3',
    '99999999999999999999',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with a clear message`, () => {
      assert.throws(
        () => parseScheduleSeconds(bad),
        /invalid retry schedule .*comma-separated positive integers/,
      );
    });
  }
});
