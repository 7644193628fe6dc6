import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createEndpoint, send, waitForMessage } from '../helpers/delivery.js';
import { ADMIN_TOKEN } from '../helpers/server.js';
import { type Api, client, type ResponseBody } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { TestListener } from '../helpers/listener.js';
import { createProjectWithKey } from '../helpers/security.js';
import { Receiver } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * What the official clients do on the wire, replayed with our own HTTP and WebSocket calls, so every path
 * where the hb CLI, the PHP SDK or the Go SDK broke is covered where those clients are not installed.
 * (test/clients/ runs the real clients.)
 */

/** An upgrade request the hb CLI sends when its stream URL has the wrong path; resolves once the server closed it. */
function rawUpgrade(
  port: number,
  path: string,
): Promise<{ socket: Socket; answer: string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n\r\n')) resolve({ socket, answer, closed });
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]);
}

for (const kind of storeKinds()) {
  describe(`what the official clients send [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;
    const listeners: TestListener[] = [];

    before(async () => {
      receiver = await Receiver.start();
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_LISTEN_HOLD_MS: '300',
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
      }));
    });
    after(async () => {
      await Promise.all(listeners.map((listener) => listener.close()));
      await server.close();
      await receiver.close();
    });

    it('hb CLI polling fallback: the first poll (no `after`) lists only what no listener was handed', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const delivered = (await ingest(endpoint.ingest_url, { body: 'old' })).body.data.message_id;
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      listeners.push(listener);
      const [frame] = await listener.waitFor(1);
      listener.send({
        type: 'delivery_result',
        message_id: frame.message_id,
        status_code: 200,
        latency_ms: 3,
      });
      // Handed over once the listener's result is recorded.
      for (let i = 0; i < 200; i++) {
        const rows = await server.store.db.query<{ h: Date | null }>(
          'SELECT handed_over_at AS h FROM inbound_messages WHERE id = $1',
          [delivered],
        );
        if (rows[0]?.h) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await listener.close();
      const fresh = (await ingest(endpoint.ingest_url, { body: 'new' })).body.data.message_id;

      const first = await api<ResponseBody<'/v1/inbound-endpoints/{id}/listen', 'get'>>(
        'GET',
        `/v1/inbound-endpoints/${endpoint.id}/listen`,
      );
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(
        first.body.data.map((m) => m.message_id),
        [fresh],
        'the history already delivered to a listener is not forwarded again',
      );
      assert.equal(first.body.meta.next_cursor, fresh);
      const again = await api('GET', `/v1/inbound-endpoints/${endpoint.id}/listen`);
      assert.deepEqual(again.body.data, [], 'a restarted poller does not get the page again either');
    });

    it('hb CLI with a wrong stream path: an upgrade to another route is answered and its socket closed', async () => {
      const port = Number(new URL(server.url).port);
      const upgrades = await Promise.all(
        ['/healthz', '/healthz', '/nowhere', '/v1/inbound-endpoints'].map((path) => rawUpgrade(port, path)),
      );
      assert.match(upgrades[0]!.answer, /^HTTP\/1.1 200/);
      assert.match(upgrades[2]!.answer, /^HTTP\/1.1 404/);
      assert.match(upgrades[3]!.answer, /^HTTP\/1.1 401/);
      await within(
        Promise.all(upgrades.map((upgrade) => upgrade.closed)),
        5000,
        'the server closing every such socket',
      );
    });

    it('trailing slash in HB_API_URL / HB_STREAM_URL: `//v1/...` routes and the `//v1/listen` upgrade work', async () => {
      const list = await api('GET', '//v1/inbound-endpoints');
      assert.equal(list.status, 200, list.text);
      const endpoint = await createInbound(api, { mode: 'cli' });
      const created = await api('POST', '//v1/inbound-endpoints', { body: { mode: 'cli', name: 'x' } });
      assert.equal(created.status, 201, created.text);
      const poll = await api('GET', `//v1/inbound-endpoints/${endpoint.id}/listen`);
      assert.equal(poll.status, 200, poll.text);
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id, '//v1/listen');
      listeners.push(listener);
      const id = (await ingest(endpoint.ingest_url, { body: 'slash' })).body.data.message_id;
      const [frame] = await listener.waitFor(1);
      assert.equal(frame.message_id, id);
    });

    it('replay of a cli-mode message reaches the listener that already received it', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      listeners.push(listener);
      const id = (
        await ingest(endpoint.ingest_url, {
          body: '{"a":1}',
          headers: { 'content-type': 'application/json' },
        })
      ).body.data.message_id;
      await listener.waitFor(1);
      listener.send({ type: 'delivery_result', message_id: id, status_code: 200, latency_ms: 1 });
      for (let i = 0; i < 200; i++) {
        const message = await api('GET', `/v1/inbound-messages/${id}`);
        if (message.body.data.status === 'succeeded') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const replay = await api('POST', `/v1/inbound-messages/${id}/replay`);
      assert.equal(replay.status, 202, replay.text);
      const frames = await listener.waitFor(2);
      assert.deepEqual(
        frames.map((frame) => frame.message_id),
        [id, id],
      );
      assert.deepEqual(frames[1]?.body, { a: 1 });
    });

    it('streamed messages drop hop-by-hop headers (Connection, TE, Keep-Alive), as forward mode does', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      listeners.push(listener);
      const response = await new Promise<number>((resolve, reject) => {
        const url = new URL(endpoint.ingest_url);
        const socket = connect(Number(url.port), url.hostname);
        socket.once('error', reject);
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
          const match = /^HTTP\/1.1 (\d+)/.exec(text);
          if (match && match[1] !== '100') {
            resolve(Number(match[1]));
            socket.end();
          }
        });
        socket.write(
          `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive, X-Hop\r\nTE: trailers\r\n` +
            'Keep-Alive: timeout=5\r\nX-Provider: kept\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi',
        );
      });
      assert.equal(response, 202);
      const [frame] = await listener.waitFor(1);
      const names = Object.keys(frame.headers).map((name) => name.toLowerCase());
      for (const hop of ['connection', 'te', 'keep-alive', 'content-length', 'host'])
        assert.ok(!names.includes(hop), `${hop} is not streamed`);
      assert.equal(frame.headers['X-Provider'], 'kept');
      const poll = await api('GET', `/v1/inbound-endpoints/${endpoint.id}/listen`);
      assert.ok(!Object.keys(poll.body.data[0].headers).some((name) => name.toLowerCase() === 'connection'));
    });

    it('inbound endpoint list without `limit` holds every endpoint (the CLI never pages)', async () => {
      const other = await createProjectWithKey(server, 'many-endpoints');
      const own = client(server.url, other.apiKey);
      // Forward-mode endpoints first: the CLI takes the first cli-mode one it finds, past any 50.
      const ids: string[] = [];
      for (let i = 0; i < 55; i++)
        ids.push((await createInbound(own, { url: `https://93.184.215.${(i % 200) + 1}/in` })).id);
      const cli = await createInbound(own, { mode: 'cli', name: 'the developer' });
      const list = await own('GET', '/v1/inbound-endpoints');
      assert.equal(list.status, 200, list.text);
      assert.equal(list.body.data.length, 56);
      assert.equal(list.body.data.at(-1).id, cli.id);
      assert.equal(list.body.data.at(-1).ingest_url, cli.ingest_url);
      assert.equal(list.body.meta.has_more, false);
      assert.equal(list.body.meta.next_cursor, null);
      const paged = await own('GET', '/v1/inbound-endpoints?limit=50');
      assert.equal(paged.body.data.length, 50);
      assert.equal(paged.body.meta.has_more, true);
    });

    it('attempt timings are whole milliseconds (JSON integers), outbound and inbound', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/ok`);
      const messageId = await send(api, endpoint.id, { timing: true });
      await waitForMessage(api, messageId, (m) => m.status === 'succeeded');
      const outbound = await api('GET', `/v1/messages/${messageId}/attempts`);
      assert.equal(outbound.status, 200, outbound.text);
      const [attempt] = outbound.body.data;
      const timings = [
        'processing_ms',
        'dns_ms',
        'tcp_connect_ms',
        'tls_handshake_ms',
        'ttfb_ms',
        'transfer_ms',
      ];
      assert.ok(typeof attempt.processing_ms === 'number', outbound.text);
      for (const field of timings) {
        if (attempt[field] !== undefined)
          assert.ok(Number.isInteger(attempt[field]), `${field}: ${attempt[field]}`);
      }
      // The served text itself: an SDK sees `0.38` where the value was a float.
      assert.doesNotMatch(
        outbound.text,
        /"(processing|dns|tcp_connect|tls_handshake|ttfb|transfer)_ms":-?\d+\.\d/,
      );

      const inbound = await createInbound(api, { url: `${receiver.url}/in` });
      const inboundId = (await ingest(inbound.ingest_url, { body: 'x' })).body.data.message_id;
      for (let i = 0; i < 250; i++) {
        const message = await api('GET', `/v1/inbound-messages/${inboundId}`);
        if (message.body.data.status === 'succeeded') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const attempts = await api('GET', `/v1/inbound-messages/${inboundId}/attempts`);
      assert.equal(attempts.body.data.length, 1, attempts.text);
      assert.doesNotMatch(attempts.text, /_ms":-?\d+\.\d/);
    });

    it('subscription limits are integers, never null (PHP declares int)', async () => {
      const response = await api('GET', '/v1/billing/subscription');
      for (const field of ['messages_per_month', 'max_projects', 'max_endpoints', 'retention_days'])
        assert.ok(Number.isInteger(response.body.data.limits[field]), `${field}: ${response.text}`);
    });

    it('PATCH /v1/projects/{id} (older Go SDK releases) updates like PUT', async () => {
      const admin = client(server.url, null);
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const patched = await admin('PATCH', `/v1/projects/${server.projectId}`, {
        headers,
        body: { name: 'Patched' },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.data.name, 'Patched');
      const put = await admin('PUT', `/v1/projects/${server.projectId}`, {
        headers,
        body: { name: 'Default' },
      });
      assert.equal(put.body.data.name, 'Default');
    });

    it('OpenAPI: the delivery_result frame names status_code, as the protocol does', async () => {
      const spec = (await api('GET', '/openapi.json')).body;
      const text = spec.paths['/v1/listen'].get.description as string;
      assert.match(text, /"message_id","status_code","latency_ms"/);
      assert.doesNotMatch(text, /"status","latency_ms"/);
    });

    it('closes a listener with 1001 (going away) on shutdown, and shutdown is not held by upgrade sockets', async () => {
      const { server: own, api: ownApi } = await startWithClient(kind);
      const upgrades: Socket[] = [];
      try {
        const endpoint = await createInbound(ownApi, { mode: 'cli' });
        const socket = new WebSocket(
          `${own.url.replace('http', 'ws')}/v1/listen?endpoint_id=${endpoint.id}`,
          {
            headers: { authorization: `Bearer ${own.apiKey}` },
          },
        );
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        const code = new Promise<number>((resolve) =>
          socket.once('close', (closeCode) => resolve(closeCode)),
        );
        const port = Number(new URL(own.url).port);
        for (const upgrade of await Promise.all(
          Array.from({ length: 20 }, () => rawUpgrade(port, '/healthz')),
        ))
          upgrades.push(upgrade.socket);
        await within(own.server.close(), 5000, 'shutdown');
        assert.equal(await code, 1001);
      } finally {
        // Whatever the outcome, the server's close can finish once the client ends are gone.
        for (const socket of upgrades) socket.destroy();
        await own.close();
      }
    });
  });
}
