import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ERROR_CODES } from '../../src/errors.js';
import { client } from '../helpers/http.js';
import { createInbound } from '../helpers/inbound.js';
import { head, type RawAnswer, rawRequest } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

function assertEnvelope(answer: RawAnswer, status: number, code: string, what: string): void {
  assert.equal(answer.status, status, `${what}: ${answer.head}\n${answer.text}`);
  assert.equal(answer.body?.error?.code, code, `${what}: ${answer.text}`);
  assert.ok(code in ERROR_CODES, `${code} is registered`);
  assert.equal(typeof answer.body.error.message, 'string');
  assert.match(answer.body.meta.request_id, /^req_/);
  assert.doesNotMatch(answer.text, /FST_|Client Error|statusCode/, what);
}

for (const kind of storeKinds()) {
  describe(`answers the framework and libraries write [${kind}]`, () => {
    let server: TestServer;
    let logs = '';
    let ingestPath: string;
    let cliEndpointId: string;

    before(async () => {
      const destination = new PassThrough();
      destination.on('data', (chunk) => {
        logs += chunk.toString();
      });
      server = await startTestServer(kind, { HOOKBRIDGE_LOG_LEVEL: 'info' }, destination);
      const api = client(server.url, server.apiKey);
      ingestPath = new URL((await createInbound(api, { mode: 'cli' })).ingest_url).pathname;
      cliEndpointId = (await createInbound(api, { mode: 'cli' })).id;
    });
    after(() => server.close());

    it('puts unparseable requests, bad paths and a missing Host in the envelope', async () => {
      const auth = { Host: 'x', Authorization: `Bearer ${server.apiKey}` };
      const cases: Array<[string, string, number, string]> = [
        ['bad percent-encoding', head('GET /v1/endpoints/%zz HTTP/1.1', auth), 400, 'INVALID_REQUEST'],
        [
          'a 150-character parameter',
          head(`GET /v1/endpoints/${'a'.repeat(150)} HTTP/1.1`, auth),
          400,
          'INVALID_REQUEST',
        ],
        ['no Host', head('GET /healthz HTTP/1.1', {}), 400, 'INVALID_REQUEST'],
        [
          'a header name with a space',
          head('GET /healthz HTTP/1.1', { Host: 'x', 'Bad Name': 'y' }),
          400,
          'INVALID_REQUEST',
        ],
        [
          '20 KB of headers',
          head('GET /healthz HTTP/1.1', { Host: 'x', 'X-Big': 'a'.repeat(20_000) }),
          431,
          'HEADERS_TOO_LARGE',
        ],
        ['not HTTP at all', 'GARBAGE\r\n\r\n', 400, 'INVALID_REQUEST'],
        [
          'a bad Content-Length',
          head('POST /v1/endpoints HTTP/1.1', { ...auth, 'Content-Length': 'x' }),
          400,
          'INVALID_REQUEST',
        ],
      ];
      for (const [what, request, status, code] of cases) {
        assertEnvelope(await rawRequest(server.url, [request]), status, code, what);
      }
    });

    it("answers the WebSocket library's handshake refusals in the envelope", async () => {
      const upgrade = {
        Host: 'x',
        Authorization: `Bearer ${server.apiKey}`,
        Upgrade: 'websocket',
        Connection: 'Upgrade',
      };
      const path = `GET /v1/listen?endpoint_id=${cliEndpointId} HTTP/1.1`;
      const key = 'dGhlIHNhbXBsZSBub25jZQ==';
      const cases: Array<[string, Record<string, string>]> = [
        ['no Sec-WebSocket-Key', { ...upgrade, 'Sec-WebSocket-Version': '13' }],
        [
          'a short Sec-WebSocket-Key',
          { ...upgrade, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'abc' },
        ],
        ['version 12', { ...upgrade, 'Sec-WebSocket-Version': '12', 'Sec-WebSocket-Key': key }],
        [
          'a bad subprotocol list',
          {
            ...upgrade,
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': key,
            'Sec-WebSocket-Protocol': ',,',
          },
        ],
      ];
      for (const [what, headers] of cases) {
        const answer = await rawRequest(server.url, [head(path, headers)]);
        assertEnvelope(answer, 400, 'INVALID_REQUEST', what);
        assert.match(answer.body.error.message, /^WebSocket handshake: /);
      }
    });

    it('lets a client that writes its whole oversized body first read the 413 (no reset)', async () => {
      const auth = {
        Host: 'x',
        Authorization: `Bearer ${server.apiKey}`,
        'Content-Type': 'application/json',
      };
      const cases: Array<[string, number, number, string]> = [
        ['/v1/webhooks/send', 9 * 1024 * 1024, 400, 'PAYLOAD_TOO_LARGE'],
        ['/v1/endpoints', 5 * 1024 * 1024, 413, 'REQUEST_TOO_LARGE'],
        [ingestPath, 8 * 1024 * 1024, 413, 'INGEST_TOO_LARGE'],
      ];
      for (const [path, size, status, code] of cases) {
        const body = Buffer.alloc(size, 0x61);
        const sized = await rawRequest(
          server.url,
          [head(`POST ${path} HTTP/1.1`, { ...auth, 'Content-Length': size }), body],
          { writeAllFirst: true, waitMs: 5_000 },
        );
        assertEnvelope(sized, status, code, `${path} with Content-Length`);
        const chunked = await rawRequest(
          server.url,
          [
            head(`POST ${path} HTTP/1.1`, { ...auth, 'Transfer-Encoding': 'chunked' }),
            `${size.toString(16)}\r\n`,
            body,
            '\r\n0\r\n\r\n',
          ],
          { writeAllFirst: true, waitMs: 5_000 },
        );
        assertEnvelope(chunked, status, code, `${path} chunked`);
      }
    });

    it('logs a malformed WebSocket frame once, briefly, at info level', async () => {
      const socket = new WebSocket(
        `${server.url.replace(/^http/, 'ws')}/v1/listen?endpoint_id=${cliEndpointId}`,
        {
          headers: { authorization: `Bearer ${server.apiKey}` },
        },
      );
      await once(socket, 'open');
      const closed = once(socket, 'close');
      // FIN + RSV2 + RSV3 + a reserved opcode, masked, empty: not a frame a client may send.
      (socket as unknown as { _socket: NodeJS.WritableStream })._socket.write(
        Buffer.from([0xff, 0x80, 1, 2, 3, 4]),
      );
      await closed;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lines = logs
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      const frameLines = lines.filter((line) => /frame/i.test(String(line.msg)) || line.err);
      assert.equal(frameLines.length, 1, JSON.stringify(frameLines));
      assert.equal(frameLines[0].level, 30);
      assert.ok(!JSON.stringify(frameLines[0]).includes('stack'), 'no stack trace');
      assert.deepEqual(
        lines.filter((line) => line.level >= 50),
        [],
      );
    });
  });
}
