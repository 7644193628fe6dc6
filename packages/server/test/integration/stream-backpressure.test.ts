import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Socket as NetSocket, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { client } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { insertInboundEndpoint, insertInboundMessage } from '../helpers/inbound-fixtures.js';
import { TestListener } from '../helpers/listener.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const MESSAGES = 30;
const BODY_BYTES = 1024 * 1024;

/**
 * What ws still holds in user space for every server-side WebSocket of this process (the test server
 * runs in it). ws tags each TCP socket with its WebSocket under a symbol; the handles list finds them.
 */
function serverBuffered(): number[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles
    .filter((handle): handle is Socket => handle instanceof NetSocket)
    .map((socket) => {
      const tag = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'websocket');
      return tag
        ? ((socket as unknown as Record<symbol, WebSocket & { _isServer: boolean }>)[tag] ?? null)
        : null;
    })
    .filter((ws): ws is WebSocket & { _isServer: boolean } => ws?._isServer === true)
    .map((ws) => ws.bufferedAmount);
}

async function settle(read: () => number): Promise<number> {
  let last = -1;
  for (let stable = 0; stable < 5; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

for (const kind of storeKinds()) {
  describe(`listener backpressure [${kind}]`, () => {
    let server: TestServer;
    let endpointId: string;
    const ids: string[] = [];

    before(async () => {
      server = await startTestServer(kind);
      endpointId = await insertInboundEndpoint(server.store.db, server.projectId, { mode: 'cli' });
      for (let i = 0; i < MESSAGES; i++) {
        const body = Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(BODY_BYTES - 20) }));
        ids.push(
          await insertInboundMessage(server.store.db, server.projectId, endpointId, {
            status: 'queued',
            body,
          }),
        );
      }
    });
    after(() => server.close());

    it('holds at most one frame for a listener that does not read, then sends the whole backlog in order', async () => {
      const listener = await TestListener.connect(server.url, server.apiKey, endpointId);
      const raw = (listener.socket as unknown as { _socket: Socket })._socket;
      raw.pause();
      const buffered = await settle(() => serverBuffered().reduce((a, b) => a + b, 0));
      assert.equal(serverBuffered().length, 1, 'the server side of the listener was found');
      // Written frame by frame after each reached the kernel: one frame at most waits in the process
      // (before, the whole 30 MB backlog was queued on the socket at once).
      assert.ok(buffered <= 2 * BODY_BYTES, `${buffered} bytes buffered for a stalled listener`);
      raw.resume();
      const frames = await listener.waitFor(MESSAGES, 'webhook', 60_000);
      assert.deepEqual(
        frames.map((frame) => frame.message_id),
        ids,
      );
      assert.deepEqual(
        frames.map((frame) => (frame.body as { i: number }).i),
        ids.map((_, i) => i),
      );
      await listener.close();
    });

    it('leaves live messages past the queue limit in the store for a stalled listener, and sends each once', async () => {
      const api = client(server.url, server.apiKey);
      const endpoint = await createInbound(api, { mode: 'cli' });
      const listener = await TestListener.connect(server.url, server.apiKey, endpoint.id);
      const raw = (listener.socket as unknown as { _socket: Socket })._socket;
      raw.pause();
      const live: string[] = [];
      for (let i = 0; i < 14; i++) {
        const body = JSON.stringify({ i, pad: 'y'.repeat(BODY_BYTES - 20) });
        const response = await ingest(endpoint.ingest_url, {
          body,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(response.status, 202, response.text);
        live.push(response.body.data.message_id);
      }
      raw.resume();
      await listener.waitFor(live.length, 'webhook', 60_000);
      // A little longer: a message sent twice would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(
        listener.webhooks().map((frame) => frame.message_id),
        live,
      );
      await listener.close();
    });
  });
}
