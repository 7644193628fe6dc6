import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { hb, tempHome } from './helpers/hb.js';

const CONFIG = (home: string) => join(home, '.hookbridge', 'config.json');

describe('hb login, logout, whoami, version: the official CLI’s behaviour against the real server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('embedded');
  });
  after(async () => {
    await server.close();
  });

  it('version: "hb version X" and {"version"} under --json, exit 0', async () => {
    const home = tempHome();
    const human = await hb(['version'], { home });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /^hb version \d+\.\d+\.\d+\n$/);
    const json = await hb(['--json', 'version'], { home });
    assert.deepEqual(JSON.parse(json.stdout), { version: human.stdout.trim().split(' ')[2] });
  });

  it('login --api-key verifies the key and saves it 0600 with the API URL; whoami shows the project', async () => {
    const home = tempHome();
    const run = await hb(['login', '--api-key', server.apiKey, '--api-url', server.url], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `Verifying... OK\nProject: Default\nCredentials saved to ${CONFIG(home)}\n`);
    assert.equal(statSync(CONFIG(home)).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, '.hookbridge')).mode & 0o777, 0o700);
    const saved = JSON.parse(readFileSync(CONFIG(home), 'utf8'));
    assert.deepEqual(saved, {
      api_key: server.apiKey,
      project_id: server.projectId,
      api_base_url: server.url,
    });

    const who = await hb(['--json', 'whoami'], { home });
    assert.equal(who.code, 0, who.stderr);
    const info = JSON.parse(who.stdout);
    assert.equal(info.project_name, 'Default');
    assert.equal(info.api_url, server.url);
    assert.equal(info.stream_url, server.url.replace('http', 'ws'), 'the stream defaults to the API address');
    assert.ok(!who.stdout.includes(server.apiKey), 'the key is never printed whole');
  });

  it('login reads the key from stdin (piped), saves --stream-url, and --json leaves stdout empty', async () => {
    const home = tempHome();
    const run = await hb(['--json', 'login', '--api-url', server.url, '--stream-url', 'ws://127.0.0.1:9/'], {
      home,
      input: `${server.apiKey}\n`,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'login has no JSON result');
    assert.match(run.stderr, /^Enter your HookBridge API key: Verifying\.\.\. OK\n/);
    assert.equal(JSON.parse(readFileSync(CONFIG(home), 'utf8')).stream_url, 'ws://127.0.0.1:9');
  });

  it('a wrong key: FAILED, the official message, exit 1, nothing saved', async () => {
    const home = tempHome();
    const run = await hb(['login', '--api-key', `hb_live_${'0'.repeat(32)}`, '--api-url', server.url], {
      home,
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, 'Verifying... FAILED\n');
    assert.equal(run.stderr, "Error: invalid API key — run 'hb login' to re-authenticate\n");
    assert.equal(existsSync(CONFIG(home)), false);
  });

  it('no server: a connection error; an empty key: refused before any request', async () => {
    const home = tempHome();
    const down = await hb(['login', '--api-key', server.apiKey, '--api-url', 'http://127.0.0.1:9'], { home });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^Error: connection error: /);
    const empty = await hb(['login'], { home, input: '\n' });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /Error: API key cannot be empty\n$/);
  });

  it('logout removes the file, and succeeds when already logged out; then commands say "not logged in"', async () => {
    const home = tempHome();
    await hb(['login', '--api-key', server.apiKey, '--api-url', server.url], { home });
    for (let n = 0; n < 2; n++) {
      const run = await hb(['logout'], { home });
      assert.equal(run.code, 0);
      assert.equal(run.stdout, 'Logged out successfully.\n');
    }
    assert.equal(existsSync(CONFIG(home)), false);
    const run = await hb(['endpoints'], { home, env: { HB_API_URL: server.url } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "Error: not logged in — run 'hb login' first\n");
  });

  it('HB_API_KEY and HB_API_URL override the file', async () => {
    const home = tempHome();
    mkdirSync(join(home, '.hookbridge'), { recursive: true });
    writeFileSync(
      CONFIG(home),
      JSON.stringify({ api_key: 'hb_live_wrong', api_base_url: 'http://127.0.0.1:9' }),
    );
    const run = await hb(['--json', 'endpoints'], {
      home,
      env: { HB_API_KEY: server.apiKey, HB_API_URL: server.url },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '[]\n');
    const broken = await hb(['endpoints'], { home });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^Error: connection error/);
    writeFileSync(CONFIG(home), '{not json');
    const unreadable = await hb(['endpoints'], { home });
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stderr, /^Error: could not parse config: /);
  });

  it('usage errors exit 1 with "Error: …" on stderr; --help exits 0 on stdout, even under --json', async () => {
    const home = tempHome();
    const unknown = await hb(['frobnicate'], { home });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: unknown command 'frobnicate'/);
    const flag = await hb(['listen', '--bogus'], { home });
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /^Error: unknown option '--bogus'/);
    const help = await hb(['--json', 'listen', '--help'], { home });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--no-forward/);
  });
});
