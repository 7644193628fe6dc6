import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { client } from '../../server/test/helpers/http.js';
import { createInbound, ingest } from '../../server/test/helpers/inbound.js';
import { Receiver, type Responder } from '../../server/test/helpers/receiver.js';
import { storeKinds } from '../../server/test/helpers/stores.js';
import { type HbProcess, killAllHb, spawnHb, tempHome } from './helpers/hb.js';
import { FaultyProxy } from './helpers/proxy.js';
import { RestartableServer } from './helpers/server.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/** Every forwarded message id, and the ones forwarded more than once. */
function tally(receiver: Receiver) {
  const counts = new Map<string, number>();
  for (const request of receiver.requests) {
    const id = String(request.headers['x-test-id'] ?? request.body.toString());
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return { ids: new Set(counts.keys()), repeated: [...counts].filter(([, n]) => n > 1).map(([id]) => id) };
}

for (const kind of storeKinds()) {
  describe(`hb listen [${kind}]: WebSocket, polling, and never losing or repeating a webhook`, () => {
    let server: RestartableServer;
    let api: ReturnType<typeof client>;
    const cleanups: Array<() => Promise<unknown> | undefined> = [];

    before(async () => {
      server = await RestartableServer.start(kind, {
        HOOKBRIDGE_STREAM_PING_MS: '300',
        HOOKBRIDGE_LISTEN_HOLD_MS: '1000',
      });
      api = client(server.url, server.apiKey);
    });
    afterEach(async () => {
      killAllHb();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    after(async () => {
      await server.close();
    });

    async function receiver(): Promise<Receiver> {
      const started = await Receiver.start();
      cleanups.push(() => started.close());
      return started;
    }

    async function proxy(): Promise<FaultyProxy> {
      const started = await FaultyProxy.start(server.url);
      cleanups.push(() => started.close());
      return started;
    }

    function listen(args: string[], env: Record<string, string> = {}, base = server.url): HbProcess {
      return spawnHb(['listen', ...args], {
        home: tempHome(),
        env: {
          HB_API_KEY: server.apiKey,
          HB_API_URL: base,
          HB_LISTEN_BACKOFF_MS: '100',
          HB_LISTEN_POLL_RETRY_MS: '200',
          HB_LISTEN_WS_RETRY_MS: '500',
          ...env,
        },
      });
    }

    async function stop(run: HbProcess): Promise<number | null> {
      run.child.kill('SIGINT');
      return run.exited;
    }

    const send = (url: string, body: string | Buffer, headers: Record<string, string> = JSON_TYPE) =>
      ingest(url, { body, headers }).then((r) => {
        assert.equal(r.status, 202, r.text);
        return r.body.data.message_id as string;
      });

    it('WebSocket: forwards the exact bytes, content type and headers; --json events as the official CLI', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'ws' });
      const app = await receiver();
      const run = listen(['--json', '--endpoint', endpoint.id, '--forward', `${app.url}/hook`]);
      await run.waitFor(/"event":"ready"/);
      await run.waitFor(/Connected via WebSocket/, 'stderr');
      const text = '{"amount": 1.0,\n  "name": "\\u00e9t\u00e9"}';
      const id = await send(endpoint.ingest_url, text, {
        ...JSON_TYPE,
        'x-provider': 'stripe',
        'x-multi': 'a, b',
      });
      const binary = randomBytes(4096);
      const binaryId = await send(endpoint.ingest_url, binary, {
        'content-type': 'application/octet-stream',
      });
      const [json, bin] = await app.waitFor(2, '/hook');
      assert.equal(json!.method, 'POST');
      assert.equal(json!.body.toString(), text, 'byte-exact JSON');
      assert.equal(json!.headers['content-type'], 'application/json');
      assert.equal(json!.headers['x-provider'], 'stripe');
      assert.equal(json!.headers['x-multi'], 'a, b');
      assert.deepEqual(bin!.body, binary, 'byte-exact binary');
      await run.waitFor(/"event":"webhook".*\n.*"event":"webhook"/);
      assert.equal(await stop(run), 0);
      const events = run.events();
      assert.deepEqual(events[0], {
        event: 'ready',
        endpoint_id: endpoint.id,
        forward_to: `${app.url}/hook`,
      });
      const first = events.find((e) => e.id === id);
      assert.deepEqual(Object.keys(first).sort(), [
        'content_type',
        'event',
        'forwarded',
        'id',
        'latency_ms',
        'received_at',
        'size_bytes',
        'status_code',
      ]);
      assert.equal(first.forwarded, true);
      assert.equal(first.status_code, 200);
      assert.equal(first.size_bytes, Buffer.byteLength(text));
      assert.equal(events.find((e) => e.id === binaryId).size_bytes, 4096);
      assert.deepEqual(events.at(-1), { event: 'shutdown', received: 2 });
      // The banner goes to stderr under --json (as the official CLI's); diagnostics are NDJSON there.
      const diagnostics = run
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      assert.deepEqual(JSON.parse(diagnostics[0]!), {
        event: 'status',
        message: 'Connected via WebSocket (real-time)',
      });
      for (const line of diagnostics) assert.match(JSON.parse(line).event, /^(status|error)$/);
      assert.ok(
        !run.stdout().includes(endpoint.ingest_url),
        'the receive URL never appears in the JSON stream',
      );
      const rows = await server.store.db.query<any>(
        'SELECT status, response_status, handed_over_at FROM inbound_messages WHERE id = $1',
        [id],
      );
      assert.equal(rows[0].status, 'succeeded', 'the local answer was reported (delivery_result)');
      assert.equal(rows[0].response_status, 200);
    });

    it('human output: the official banner and line, colour by outcome, NO_COLOR and --no-color honoured', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'human' });
      const app = await receiver();
      app.respond('/h', (_req, res) => res.writeHead(500).end('boom'));
      const coloured = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/h`], { FORCE_COLOR: '1' });
      await coloured.waitFor(/Ready\. Waiting for webhooks\.\.\.\n/);
      assert.match(
        coloured.stdout(),
        new RegExp(
          `^\\nHookBridge CLI v\\d+\\.\\d+\\.\\d+\\nEndpoint: human \\(${endpoint.id}\\)\\n\\nWebhook URL: ${endpoint.ingest_url}\\n\\n` +
            `Paste this URL into your webhook provider's settings\\.\\nForwarding to ${app.url}/h\\n`,
        ),
      );
      const id = await send(endpoint.ingest_url, '{"x":1}');
      await coloured.waitFor(
        new RegExp(
          `\\d\\d:\\d\\d:\\d\\d  POST  →  \\x1b\\[31m500\\x1b\\[0m  \\d+ms  application/json  \\(7 bytes\\)  .*${id}`,
        ),
      );
      assert.equal(await stop(coloured), 0);
      assert.match(
        coloured.stdout(),
        /\nShutting down\. 1 webhook\(s\) received\.\n1 forwarded, 0 failed to forward\.\n$/,
      );
      for (const [args, env] of [
        [[], { FORCE_COLOR: '1', NO_COLOR: '1' }],
        [['--no-color'], { FORCE_COLOR: '1' }],
      ] as const) {
        const plain = listen([...args, '--endpoint', endpoint.id, '--forward', `${app.url}/h`], env);
        await plain.waitFor(/Ready/);
        const next = await send(endpoint.ingest_url, '{"x":2}');
        await plain.waitFor(new RegExp(`POST  →  200  \\d+ms  application/json  \\(7 bytes\\)  ${next}\\n`));
        assert.ok(!plain.stdout().includes('\x1b['));
        await stop(plain);
      }
    });

    it('inspect mode (--no-forward) shows and acknowledges: a later listener is not sent it again', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'inspect' });
      const run = listen(['--json', '--no-forward', '--endpoint', endpoint.id]);
      await run.waitFor(/"event":"ready"/);
      await run.waitFor(/Connected/, 'stderr');
      const id = await send(endpoint.ingest_url, '{"seen":true}');
      await run.waitFor(/"event":"webhook"/);
      await stop(run);
      const event = run.events().find((e) => e.event === 'webhook');
      assert.deepEqual(event, {
        event: 'webhook',
        id,
        content_type: 'application/json',
        size_bytes: 13,
        received_at: event.received_at,
        forwarded: false,
      });
      assert.deepEqual(run.events()[0], { event: 'ready', endpoint_id: endpoint.id, forward_to: '' });
      const again = listen(['--json', '--no-forward', '--endpoint', endpoint.id]);
      await again.waitFor(/Connected/, 'stderr');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stop(again);
      assert.deepEqual(
        again.events().filter((e) => e.event === 'webhook'),
        [],
      );
    });

    it('polling fallback when the WebSocket is unreachable: binary bodies exact, each forwarded once', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'poll' });
      const app = await receiver();
      const run = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/p`], {
        HB_STREAM_URL: 'ws://127.0.0.1:9',
        HB_LISTEN_WS_RETRY_MS: '600000',
      });
      await run.waitFor(/WebSocket unavailable, using polling fallback/, 'stderr');
      const bodies = [randomBytes(3000), Buffer.from('{"n": 2}'), Buffer.from('plain text')];
      const ids = [];
      for (const body of bodies)
        ids.push(
          await send(endpoint.ingest_url, body, {
            'content-type': 'application/octet-stream',
            'x-test-id': body.toString('hex'),
          }),
        );
      const got = await app.waitFor(3, '/p');
      assert.deepEqual(
        got.map((r) => r.body.toString('hex')).sort(),
        bodies.map((b) => b.toString('hex')).sort(),
      );
      await run.waitFor(new RegExp(ids.at(-1)!));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(app.requests.length, 3, 'nothing forwarded twice across polls');
      await stop(run);
      const rows = await server.store.db.query<any>(
        'SELECT status, handed_over_at FROM inbound_messages WHERE id = ANY($1::uuid[])',
        [ids],
      );
      assert.ok(rows.every((r) => r.status === 'succeeded' && r.handed_over_at));
    });

    it('the server restarting under it: every webhook forwarded exactly once', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'restart' });
      const app = await receiver();
      const run = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/r`]);
      await run.waitFor(/Connected via WebSocket/, 'stderr');
      const sent: string[] = [];
      for (let n = 0; n < 15; n++)
        sent.push(await send(endpoint.ingest_url, `{"n":${n}}`, { ...JSON_TYPE, 'x-test-id': `r${n}` }));
      await server.restart();
      for (let n = 15; n < 30; n++)
        sent.push(await send(endpoint.ingest_url, `{"n":${n}}`, { ...JSON_TYPE, 'x-test-id': `r${n}` }));
      await app.waitFor(30, '/r', 30_000);
      await run.waitFor(new RegExp(sent.at(-1)!));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { ids, repeated } = tally(app);
      assert.equal(ids.size, 30, 'none lost');
      assert.deepEqual(repeated, [], 'none repeated');
      assert.match(run.stderr(), /Connection lost \(.*\) — reconnecting…/);
      await stop(run);
    });

    it('a half-open socket: silence past twice the ping interval reconnects; a lost ack does not forward twice', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'half-open' });
      const app = await receiver();
      const net = await proxy();
      const run = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/s`], {}, net.url);
      await run.waitFor(/Connected via WebSocket/, 'stderr');
      await send(endpoint.ingest_url, '{"n":"a"}', { ...JSON_TYPE, 'x-test-id': 'a' });
      await app.waitFor(1, '/s');
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The app holds x's answer; the connection goes silent before hb can acknowledge it.
      let release!: () => void;
      const held: Responder = (_req, res) => {
        release = () => res.writeHead(204).end();
      };
      app.respond('/s', held);
      await send(endpoint.ingest_url, '{"n":"x"}', { ...JSON_TYPE, 'x-test-id': 'x' });
      await app.waitFor(2, '/s');
      net.blackhole();
      release();
      for (const name of ['b', 'c'])
        await send(endpoint.ingest_url, `{"n":"${name}"}`, { ...JSON_TYPE, 'x-test-id': name });
      await app.waitFor(4, '/s', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { ids, repeated } = tally(app);
      assert.deepEqual([...ids].sort(), ['a', 'b', 'c', 'x']);
      assert.deepEqual(repeated, [], 'x came again after the reconnect and was only acknowledged');
      // Its delivery_result went into the silent socket; the server sent x again and hb only acknowledged it.
      const x = app.requests.find((r) => r.headers['x-test-id'] === 'x')!;
      const rows = await server.store.db.query<any>(
        `SELECT status, handed_over_at FROM inbound_messages WHERE headers->>'x-test-id' = 'x' AND inbound_endpoint_id = $1`,
        [endpoint.id],
      );
      assert.ok(x && rows[0].handed_over_at, 'handed over by the plain ack');
      assert.equal(rows[0].status, 'queued', 'the lost delivery_result was not replaced by a second forward');
      assert.match(
        run.stderr(),
        /Connection lost \(no data for 600 ms\) — reconnecting…\nReconnected via WebSocket/,
      );
      await stop(run);
    });

    it('100 webhooks while the network is down: all delivered after it returns, none twice', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'offline' });
      const app = await receiver();
      const net = await proxy();
      const run = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/o`], {}, net.url);
      await run.waitFor(/Connected via WebSocket/, 'stderr');
      await send(endpoint.ingest_url, '{}', { ...JSON_TYPE, 'x-test-id': 'before' });
      await app.waitFor(1, '/o');
      net.down();
      await run.waitFor(/Connection lost/, 'stderr');
      await Promise.all(
        Array.from({ length: 100 }, (_, n) =>
          send(endpoint.ingest_url, `{"n":${n}}`, { ...JSON_TYPE, 'x-test-id': `o${n}` }),
        ),
      );
      net.up();
      await app.waitFor(101, '/o', 30_000);
      await run.waitFor(/\d+\+? webhooks arrived while you were away — delivering/, 'stderr');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { ids, repeated } = tally(app);
      assert.equal(ids.size, 101, 'none lost');
      assert.deepEqual(repeated, [], 'none repeated');
      await stop(run);
    });

    it('100 webhooks while hb is not running: the next hb says so and delivers each once', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'away' });
      const app = await receiver();
      const first = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/w`]);
      await first.waitFor(/Connected/, 'stderr');
      await send(endpoint.ingest_url, '{}', { ...JSON_TYPE, 'x-test-id': 'first' });
      await first.waitFor(/POST {2}→ {2}200/);
      assert.equal(await stop(first), 0);
      await Promise.all(
        Array.from({ length: 100 }, (_, n) =>
          send(endpoint.ingest_url, `{"n":${n}}`, { ...JSON_TYPE, 'x-test-id': `w${n}` }),
        ),
      );
      const second = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/w`]);
      await second.waitFor(/100 webhooks arrived while you were away — delivering/, 'stderr');
      await app.waitFor(101, '/w', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { ids, repeated } = tally(app);
      assert.equal(ids.size, 101);
      assert.deepEqual(repeated, []);
      await stop(second);
      assert.match(second.stdout(), /Shutting down\. 100 webhook\(s\) received\./);
    });

    it('a slow local app: at most --concurrency at once, no reconnect, each once', async () => {
      const endpoint = await createInbound(api, { mode: 'cli', name: 'slow' });
      const app = await receiver();
      let inFlight = 0;
      let peak = 0;
      app.setDefault((_req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        setTimeout(() => {
          inFlight--;
          res.writeHead(200).end();
        }, 250);
      });
      const run = listen(['--endpoint', endpoint.id, '--forward', `${app.url}/slow`, '--concurrency', '4']);
      await run.waitFor(/Connected/, 'stderr');
      await Promise.all(
        Array.from({ length: 24 }, (_, n) =>
          send(endpoint.ingest_url, `{"n":${n}}`, { ...JSON_TYPE, 'x-test-id': `s${n}` }),
        ),
      );
      await app.waitFor(24, '/slow', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      const { ids, repeated } = tally(app);
      assert.equal(ids.size, 24);
      assert.deepEqual(repeated, []);
      assert.ok(peak <= 4, `peak concurrency ${peak}`);
      assert.ok(peak > 1, 'forwards overlap');
      assert.doesNotMatch(run.stderr(), /Connection lost/);
      await stop(run);
    });
  });
}
