import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { client } from '../../server/test/helpers/http.js';
import { createInbound, ingest, messageRow } from '../../server/test/helpers/inbound.js';
import { Receiver } from '../../server/test/helpers/receiver.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { hb, killAllHb, spawnHb, tempHome } from './helpers/hb.js';
import { FaultyProxy } from './helpers/proxy.js';

describe('hb listen: choosing the endpoint, inspect mode, --path, --header and -v', () => {
  let server: TestServer;
  let app: Receiver;
  const env = () => ({ HB_API_KEY: server.apiKey, HB_API_URL: server.url });
  before(async () => {
    server = await startTestServer('embedded');
    app = await Receiver.start();
  });
  after(async () => {
    killAllHb();
    await app.close();
    await server.close();
  });

  it('creates "CLI Endpoint" when the project has none, then reuses it; inspect mode says so', async () => {
    const first = spawnHb(['listen', '--no-forward'], { home: tempHome(), env: env() });
    await first.waitFor(/Ready\. Waiting for webhooks\.\.\.\n/);
    assert.match(first.stderr(), /^Creating CLI endpoint\.\.\. done\n/);
    const id = /Endpoint: CLI Endpoint \(([0-9a-f-]{36})\)/.exec(first.stdout())![1];
    assert.match(first.stdout(), /Inspect mode — webhooks will be displayed but not forwarded\.\n/);
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0);
    const second = spawnHb(['listen', '--no-forward'], { home: tempHome(), env: env() });
    await second.waitFor(/Ready/);
    assert.ok(second.stdout().includes(`Endpoint: CLI Endpoint (${id})`));
    assert.doesNotMatch(second.stderr(), /Creating/);
    second.child.kill('SIGINT');
    await second.exited;
  });

  it('--endpoint: an unknown id and a forward-mode one are refused with the official messages', async () => {
    const unknown = '01935abc-def0-7123-8567-890abcdef012';
    const missing = await hb(['listen', '--endpoint', unknown], { home: tempHome(), env: env() });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `Error: endpoint ${unknown} not found\n`);
    const forward = await createInbound(client(server.url, server.apiKey), {
      url: 'https://93.184.215.14/f',
    });
    const wrongMode = await hb(['listen', '--endpoint', forward.id], { home: tempHome(), env: env() });
    assert.equal(wrongMode.code, 1);
    assert.equal(wrongMode.stderr, `Error: endpoint ${forward.id} is not in CLI mode\n`);
  });

  it('--path and --header shape the forward; -v shows request and response headers and bodies', async () => {
    const endpoint = await createInbound(client(server.url, server.apiKey), { mode: 'cli', name: 'verbose' });
    app.respond('/base/hook', (_req, res) => res.writeHead(201, { 'x-answer': 'yes' }).end('{"ok":true}'));
    const run = spawnHb(
      [
        'listen',
        '-v',
        '--endpoint',
        endpoint.id,
        '--forward',
        `${app.url}/base/`,
        '--path',
        '/hook',
        '-H',
        'X-Local: 1',
      ],
      { home: tempHome(), env: env() },
    );
    await run.waitFor(/Forwarding to .*\/base\/hook\n/);
    await run.waitFor(/Connected/, 'stderr');
    await ingest(endpoint.ingest_url, {
      body: '{"v":1}',
      headers: { 'content-type': 'application/json', 'x-from': 'p' },
    });
    const [request] = await app.waitFor(1, '/base/hook');
    assert.equal(request!.headers['x-local'], '1');
    assert.equal(request!.headers['x-from'], 'p');
    await run.waitFor(/Response body:\n {2}\{\n {4}"ok": true\n {2}\}\n/);
    const out = run.stdout();
    assert.match(out, /POST {2}→ {2}201 {2}\d+ms {2}application\/json {2}\(7 bytes\)/);
    assert.match(out, / {2}Headers:\n(?: {4}.+\n)*? {4}x-from: p\n/);
    assert.match(out, / {4}x-local: 1\n/);
    assert.match(out, / {2}Body:\n {2}\{\n {4}"v": 1\n {2}\}\n/);
    assert.match(out, / {2}Response 201:\n(?: {4}.+\n)*? {4}x-answer: yes\n/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
  });

  it("forwards with the provider's method, path suffix and query, over WebSocket and polling", async () => {
    const endpoint = await createInbound(client(server.url, server.apiKey), {
      mode: 'cli',
      name: 'request line',
      verify_static_token: true,
      token_query_param: 'token',
      token_value: 'shared-secret',
    });
    const sent = [
      ['PUT', '/events/x%20y', 'a=1&token=shared-secret&b=%2F', '/local/hook/events/x%20y?a=1&b=%2F'],
      ['PATCH', '', 'token=shared-secret', '/local/hook'],
      ['POST', '/', 'token=shared-secret&z=1', '/local/hook/?z=1'],
    ] as const;
    for (const polling of [false, true]) {
      const run = spawnHb(
        ['listen', '--endpoint', endpoint.id, '--forward', `${app.url}/local`, '--path', 'hook'],
        {
          home: tempHome(),
          env: {
            ...env(),
            ...(polling ? { HB_STREAM_URL: 'ws://127.0.0.1:9', HB_LISTEN_BACKOFF_MS: '50' } : {}),
          },
        },
      );
      await run.waitFor(polling ? /using polling fallback/ : /Connected via WebSocket/, 'stderr');
      const before = app.requests.length;
      for (const [method, suffix, query] of sent) {
        const response = await ingest(`${endpoint.ingest_url}${suffix}?${query}`, { method, body: method });
        assert.equal(response.status, 202, response.text);
      }
      const deadline = Date.now() + 15_000;
      while (app.requests.length < before + sent.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const got = app.requests.slice(before).map((r) => [r.method, r.path, r.body.toString()]);
      assert.deepEqual(
        got.sort(),
        sent.map(([method, , , path]) => [method, path, method]).sort(),
        polling ? 'polling' : 'WebSocket',
      );
      assert.match(run.stdout(), /PUT {2}→ {2}200/);
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 0);
    }
  });

  it('SIGKILL after the app answered, before the ack arrived: the next hb acknowledges it, 0 repeated', async () => {
    const endpoint = await createInbound(client(server.url, server.apiKey), { mode: 'cli', name: 'crash' });
    const home = tempHome();
    const net = await FaultyProxy.start(server.url);
    // The answer goes back to hb, but from now on nothing hb sends through the proxy reaches the server.
    app.respond('/crash', (_req, res) => {
      net.blackhole();
      res.writeHead(200).end('ok');
    });
    const args = ['listen', '--endpoint', endpoint.id, '--forward', `${app.url}/crash`];
    const first = spawnHb(args, { home, env: { ...env(), HB_API_URL: net.url } });
    await first.waitFor(/Connected via WebSocket/, 'stderr');
    const sent = await ingest(endpoint.ingest_url, { body: 'once' });
    const id = sent.body.data.message_id as string;
    await app.waitFor(1, '/crash');
    const file = join(home, '.hookbridge', `listen-handled-${endpoint.id}.json`);
    await until(() => existsSync(file) && readFileSync(file, 'utf8').includes(id));
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const lost = await messageRow(server, id);
    assert.equal(lost.handed_over_at, null, 'the acknowledgement never reached the server');

    const second = spawnHb(args, { home, env: env() });
    await second.waitFor(/Connected via WebSocket/, 'stderr');
    await until(async () => (await messageRow(server, id)).handed_over_at !== null);
    const acknowledged = await messageRow(server, id);
    assert.equal(acknowledged.response_status, 200, "the first hb's result is recorded");
    await ingest(endpoint.ingest_url, { body: 'next' });
    await app.waitFor(2, '/crash');
    assert.deepEqual(
      app.for('/crash').map((r) => r.body.toString()),
      ['once', 'next'],
      'forwarded once each',
    );
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0);
    await net.close();
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
