import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { call, client } from '../helpers/http.js';
import { createInbound } from '../helpers/inbound.js';
import { head, parseAnswer, rawRequest } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const MANY = 40;

for (const kind of storeKinds()) {
  describe(`slow clients [${kind}]`, () => {
    let server: TestServer;
    let ingestPath: string;
    let logs = '';

    before(async () => {
      const destination = new PassThrough();
      destination.on('data', (chunk) => {
        logs += chunk.toString();
      });
      server = await startTestServer(
        kind,
        {
          HOOKBRIDGE_HEADERS_TIMEOUT_MS: '500',
          HOOKBRIDGE_REQUEST_TIMEOUT_MS: '4000',
          HOOKBRIDGE_KEEP_ALIVE_TIMEOUT_MS: '500',
          HOOKBRIDGE_LOG_LEVEL: 'info',
        },
        destination,
      );
      const api = client(server.url, server.apiKey);
      ingestPath = new URL((await createInbound(api, { mode: 'cli' })).ingest_url).pathname;
    });
    after(() => server.close());

    it('answers 408 REQUEST_TIMEOUT and closes many connections whose headers never finish', async () => {
      const answers = await Promise.all(
        Array.from({ length: MANY }, (_, i) =>
          rawRequest(
            server.url,
            [`POST ${i % 2 ? ingestPath : '/v1/webhooks/send'} HTTP/1.1\r\nHost: x\r\n`],
            {
              waitMs: 30_000,
            },
          ),
        ),
      );
      // Still serving everyone else meanwhile.
      assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
      for (const answer of answers) {
        assert.equal(answer.status, 408, answer.head);
        assert.equal(answer.body.error.code, 'REQUEST_TIMEOUT');
      }
    });

    it('answers 408 and closes many connections whose bodies never finish, ingest and API alike', async () => {
      const auth = {
        Host: 'x',
        Authorization: `Bearer ${server.apiKey}`,
        'Content-Type': 'application/json',
      };
      const started = Array.from({ length: MANY }, (_, i) =>
        rawRequest(
          server.url,
          [
            head(`POST ${i % 2 ? ingestPath : '/v1/endpoints'} HTTP/1.1`, {
              ...auth,
              'Content-Length': 100_000,
            }),
            '{"url":',
          ],
          { waitMs: 30_000 },
        ),
      );
      assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
      for (const answer of await Promise.all(started)) {
        assert.equal(answer.status, 408, answer.head);
        assert.equal(answer.body.error.code, 'REQUEST_TIMEOUT');
      }
      // Cut-off bodies are the client's doing: nothing at warn or above (they were logged as
      // "database unavailable", with a stack, one line each).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const loud = logs
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((line) => line.level >= 40);
      assert.deepEqual(loud, []);
    });

    it('accepts a slow but honest 1 MB ingest within the request timeout', async () => {
      const body = Buffer.alloc(1024 * 1024, 0x62);
      const pieces = 8;
      const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
      await once(socket, 'connect');
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      // Listened for before writing: the answer and the close come as soon as the last piece is in.
      const closed = once(socket, 'close');
      socket.write(
        head(`POST ${ingestPath} HTTP/1.1`, {
          Host: 'x',
          'Content-Length': body.length,
          Connection: 'close',
        }),
      );
      // Longer than the headers timeout in all, but the headers were complete at once.
      for (let i = 0; i < pieces; i++) {
        socket.write(body.subarray((i * body.length) / pieces, ((i + 1) * body.length) / pieces));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await closed;
      const answer = parseAnswer(Buffer.concat(received).toString('latin1'));
      assert.equal(answer.status, 202, answer.text);
      assert.equal(answer.body.data.status, 'queued');
    });

    it('closes an idle keep-alive connection', async () => {
      const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
      await once(socket, 'connect');
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      const closed = once(socket, 'close');
      socket.write(head('GET /healthz HTTP/1.1', { Host: 'x' }));
      await closed;
      const answer = parseAnswer(Buffer.concat(received).toString('latin1'));
      assert.equal(answer.status, 200);
      assert.match(answer.head, /keep-alive/i, 'the server offered to keep the connection');
    });
  });
}
