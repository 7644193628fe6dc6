// Every error class, each produced by the real server (or a real socket) and checked for status, code,
// message, request id, headers and retryAfter.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  APIError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  GoneError,
  HookBridge,
  HookBridgeError,
  IdempotencyError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ReplayLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '@hookbridge/sdk';
import {
  eventually,
  FAST_RETRY,
  Receiver,
  startServerWithSdk,
  storeKinds,
  type TestServer,
} from './helpers.js';

/** Runs `call`, expects `type`, checks the fields every API error carries, and returns the error. */
async function expectApiError<E extends APIError>(
  call: PromiseLike<unknown>,
  type: new (...args: never[]) => E,
  status: number,
  code: string,
): Promise<E> {
  const error = await Promise.resolve(call).then(
    () => assert.fail(`expected ${type.name}`),
    (e: unknown) => e,
  );
  assert.ok(
    error instanceof type,
    `${(error as Error).name} is not ${type.name}: ${(error as Error).message}`,
  );
  assert.ok(error instanceof APIError && error instanceof HookBridgeError);
  assert.equal(error.name, type.name);
  assert.equal(error.status, status);
  assert.equal(error.code, code);
  assert.ok(error.message.length > 0);
  assert.match(error.requestId ?? '', /^req_/);
  assert.ok(error.headers instanceof Headers);
  return error;
}

for (const kind of storeKinds()) {
  describe(`error classes (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    let receiver: Receiver;
    let endpointId: string;

    before(async () => {
      ({ server, hb } = await startServerWithSdk(kind, { HOOKBRIDGE_AUTH_FAILURE_LIMIT: '3' }));
      receiver = await Receiver.start();
      endpointId = (await hb.endpoints.create({ url: `${receiver.url}/hook` })).id;
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
    });

    it('400 ValidationError with the envelope details', async () => {
      const error = await expectApiError(
        hb.endpoints.create({ url: 'ftp://example.com/x' }),
        ValidationError,
        400,
        'INVALID_ENDPOINT',
      );
      assert.match(error.message, /https/);
      await expectApiError(
        hb.send({ endpointId: 'nope', payload: {} }),
        ValidationError,
        400,
        'INVALID_REQUEST',
      );
    });

    it('403 PermissionError: an API key may not create projects', async () => {
      await expectApiError(hb.projects.create({ name: 'x' }), PermissionError, 403, 'FORBIDDEN');
    });

    it('404 NotFoundError', async () => {
      await expectApiError(
        hb.getMessage('0190a5a0-0000-7000-8000-000000000000'),
        NotFoundError,
        404,
        'MESSAGE_NOT_FOUND',
      );
      await expectApiError(
        hb.send({ endpointId: `ep_${'0'.repeat(32)}`, payload: {} }),
        NotFoundError,
        404,
        'ENDPOINT_NOT_FOUND',
      );
    });

    it('409 ConflictError, and IdempotencyError (a ConflictError) for a reused key with another payload', async () => {
      const keys = await hb.endpoints.signingKeys.list(endpointId);
      await expectApiError(
        hb.endpoints.signingKeys.delete(endpointId, keys[0]!.id),
        ConflictError,
        409,
        'CANNOT_DELETE_LAST_SIGNING_KEY',
      );
      await hb.send({ endpointId, payload: { a: 1 }, idempotencyKey: 'same-key' });
      const error = await expectApiError(
        hb.send({ endpointId, payload: { a: 2 }, idempotencyKey: 'same-key' }),
        IdempotencyError,
        409,
        'IDEMPOTENCY_MISMATCH',
      );
      assert.ok(error instanceof ConflictError);
    });

    it('410 GoneError: replaying a message whose payload was not retained', async () => {
      const { messageId } = await hb.send({ endpointId, payload: { gone: true }, retentionHours: 0 });
      await eventually(async () =>
        (await hb.getMessage(messageId)).status === 'succeeded' ? true : undefined,
      );
      const error = await hb.replay(messageId).then(
        () => assert.fail('expected GoneError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof GoneError, String(error));
      assert.equal(error.status, 410);
      assert.match(error.code, /^(RETENTION_EXPIRED|PAYLOAD_UNAVAILABLE)$/);
    });

    it('429 ReplayLimitError (a RateLimitError) after ten replays, not retried', async () => {
      const { messageId } = await hb.send({ endpointId, payload: { replays: true } });
      const succeeded = () =>
        eventually(async () => ((await hb.getMessage(messageId)).status === 'succeeded' ? true : undefined));
      await succeeded();
      for (let i = 0; i < 10; i++) {
        await hb.replay(messageId);
        await succeeded();
      }
      const error = await expectApiError(
        hb.replay(messageId),
        ReplayLimitError,
        429,
        'REPLAY_LIMIT_EXCEEDED',
      );
      assert.ok(error instanceof RateLimitError);
      assert.equal((await hb.getMessage(messageId)).replayCount, 10);
    });

    it('5xx ServerError: hosted billing is not supported by a self-hosted server (501, not retried)', async () => {
      let calls = 0;
      const counting = new HookBridge({
        apiKey: server.apiKey,
        baseUrl: server.url,
        fetch: (url, init) => {
          calls++;
          return fetch(url, init);
        },
      });
      await expectApiError(counting.createCheckout('pro', 'monthly'), ServerError, 501, 'NOT_SUPPORTED');
      assert.equal(calls, 1);
    });

    it('ConnectionError: nothing listens (refused connections are retried, then thrown)', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as { port: number };
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      let calls = 0;
      const nowhere = new HookBridge({
        apiKey: 'hb_live_x',
        baseUrl: `http://127.0.0.1:${port}`,
        retry: FAST_RETRY,
        fetch: (url, init) => {
          calls++;
          return fetch(url, init);
        },
      });
      const error = await nowhere.messages.replay('0190a5a0-0000-7000-8000-000000000000').then(
        () => assert.fail('expected ConnectionError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConnectionError && !(error instanceof TimeoutError));
      assert.equal(error.code, 'CONNECTION_ERROR');
      assert.equal(error.status, null);
      assert.match(error.message, /ECONNREFUSED/);
      assert.equal(calls, 3, 'a refused connection never reached a server, so even a replay is retried');
    });

    it('TimeoutError: a server that accepts and never answers (reads retried, replays not); abort stops at once', async () => {
      // Counts requests that reached it (a socket that received bytes), not connections: the HTTP
      // client may open a spare connection that never carries a request.
      const sockets = new Set<import('node:net').Socket>();
      const all = new Set<import('node:net').Socket>();
      const silent: Server = createServer((socket) => {
        all.add(socket);
        socket.once('data', () => sockets.add(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as { port: number };
      const slow = new HookBridge({
        apiKey: 'hb_live_x',
        baseUrl: `http://127.0.0.1:${port}`,
        timeout: 100,
        retry: FAST_RETRY,
      });
      try {
        const error = await slow.endpoints.list().then(
          () => assert.fail('expected TimeoutError'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof TimeoutError && error instanceof ConnectionError);
        assert.equal(error.code, 'TIMEOUT');
        assert.equal(sockets.size, 3, 'a read is retried after a timeout');
        sockets.clear();
        await assert.rejects(slow.messages.replay('0190a5a0-0000-7000-8000-000000000000'), TimeoutError);
        assert.equal(sockets.size, 1, 'a replay is not: the server may have acted');

        sockets.clear();
        const controller = new AbortController();
        const pending = slow.endpoints.list({}, { signal: controller.signal, timeout: 60_000 });
        setTimeout(() => controller.abort(new Error('caller gave up')), 50);
        await assert.rejects(async () => pending, /caller gave up/);
        assert.equal(sockets.size, 1);
      } finally {
        for (const socket of all) socket.destroy();
        silent.close();
      }
    });

    // Last: it trips the per-address authentication-failure limiter for the rest of this server's life.
    it('401 AuthenticationError, then 429 RateLimitError with retryAfter once failures pile up', async () => {
      const stranger = new HookBridge({
        apiKey: 'hb_live_wrongwrongwrongwrongwrongwrong12',
        baseUrl: server.url,
        maxRetries: 0,
      });
      await expectApiError(stranger.endpoints.list(), AuthenticationError, 401, 'UNAUTHORIZED');
      let limited: RateLimitError | null = null;
      for (let i = 0; i < 5 && !limited; i++) {
        try {
          await stranger.endpoints.list();
        } catch (error) {
          if (error instanceof RateLimitError) limited = error;
          else assert.ok(error instanceof AuthenticationError);
        }
      }
      assert.ok(limited, 'the limiter answered 429');
      assert.equal(limited.code, 'RATE_LIMITED');
      assert.ok(limited.retryAfter !== null && limited.retryAfter > 0);
      assert.equal(limited.headers.get('retry-after'), String(limited.retryAfter));
    });
  });
}
