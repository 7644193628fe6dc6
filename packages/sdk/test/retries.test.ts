// Retries and idempotency through a fault-injecting proxy in front of the real server.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  ConnectionError,
  HookBridge,
  RateLimitError,
  ServerError,
  USER_AGENT,
  VERSION,
} from '@hookbridge/sdk';
import { FAST_RETRY, Receiver, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';
import { FaultProxy } from './proxy.js';

for (const kind of storeKinds()) {
  describe(`retries and idempotency (${kind})`, () => {
    let server: TestServer;
    let direct: HookBridge;
    let proxy: FaultProxy;
    let hb: HookBridge;
    let receiver: Receiver;
    let endpointId: string;

    before(async () => {
      ({ server, hb: direct } = await startServerWithSdk(kind));
      proxy = await FaultProxy.start(server.url);
      hb = new HookBridge({ apiKey: server.apiKey, baseUrl: proxy.url, retry: FAST_RETRY });
      receiver = await Receiver.start();
      endpointId = (await direct.endpoints.create({ url: `${receiver.url}/hook` })).id;
    });
    beforeEach(() => {
      proxy.seen.length = 0;
      proxy.plan = () => 'forward';
    });
    after(async () => {
      await proxy?.close();
      await receiver?.close();
      await server?.close();
    });

    it('a send whose answer is lost after the server committed is retried with the same key: one message', async () => {
      let dropped = 0;
      proxy.plan = (r) =>
        r.url === '/v1/webhooks/send' && dropped++ === 0 ? 'drop-after-forward' : 'forward';
      const before = (await direct.logs.list({ endpoint_id: endpointId, limit: 500 })).data.length;
      const result = await hb.send({ endpointId, payload: { order: 1 } });

      const sends = proxy.requests('POST', '/v1/webhooks/send');
      assert.equal(sends.length, 2, 'the lost answer was retried once');
      const keys = sends.map((r) => JSON.parse(r.body).idempotency_key);
      assert.equal(keys[0], keys[1], 'the retry carries the generated key of the first try');
      assert.match(keys[0], /^sdk_[0-9a-f-]{36}$/);
      const logs = (await direct.logs.list({ endpoint_id: endpointId, limit: 500 })).data;
      assert.equal(logs.length, before + 1, 'the server holds exactly one new message');
      assert.equal(logs[0]!.message_id, result.messageId);
      await receiver.waitFor(1, '/hook');
    });

    it('a replay whose answer is lost is not retried: ConnectionError, and the replay counted once', async () => {
      const { message_id } = await direct.webhooks.send({ endpoint_id: endpointId, payload: { order: 2 } });
      await receiver.waitFor(2, '/hook');
      await waitSucceeded(direct, message_id);
      proxy.plan = (r) => (r.url.endsWith('/replay') ? 'drop-after-forward' : 'forward');
      await assert.rejects(hb.messages.replay(message_id), (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.equal(error.code, 'CONNECTION_ERROR');
        assert.equal(error.status, null);
        return true;
      });
      assert.equal(proxy.requests('POST', `/v1/messages/${message_id}/replay`).length, 1);
      await receiver.waitFor(3, '/hook');
      assert.equal((await waitSucceeded(direct, message_id)).replay_count, 1);
    });

    it('a replay answered 429 is retried (the server did nothing), one answered 500 is not', async () => {
      const { message_id } = await direct.webhooks.send({ endpoint_id: endpointId, payload: { order: 3 } });
      await waitSucceeded(direct, message_id);
      let limited = 0;
      proxy.plan = (r) =>
        r.url.endsWith('/replay') && limited++ === 0
          ? {
              status: 429,
              headers: { 'retry-after': '0' },
              body: { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow' } },
            }
          : 'forward';
      await hb.replay(message_id);
      assert.equal(proxy.requests('POST', `/v1/messages/${message_id}/replay`).length, 2);
      await waitSucceeded(direct, message_id);

      proxy.seen.length = 0;
      proxy.plan = (r) =>
        r.url.endsWith('/replay')
          ? { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'boom' } } }
          : 'forward';
      await assert.rejects(hb.replay(message_id), ServerError);
      assert.equal(proxy.requests('POST', `/v1/messages/${message_id}/replay`).length, 1);
    });

    it('reads are retried on 5xx up to maxRetries, then the last error is thrown', async () => {
      proxy.plan = (r) =>
        r.url.startsWith('/v1/endpoints')
          ? { status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'db' } } }
          : 'forward';
      await assert.rejects(hb.endpoints.get(endpointId), (error: unknown) => {
        assert.ok(error instanceof ServerError);
        assert.equal(error.code, 'SERVICE_UNAVAILABLE');
        return true;
      });
      assert.equal(
        proxy.requests('GET', `/v1/endpoints/${endpointId}`).length,
        3,
        'one try and the default 2 retries',
      );

      proxy.seen.length = 0;
      await assert.rejects(hb.endpoints.get(endpointId, { maxRetries: 0 }), ServerError);
      assert.equal(proxy.requests('GET', `/v1/endpoints/${endpointId}`).length, 1, 'maxRetries per call');
    });

    it('Retry-After is waited for before the retry', async () => {
      let limited = 0;
      proxy.plan = (r) =>
        r.url.startsWith('/v1/endpoints/') && limited++ === 0
          ? {
              status: 429,
              headers: { 'retry-after': '1' },
              body: { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow' } },
            }
          : 'forward';
      const endpoint = await hb.endpoints.get(endpointId);
      assert.equal(endpoint.id, endpointId);
      const [first, second] = proxy.requests('GET', `/v1/endpoints/${endpointId}`);
      // A lower bound only (timers may round by a millisecond or so), never an upper one.
      assert.ok(second!.at - first!.at >= 990, `retried after ${second!.at - first!.at} ms`);
    });

    it('a Retry-After beyond the cap is not waited for: RateLimitError carries it', async () => {
      proxy.plan = () => ({
        status: 429,
        headers: { 'retry-after': '3600' },
        body: { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow' } },
      });
      await assert.rejects(hb.endpoints.get(endpointId), (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.retryAfter, 3600);
        return true;
      });
      assert.equal(proxy.seen.length, 1);
    });

    it('send goes to sendUrl, everything else to baseUrl', async () => {
      const split = new HookBridge({ apiKey: server.apiKey, baseUrl: server.url, sendUrl: proxy.url });
      const { messageId } = await split.send({ endpointId, payload: { host: 'send' } });
      await split.getMessage(messageId);
      assert.deepEqual(
        proxy.seen.map((r) => `${r.method} ${r.url}`),
        ['POST /v1/webhooks/send'],
      );
    });

    it('sends the SDK user agent, JSON headers and the bearer key', async () => {
      await hb.endpoints.list();
      const [request] = proxy.seen;
      assert.equal(request!.headers['user-agent'], USER_AGENT);
      assert.ok(USER_AGENT.startsWith(`hookbridge-sdk-typescript/${VERSION} `));
      assert.match(request!.headers['user-agent']!, / node\/\d+\.\d+\.\d+$/);
      assert.equal(request!.headers.authorization, `Bearer ${server.apiKey}`);
      assert.equal(request!.headers.accept, 'application/json');
    });
  });
}

async function waitSucceeded(hb: HookBridge, id: string) {
  for (let i = 0; i < 300; i++) {
    const message = await hb.messages.get(id);
    if (message.status === 'succeeded') return message;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`message ${id} did not succeed`);
}
