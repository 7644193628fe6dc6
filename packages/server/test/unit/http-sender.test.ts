import assert from 'node:assert/strict';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { makeCertificates } from '../helpers/tls.js';
import type {
  DeliveryFailure,
  DeliveryResponse,
  DeliveryResult,
} from '../../src/delivery/delivery-result.js';
import { HttpSender } from '../../src/delivery/http-sender.js';

const UA = 'HookBridge/1.0';

interface Receiver {
  server: Server;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  hits: Map<string, number>;
  /** Endless responses that the client hung up on. */
  cutOff: number;
}

function route(receiver: Receiver, req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/';
  receiver.hits.set(path, (receiver.hits.get(path) ?? 0) + 1);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    switch (path) {
      case '/ok':
        res.setHeader('x-multi', ['one', 'two']);
        res.setHeader('content-type', 'text/plain');
        res.end('hello');
        return;
      case '/echo':
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ headers: req.headers, rawHeaders: req.rawHeaders, body: body.toString('base64') }),
        );
        return;
      case '/endless': {
        // Writes until the client hangs up: a sender that drained the body would never finish.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.on('close', () => receiver.cutOff++);
        const chunk = Buffer.alloc(16 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed) {
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
        };
        pump();
        return;
      }
      case '/exact':
        res.end(Buffer.alloc(1000, 'b'));
        return;
      case '/utf8':
        // 999 ASCII bytes then a 4-byte character straddling the 1000-byte cap.
        res.end(`${'x'.repeat(999)}🚀tail`);
        return;
      case '/500':
        res.statusCode = 500;
        res.end('boom');
        return;
      case '/302':
        res.writeHead(302, { location: '/ok' });
        res.end();
        return;
      case '/hang':
        return; // never answers
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return; // never ends
      default:
        res.statusCode = 404;
        res.end();
    }
  });
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function startReceiver(make: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server) {
  const receiver: Receiver = {
    server: null as unknown as Server,
    port: 0,
    connections: 0,
    hits: new Map(),
    cutOff: 0,
  };
  receiver.server = make((req, res) => route(receiver, req, res));
  receiver.server.on('connection', () => receiver.connections++);
  receiver.server.keepAliveTimeout = 10_000;
  receiver.port = await listen(receiver.server);
  return receiver;
}

async function stop(receiver: Receiver) {
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
}

/**
 * undici hands a finished keep-alive socket back to the pool one event-loop turn after the response
 * (so a server that closes despite keep-alive is noticed); a request sent sooner gets a second connection.
 */
function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve));
}

function asResponse(result: DeliveryResult): DeliveryResponse {
  assert.equal(result.kind, 'response', result.kind === 'error' ? result.message : '');
  return result as DeliveryResponse;
}

function asError(result: DeliveryResult): DeliveryFailure {
  assert.equal(result.kind, 'error', JSON.stringify(result));
  return result as DeliveryFailure;
}

describe('HttpSender over http:// (private networks allowed)', () => {
  let receiver: Receiver;
  let sender: HttpSender;
  let base: string;

  before(async () => {
    receiver = await startReceiver((handler) => createHttpServer(handler));
    base = `http://127.0.0.1:${receiver.port}`;
    sender = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, maxResponseBodyBytes: 1000 });
  });

  after(async () => {
    await sender.close();
    await stop(receiver);
  });

  it('returns a 200 with its body, headers and timings', async () => {
    const result = asResponse(await sender.send({ url: `${base}/ok`, headers: {}, body: '{}' }));
    assert.equal(result.status, 200);
    assert.equal(result.body, 'hello');
    assert.equal(result.bodyTruncated, false);
    assert.equal(result.headers['content-type'], 'text/plain');
    assert.equal(result.headers['x-multi'], 'one, two');
    assert.equal(result.headers['content-length'], '5');
    assert.equal(result.resolvedIp, '127.0.0.1');
    const { timings } = result;
    assert.ok(timings.totalMs > 0);
    assert.ok(timings.ttfbMs !== null && timings.ttfbMs >= 0);
    assert.ok(timings.transferMs !== null && timings.transferMs >= 0);
    assert.ok(timings.totalMs >= timings.ttfbMs + timings.transferMs - 0.05);
    assert.equal(timings.tlsMs, null);
  });

  it('sends the headers and body exactly as given, adding only User-Agent and framing', async () => {
    const body = new Uint8Array([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x7d]);
    const headers = {
      'Content-Type': 'application/json',
      'X-Webhook-Id': '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      'X-Webhook-Timestamp': '1700000000',
      'X-Webhook-Signature': 'sha256=abc,sha256=def',
      'x-custom': ' spaced value ',
    };
    const result = asResponse(await sender.send({ url: `${base}/echo`, headers, body }));
    const echoed = JSON.parse(result.body);
    assert.deepEqual(Buffer.from(echoed.body, 'base64'), Buffer.from(body));
    assert.equal(echoed.headers['content-type'], 'application/json');
    assert.equal(echoed.headers['x-webhook-id'], headers['X-Webhook-Id']);
    assert.equal(echoed.headers['x-webhook-timestamp'], '1700000000');
    assert.equal(echoed.headers['x-webhook-signature'], 'sha256=abc,sha256=def');
    assert.equal(echoed.headers['x-custom'], 'spaced value'); // node:http trims surrounding whitespace
    assert.equal(echoed.headers['user-agent'], UA);
    assert.equal(echoed.headers['content-length'], String(body.length));
    const names = (echoed.rawHeaders as string[])
      .filter((_, i) => i % 2 === 0)
      .map((name) => name.toLowerCase());
    assert.deepEqual(names.sort(), [
      'connection',
      'content-length',
      'content-type',
      'host',
      'user-agent',
      'x-custom',
      'x-webhook-id',
      'x-webhook-signature',
      'x-webhook-timestamp',
    ]);
  });

  it("keeps the caller's own User-Agent", async () => {
    const result = asResponse(
      await sender.send({ url: `${base}/echo`, headers: { 'User-Agent': 'custom/2' }, body: '' }),
    );
    assert.equal(JSON.parse(result.body).headers['user-agent'], 'custom/2');
  });

  it('reuses a keep-alive connection for the next request to the same origin', async () => {
    const separate = new HttpSender({ allowPrivateNetworks: true, userAgent: UA });
    try {
      const before = receiver.connections;
      const first = asResponse(await separate.send({ url: `${base}/ok`, headers: {}, body: 'a' }));
      await nextTurn();
      const second = asResponse(await separate.send({ url: `${base}/ok`, headers: {}, body: 'b' }));
      assert.equal(first.connectionReused, false);
      assert.ok(first.timings.connectMs !== null && first.timings.connectMs >= 0);
      assert.equal(first.timings.dnsMs, null, 'an IP literal is not looked up');
      assert.equal(second.connectionReused, true);
      assert.equal(second.timings.dnsMs, null);
      assert.equal(second.timings.connectMs, null);
      assert.equal(second.timings.tlsMs, null);
      assert.equal(second.resolvedIp, '127.0.0.1');
      assert.equal(receiver.connections - before, 1);
    } finally {
      await separate.close();
    }
  });

  it('attributes connections correctly under concurrency on a shared pool', async () => {
    const pooled = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, connectionsPerOrigin: 4 });
    try {
      const before = receiver.connections;
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          pooled.send({ url: `${base}/echo`, headers: {}, body: String(i) }),
        ),
      ).then((all) => all.map(asResponse));
      const opened = receiver.connections - before;
      assert.ok(opened >= 1 && opened <= 4, `opened ${opened}`);
      const fresh = results.filter((result) => !result.connectionReused);
      assert.equal(fresh.length, opened);
      for (const result of fresh) assert.ok(result.timings.connectMs !== null);
      for (const result of results.filter((r) => r.connectionReused))
        assert.equal(result.timings.connectMs, null);
      results.forEach((result, i) => {
        assert.equal(Buffer.from(JSON.parse(result.body).body, 'base64').toString(), String(i));
        assert.equal(result.resolvedIp, '127.0.0.1');
        assert.ok(result.timings.ttfbMs !== null);
      });
    } finally {
      await pooled.close();
    }
  });

  it('truncates the body at the cap, reads no further and drops the connection', async () => {
    const result = asResponse(await sender.send({ url: `${base}/endless`, headers: {}, body: '' }));
    assert.equal(result.status, 200);
    assert.equal(result.body.length, 1000);
    assert.equal(result.body, 'a'.repeat(1000));
    assert.equal(result.bodyTruncated, true);
    for (let i = 0; i < 100 && receiver.cutOff === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(receiver.cutOff, 1, 'the sender hung up instead of draining the body');
  });

  it('does not mark a body of exactly the cap as truncated', async () => {
    const result = asResponse(await sender.send({ url: `${base}/exact`, headers: {}, body: '' }));
    assert.equal(result.body.length, 1000);
    assert.equal(result.bodyTruncated, false);
  });

  it('cuts on a UTF-8 character boundary', async () => {
    const result = asResponse(await sender.send({ url: `${base}/utf8`, headers: {}, body: '' }));
    assert.equal(result.bodyTruncated, true);
    assert.equal(result.body, 'x'.repeat(999));
  });

  it('returns a 500 as a response', async () => {
    const result = asResponse(await sender.send({ url: `${base}/500`, headers: {}, body: '' }));
    assert.equal(result.status, 500);
    assert.equal(result.body, 'boom');
  });

  it('does not follow a 302', async () => {
    const hitsBefore = receiver.hits.get('/ok') ?? 0;
    const result = asResponse(await sender.send({ url: `${base}/302`, headers: {}, body: '' }));
    assert.equal(result.status, 302);
    assert.equal(result.headers.location, '/ok');
    assert.equal(receiver.hits.get('/ok') ?? 0, hitsBefore);
  });

  it('times out when the receiver never answers', async () => {
    const impatient = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, timeoutMs: 200 });
    try {
      const started = Date.now();
      const result = asError(await impatient.send({ url: `${base}/hang`, headers: {}, body: '' }));
      const elapsed = Date.now() - started;
      assert.equal(result.error, 'timeout');
      assert.match(result.message, /timed out after 200 ms waiting for the response/);
      assert.ok(elapsed >= 190 && elapsed < 2000, `elapsed ${elapsed}`);
      assert.ok(result.timings.totalMs >= 190);
      assert.equal(result.timings.ttfbMs, null);
      assert.equal(result.resolvedIp, '127.0.0.1');
    } finally {
      await impatient.close();
    }
  });

  it('keeps the status when the body stalls past the deadline', async () => {
    const impatient = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, timeoutMs: 200 });
    try {
      const result = asResponse(await impatient.send({ url: `${base}/slow-body`, headers: {}, body: '' }));
      assert.equal(result.status, 200);
      assert.equal(result.body, 'partial');
      assert.equal(result.bodyTruncated, true);
    } finally {
      await impatient.close();
    }
  });

  it('reports a refused connection on a closed port', async () => {
    const probe = createHttpServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const result = asError(await sender.send({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '' }));
    assert.equal(result.error, 'connection');
    assert.equal(result.message, `connection refused (ECONNREFUSED) to 127.0.0.1:${port}`);
    assert.equal(result.resolvedIp, '127.0.0.1');
    assert.equal(result.timings.ttfbMs, null);
  });

  it('reports a name that does not resolve as a DNS error', async () => {
    const result = asError(
      await sender.send({ url: 'http://does-not-exist.invalid/', headers: {}, body: '' }),
    );
    assert.equal(result.error, 'dns');
    assert.match(result.message, /^DNS lookup failed for does-not-exist\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  it('never throws: bad URLs, schemes and headers become results', async () => {
    assert.equal(asError(await sender.send({ url: 'not a url', headers: {}, body: '' })).error, 'blocked');
    assert.equal(
      asError(await sender.send({ url: 'ftp://127.0.0.1/', headers: {}, body: '' })).error,
      'blocked',
    );
    const badHeader = asError(
      await sender.send({ url: `${base}/ok`, headers: { 'bad header': 'x' }, body: '' }),
    );
    assert.equal(badHeader.error, 'other');
    assert.match(badHeader.message, /header/);
  });
});

describe('HttpSender SSRF guard (private networks not allowed)', () => {
  let receiver: Receiver;
  let sender: HttpSender;
  let tlsReceiver: Receiver;
  let certificates: ReturnType<typeof makeCertificates>;

  before(async () => {
    certificates = makeCertificates();
    receiver = await startReceiver((handler) => createHttpServer(handler));
    tlsReceiver = await startReceiver((handler) =>
      createHttpsServer({ key: certificates.key, cert: certificates.cert }, handler),
    );
    sender = new HttpSender({ allowPrivateNetworks: false, userAgent: UA, ca: certificates.ca });
  });

  after(async () => {
    await sender.close();
    await stop(receiver);
    await stop(tlsReceiver);
  });

  it('refuses plain http:// even to a reachable server', async () => {
    const result = asError(
      await sender.send({ url: `http://127.0.0.1:${receiver.port}/ok`, headers: {}, body: '' }),
    );
    assert.equal(result.error, 'blocked');
    assert.match(result.message, /http:\/\/ destinations are not allowed/);
    assert.equal(receiver.connections, 0);
  });

  for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]']) {
    it(`refuses the IP literal https://${host} without connecting`, async () => {
      const result = asError(
        await sender.send({ url: `https://${host}:${tlsReceiver.port}/ok`, headers: {}, body: '' }),
      );
      assert.equal(result.error, 'blocked');
      assert.match(result.message, /not a public address/);
      assert.ok(result.resolvedIp !== null);
      assert.equal(tlsReceiver.connections, 0);
    });
  }

  it('refuses https://localhost at connect time (the name resolves to loopback)', async () => {
    const result = asError(
      await sender.send({ url: `https://localhost:${tlsReceiver.port}/ok`, headers: {}, body: '' }),
    );
    assert.equal(result.error, 'blocked');
    assert.match(
      result.message,
      /refused to connect to localhost \((127\.0\.0\.1|::1)\): not a public address/,
    );
    assert.match(String(result.resolvedIp), /^(127\.0\.0\.1|::1)$/);
    assert.equal(tlsReceiver.connections, 0);
  });
});

describe('HttpSender over https://', () => {
  let receiver: Receiver;
  let certificates: ReturnType<typeof makeCertificates>;

  before(async () => {
    certificates = makeCertificates();
    receiver = await startReceiver((handler) =>
      createHttpsServer({ key: certificates.key, cert: certificates.cert }, handler),
    );
  });

  after(() => stop(receiver));

  it('measures DNS, connect and TLS on the first request and reuses the connection after', async () => {
    const sender = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, ca: certificates.ca });
    try {
      const url = `https://localhost:${receiver.port}/ok`;
      const first = asResponse(await sender.send({ url, headers: {}, body: '{}' }));
      await nextTurn();
      assert.equal(first.status, 200);
      assert.equal(first.body, 'hello');
      assert.equal(first.connectionReused, false);
      assert.match(String(first.resolvedIp), /^(127\.0\.0\.1|::1)$/);
      const { dnsMs, connectMs, tlsMs, ttfbMs, transferMs, totalMs } = first.timings;
      for (const [name, value] of Object.entries({ dnsMs, connectMs, tlsMs, ttfbMs, transferMs })) {
        assert.ok(typeof value === 'number' && value >= 0, `${name} = ${value}`);
      }
      assert.ok(totalMs >= dnsMs! + connectMs! + tlsMs! + ttfbMs! + transferMs! - 0.05);

      const second = asResponse(await sender.send({ url, headers: {}, body: '{}' }));
      assert.equal(second.connectionReused, true);
      assert.equal(second.timings.dnsMs, null);
      assert.equal(second.timings.connectMs, null);
      assert.equal(second.timings.tlsMs, null);
      assert.ok(second.timings.ttfbMs !== null);
      assert.equal(second.resolvedIp, first.resolvedIp);
      assert.equal(receiver.connections, 1);
    } finally {
      await sender.close();
    }
  });

  it('verifies an IP-literal certificate too', async () => {
    const sender = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, ca: certificates.ca });
    try {
      const result = asResponse(
        await sender.send({ url: `https://127.0.0.1:${receiver.port}/ok`, headers: {}, body: '' }),
      );
      assert.equal(result.status, 200);
      assert.equal(result.timings.dnsMs, null);
      assert.ok(result.timings.tlsMs !== null);
    } finally {
      await sender.close();
    }
  });

  it('reports an untrusted certificate as a TLS error', async () => {
    const sender = new HttpSender({ allowPrivateNetworks: true, userAgent: UA });
    try {
      const result = asError(
        await sender.send({ url: `https://localhost:${receiver.port}/ok`, headers: {}, body: '' }),
      );
      assert.equal(result.error, 'tls');
      assert.match(result.message, /^TLS handshake failed: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|[A-Z_]+)\)$/);
      assert.ok(result.timings.connectMs !== null);
    } finally {
      await sender.close();
    }
  });

  it('reports https:// to a plain-http server as a TLS error', async () => {
    const plain = await startReceiver((handler) => createHttpServer(handler));
    const sender = new HttpSender({ allowPrivateNetworks: true, userAgent: UA, ca: certificates.ca });
    try {
      const result = asError(
        await sender.send({ url: `https://127.0.0.1:${plain.port}/ok`, headers: {}, body: '' }),
      );
      assert.equal(result.error, 'tls');
    } finally {
      await sender.close();
      await stop(plain);
    }
  });
});
