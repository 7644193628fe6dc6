import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKey } from '../../src/modules/api-keys/service.js';
import { type Api, client } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { officialHb, run } from '../helpers/official-clients.js';
import { killAll, runHookbridge } from '../helpers/process.js';
import { Receiver } from '../helpers/receiver.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, TEST_MASTER_KEY, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** The official `hb` CLI, unmodified, against the real server: every command that talks to it. */
const hb = officialHb();

/** A running `hb listen`, its output collected. */
class Listen {
  private output = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    const append = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.waiters) wake();
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  text(): string {
    return this.output;
  }

  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(this.output)) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`hb listen never printed ${pattern}; output:\n${this.output}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.child.kill('SIGINT');
    await this.exited;
  }
}

/** Each test gets its own HOME, so ~/.hookbridge/config.json is its own. */
function cliEnv(home: string, env: Record<string, string>) {
  return { HOME: home, NO_COLOR: '1', ...env };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const kind of storeKinds()) {
  describe(`the official hb CLI [${kind}]`, { skip: hb.skip }, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;
    let home: string;
    const listens: Listen[] = [];
    const hbRun = (args: string[], env: Record<string, string> = {}) =>
      run(hb.path!, args, { env: cliEnv(home, { HB_API_URL: server.url, ...env }), timeoutMs: 60_000 });
    const listen = (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(hb.path!, ['listen', ...args], {
        env: { ...process.env, ...cliEnv(home, { HB_API_URL: server.url, ...env }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const listener = new Listen(child);
      listens.push(listener);
      return listener;
    };

    before(async () => {
      receiver = await Receiver.start();
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_LISTEN_HOLD_MS: '1000' }));
      home = mkdtempSync(join(tmpdir(), 'hb-home-'));
      // The CLI refuses to run without ~/.hookbridge/config.json; HB_API_KEY overrides its key.
      const login = await hbRun(['login', '--api-key', server.apiKey]);
      assert.equal(login.code, 0, login.stderr);
    });
    after(async () => {
      await Promise.all(listens.map((listener) => listener.stop()));
      await server.close();
      await receiver.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('hb version, hb login (a bad key refused, a good one saved to ~/.hookbridge/config.json), hb logout', async () => {
      const version = await hbRun(['version']);
      assert.match(version.stdout, /^hb version /);
      const bad = await hbRun(['login', '--api-key', `hb_live_${'0'.repeat(32)}`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /invalid API key/);
      const good = await hbRun(['login', '--api-key', server.apiKey]);
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /Verifying\.\.\. OK/);
      const saved = JSON.parse(readFileSync(join(home, '.hookbridge', 'config.json'), 'utf8'));
      assert.equal(saved.api_key, server.apiKey);
      const out = await hbRun(['logout']);
      assert.match(out.stdout, /Logged out/);
      assert.notEqual((await hbRun(['endpoints'])).code, 0, 'logged out: not logged in');
      // Interactive login reads the key from stdin.
      const typed = await run(hb.path!, ['login'], {
        env: cliEnv(home, { HB_API_URL: server.url }),
        input: `${server.apiKey}\n`,
      });
      assert.equal(typed.code, 0, typed.stderr);
    });

    it('hb endpoints, hb endpoints create, with HB_API_URL ending in a slash', async () => {
      const slash = { HB_API_URL: `${server.url}/` };
      const created = await hbRun(['endpoints', 'create', '--name', 'Laptop'], slash);
      assert.equal(created.code, 0, created.stderr);
      const match = /Created endpoint: Laptop \(([0-9a-f-]{36})\)\nReceive URL: (\S+)/.exec(created.stdout);
      assert.ok(match, created.stdout);
      const listed = await hbRun(['endpoints'], slash);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`${match[1]}\\s+Laptop\\s+yes`));
      const defaulted = await hbRun(['endpoints', 'create']);
      assert.match(defaulted.stdout, /Created endpoint: CLI Endpoint/);
    });

    it('hb endpoints and hb listen --endpoint see an endpoint past the first 50', async () => {
      const other = await createProjectWithKey(server, 'hb-many');
      const own = client(server.url, other.apiKey);
      for (let i = 0; i < 52; i++) await createInbound(own, { url: `https://93.184.215.${i + 1}/in` });
      const cli = await createInbound(own, { mode: 'cli', name: 'past-fifty' });
      const env = { HB_API_KEY: other.apiKey };
      const listed = await hbRun(['endpoints'], env);
      assert.match(listed.stdout, new RegExp(`${cli.id}\\s+past-fifty`), listed.stdout);
      // Without --endpoint the CLI takes the first cli-mode endpoint instead of creating a new one.
      const session = listen(['--no-forward'], { ...env, HB_STREAM_URL: server.url.replace('http', 'ws') });
      await session.waitFor(/Connected via WebSocket/);
      assert.match(session.text(), new RegExp(`Endpoint: past-fifty \\(${cli.id}\\)`));
      assert.doesNotMatch(session.text(), /Creating CLI endpoint/);
      await session.stop();
      const named = listen(['--no-forward', '--endpoint', cli.id], {
        ...env,
        HB_STREAM_URL: server.url.replace('http', 'ws'),
      });
      await named.waitFor(/Connected via WebSocket/);
      await named.stop();
    });

    it('hb listen over the WebSocket (HB_STREAM_URL with a trailing slash) forwards, reports, and gets replays', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'ws' });
      const session = listen(['--endpoint', endpoint.id, '--forward', `${receiver.url}/ws`], {
        HB_STREAM_URL: `${server.url.replace('http', 'ws')}/`,
      });
      await session.waitFor(/Connected via WebSocket/);
      const id = (
        await ingest(endpoint.ingest_url, {
          body: '{"hello":"ws"}',
          headers: { 'content-type': 'application/json', 'x-provider': 'p', connection: 'keep-alive' },
        })
      ).body.data.message_id;
      const [request] = await receiver.waitFor(1, '/ws');
      assert.equal(request!.body.toString(), '{"hello":"ws"}');
      assert.equal(request!.headers['x-provider'], 'p');
      await waitFor(
        async () => (await api('GET', `/v1/inbound-messages/${id}`)).body.data.status === 'succeeded',
      );
      const attempts = await api('GET', `/v1/inbound-messages/${id}/attempts`);
      assert.equal(attempts.body.data[0].response_status, 200);

      const replay = await api('POST', `/v1/inbound-messages/${id}/replay`);
      assert.equal(replay.status, 202, replay.text);
      await receiver.waitFor(2, '/ws');
      assert.equal(receiver.for('/ws')[1]!.body.toString(), '{"hello":"ws"}');
      await session.stop();
    });

    it('hb listen falls back to polling (stream URL with a wrong path) without re-sending the history', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'poll' });
      // Delivered over the WebSocket first: history the fallback must not forward again.
      const first = listen(['--endpoint', endpoint.id, '--forward', `${receiver.url}/poll`], {
        HB_STREAM_URL: server.url.replace('http', 'ws'),
      });
      await first.waitFor(/Connected via WebSocket/);
      const old = (await ingest(endpoint.ingest_url, { body: 'old' })).body.data.message_id;
      await receiver.waitFor(1, '/poll');
      await waitFor(
        async () => (await api('GET', `/v1/inbound-messages/${old}`)).body.data.status === 'succeeded',
      );
      await first.stop();

      const session = listen(['--endpoint', endpoint.id, '--forward', `${receiver.url}/poll`], {
        HB_STREAM_URL: `${server.url.replace('http', 'ws')}/wrong`,
      });
      await session.waitFor(/WebSocket unavailable, using polling fallback/);
      await ingest(endpoint.ingest_url, { body: 'new' });
      await receiver.waitFor(2, '/poll');
      // A few more polls: nothing else arrives.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      assert.deepEqual(
        receiver.for('/poll').map((r) => r.body.toString()),
        ['old', 'new'],
      );
      await session.stop();
    });
  });
}

describe('the official hb CLI across a server restart', { skip: hb.skip }, () => {
  let home: string;
  let receiver: Receiver;
  let dataDir: string;
  after(async () => {
    killAll();
    await receiver?.close();
    if (home) rmSync(home, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps forwarding after the server restarts, and only what it had not forwarded', async () => {
    home = mkdtempSync(join(tmpdir(), 'hb-home-'));
    dataDir = mkdtempSync(join(tmpdir(), 'hb-restart-data-'));
    receiver = await Receiver.start();
    const port = await freePort();
    const key = generateKey('live');
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      HOOKBRIDGE_DATA_DIR: dataDir,
      HOOKBRIDGE_BOOTSTRAP_API_KEY: key,
      HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
      HOOKBRIDGE_LOG_LEVEL: 'warn',
    };
    const url = `http://127.0.0.1:${port}`;
    let hookbridge = runHookbridge(['start'], env);
    await hookbridge.waitFor(/listening on/, 60_000);
    const login = await run(hb.path!, ['login', '--api-key', key], {
      env: cliEnv(home, { HB_API_URL: url }),
    });
    assert.equal(login.code, 0, login.stderr);
    const api = client(url, key);
    const endpoint = await createInbound(api, { mode: 'cli', name: 'restart' });
    const child = spawn(hb.path!, ['listen', '--endpoint', endpoint.id, '--forward', `${receiver.url}/r`], {
      env: { ...process.env, ...cliEnv(home, { HB_API_URL: url, HB_STREAM_URL: `ws://127.0.0.1:${port}` }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const session = new Listen(child);
    try {
      await session.waitFor(/Connected via WebSocket/);
      await ingest(endpoint.ingest_url, { body: 'before' });
      await receiver.waitFor(1, '/r');

      hookbridge.child.kill('SIGTERM');
      assert.equal(await hookbridge.exited, 0, hookbridge.output());
      await session.waitFor(/switching to polling/, 30_000);
      hookbridge = runHookbridge(['start'], env);
      await hookbridge.waitFor(/listening on/, 60_000);
      await ingest(endpoint.ingest_url, { body: 'after' });
      await receiver.waitFor(2, '/r', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 6000));
      assert.deepEqual(
        receiver.for('/r').map((r) => r.body.toString()),
        ['before', 'after'],
        session.text(),
      );
      hookbridge.child.kill('SIGTERM');
      assert.equal(await hookbridge.exited, 0, hookbridge.output());
    } finally {
      await session.stop();
    }
  });
});

async function waitFor(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
