import websocket from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS } from '../../../http/envelope.js';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import type { Services } from '../../../services.js';
import { ENDPOINT_GONE } from './channel.js';
import { webhookFrame } from './frames.js';
import {
  answerHandshakeErrorsInEnvelope,
  onListenerSocketError,
  rememberRequestId,
} from './socket-errors.js';
import type { StreamHub } from './hub.js';
import type { ListenService } from './service.js';
import type { StreamMessage } from './store.js';

const BACKLOG_PAGE = 100;
/** A backlog page holds at most this much payload (and at least one message). */
const BACKLOG_PAGE_BYTES = 1024 * 1024;
/** Ids remembered to drop a message met twice where the backlog hands over to live notifications. */
const SENT_MEMORY = 5000;
/**
 * Payload bytes of live messages a listener may have waiting in memory (notified during its backlog, or
 * not yet written to a slow socket). Past it, new ones are left in the store, where they wait anyway
 * until a listener reports on them, and are read again once the listener has caught up.
 */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Listeners only ever send small delivery_result frames. */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

interface Scope {
  projectId: string;
  endpointId: string;
  /** `ack=1`: a client that acknowledges every message (hb); it is sent a hello frame first. */
  acks: boolean;
  /** `after`: the client's resume point, the last message it handled. */
  resumeAfter: string | null;
  /** An ephemeral endpoint's end: its listeners are closed then (EXPIRED_CLOSE). */
  expiresAt: Date | null;
}

/** How a listener of an ephemeral endpoint is closed at its expiry (4000–4999: for applications). */
export const EXPIRED_CLOSE = { code: 4410, reason: 'endpoint expired' } as const;

/**
 * `GET /v1/listen?endpoint_id=…` upgraded to a WebSocket (the hb CLI's stream). The API key and the
 * endpoint are checked before the upgrade, so a refusal is a plain HTTP answer. `/v1/listen/v1/listen`
 * is served too: the hb CLI builds its URL by appending `/v1/listen` to a stream URL that already ends so.
 */
export function listenSocketRoutes({
  listen,
  streamHub: hub,
  pingMs,
}: Pick<Services, 'listen' | 'streamHub'> & { pingMs: number }): FastifyPluginAsync {
  const scopes = new WeakMap<FastifyRequest, Scope>();
  return async (app) => {
    await app.register(websocket, {
      options: { maxPayload: MAX_CLIENT_FRAME_BYTES },
      // 1001 "going away" tells a listener the server is stopping (the default closed with no code).
      preClose(done) {
        for (const client of this.websocketServer.clients) client.close(1001, 'server shutting down');
        this.websocketServer.close();
        done();
      },
      errorHandler: onListenerSocketError,
    });
    answerHandshakeErrorsInEnvelope(app.websocketServer);
    for (const path of ['/v1/listen', '/v1/listen/v1/listen']) {
      app.route<{ Querystring: { endpoint_id?: string; ack?: string; after?: string } }>({
        method: 'GET',
        url: path,
        schema: {
          // The second path only exists for the hb CLI's URL building; document the first.
          hide: path !== '/v1/listen',
          tags: ['Inbound endpoints'],
          summary: "Stream a cli-mode endpoint's messages over a WebSocket (the hb CLI listener)",
          description:
            'A GET with `Upgrade: websocket`. After 101 Switching Protocols the server sends the messages ' +
            'not yet handed over, oldest first, then live ones, as `{"type":"webhook",…}` text frames, and ' +
            '`{"type":"ping"}` periodically; the client answers each webhook with ' +
            '`{"type":"delivery_result","message_id","status_code","latency_ms"}`. A refusal (key, endpoint) is ' +
            'a plain HTTP error before the upgrade. A replayed message is sent again, also to a listener ' +
            'that already had it. On shutdown the server closes listeners with 1001 (going away); at an ' +
            'ephemeral endpoint\'s expires_at, with 4410 "endpoint expired". Optional, for ' +
            'clients that acknowledge (hb): `ack=1` sends `{"type":"hello","ping_ms","backlog"}` first and every ' +
            'body base64; `{"type":"ack","message_id"}` hands a message over without a result; ' +
            '`after=<message id>` (resume point) also sends every message after it that another listener took.',
          querystring: Type.Object({
            endpoint_id: Type.Optional(Type.String({ description: 'cli-mode inbound endpoint id' })),
            ack: Type.Optional(
              Type.String({ description: '1: the client acknowledges; send a hello frame' }),
            ),
            after: Type.Optional(Type.String({ description: 'resume point: the last message id handled' })),
          }),
          response: { ...COMMON_ERRORS, 404: Type.Ref('ErrorEnvelope') },
        },
        preHandler: async (request) => {
          const projectId = projectIdOf(request);
          const endpoint = await listen.cliEndpoint(projectId, request.query.endpoint_id);
          const { after, ack } = request.query;
          if (after !== undefined && !isUuid(after))
            throw new AppError('INVALID_REQUEST', 'after must be a message id');
          scopes.set(request, {
            projectId,
            endpointId: endpoint.id,
            acks: ack === '1',
            resumeAfter: after?.toLowerCase() ?? null,
            expiresAt: endpoint.expires_at,
          });
          rememberRequestId(request);
        },
        // A GET that does not ask for the upgrade: say what is missing.
        handler: async () => {
          throw new AppError(
            'INVALID_REQUEST',
            'This endpoint is a WebSocket: send the GET with Upgrade: websocket',
          );
        },
        wsHandler: (socket, request) => {
          const scope = scopes.get(request)!;
          const log = request.log.child({ inbound_endpoint_id: scope.endpointId });
          void new ListenSession(socket, scope, listen, hub, log).start(pingMs);
        },
      });
    }
  };
}

/** One connected listener: backlog first, oldest first, then live messages, without gaps or repeats. */
class ListenSession {
  private live = false;
  private early: Array<StreamMessage | null> = [];
  /** `id#replay_count` of what was sent: a replay of a message sent before is a new delivery. */
  private readonly sent = new Set<string>();
  private lastId: string | null = null;
  private closed = false;
  private unsubscribe: (() => void) | null = null;
  private ping: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  /** Frames are written one at a time, each after the previous one has reached the kernel. */
  private writes: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  /** Live messages were left in the store while the queue was full: read them again once it empties. */
  private behind = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly scope: Scope,
    private readonly listen: ListenService,
    private readonly hub: StreamHub,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(pingMs: number): Promise<void> {
    this.socket.on('close', () => this.stop());
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary) void this.onClientFrame(data.toString());
    });
    this.ping = setInterval(() => this.write(() => '{"type":"ping"}'), pingMs);
    this.ping.unref();
    const { expiresAt } = this.scope;
    // The sweep also closes them (ENDPOINT_GONE), from any process, but may run long after expires_at.
    if (expiresAt)
      this.expiry = setTimeout(() => this.expire(), Math.min(expiresAt.getTime() - Date.now(), 2 ** 31 - 1));
    try {
      // Subscribed before the backlog is read: whatever commits from now on is either in the backlog or
      // notified (or both, and then sent once).
      this.unsubscribe = await this.hub.subscribe(this.scope.endpointId, (message) => this.onHub(message));
      if (this.closed) return this.unsubscribe();
      if (this.scope.acks) {
        const backlog = await this.listen.countBacklog(this.scope.endpointId, this.scope.resumeAfter);
        await this.write(() => JSON.stringify({ type: 'hello', ping_ms: pingMs, backlog }));
      }
      await this.sendNotHandedOver();
      const early = this.early;
      this.early = [];
      this.live = true;
      for (const message of early) {
        this.queuedBytes -= sizeOf(message);
        this.onHub(message);
      }
      this.catchUpIfDrained();
    } catch (error) {
      this.log.error({ err: error }, 'listener backlog failed');
      this.socket.close(1011, 'internal error');
    }
  }

  private expire(): void {
    if (!this.closed) this.socket.close(EXPIRED_CLOSE.code, EXPIRED_CLOSE.reason);
  }

  private onHub(message: StreamMessage | null | typeof ENDPOINT_GONE): void {
    if (this.closed) return;
    if (message === ENDPOINT_GONE) {
      this.expire();
      return;
    }
    if (message && this.queuedBytes >= MAX_QUEUED_BYTES) {
      this.behind = true;
      return;
    }
    if (!this.live) {
      this.queuedBytes += sizeOf(message);
      this.early.push(message);
      return;
    }
    if (message) this.send(message);
    else
      void this.sendNotHandedOver().catch((error) =>
        this.log.error({ err: error }, 'listener re-read failed'),
      );
  }

  /**
   * Everything not yet handed over after the last message sent, in pages (by count and by bytes), each
   * message written before the next is built: a backlog of large bodies never holds the event loop, and
   * a slow listener is read from no faster than it takes them.
   */
  private async sendNotHandedOver(): Promise<void> {
    let after = this.live ? this.lastId : null;
    for (;;) {
      const { endpointId, resumeAfter } = this.scope;
      const page = resumeAfter
        ? await this.listen.loadResumeBacklog(
            endpointId,
            resumeAfter,
            after,
            BACKLOG_PAGE,
            BACKLOG_PAGE_BYTES,
          )
        : await this.listen.loadNotHandedOver(endpointId, after, BACKLOG_PAGE, BACKLOG_PAGE_BYTES);
      for (const message of page) await this.send(message);
      if (page.length === 0 || this.closed) return;
      after = page.at(-1)!.id;
    }
  }

  private send(message: StreamMessage): Promise<void> {
    const key = `${message.id}#${message.replay_count}`;
    if (this.sent.has(key)) return Promise.resolve();
    this.sent.add(key);
    if (this.sent.size > SENT_MEMORY) this.sent.delete(this.sent.values().next().value!);
    if (!this.lastId || message.id > this.lastId) this.lastId = message.id;
    const bytes = sizeOf(message);
    this.queuedBytes += bytes;
    return this.write(() => webhookFrame(message, true, this.scope.acks)).then(() => {
      this.queuedBytes -= bytes;
      this.catchUpIfDrained();
    });
  }

  private catchUpIfDrained(): void {
    if (!this.behind || !this.live || this.queuedBytes > 0 || this.closed) return;
    this.behind = false;
    void this.sendNotHandedOver().catch((error) => this.log.error({ err: error }, 'listener re-read failed'));
  }

  /**
   * Queues a frame behind those not yet written; it is built only when its turn comes. ws calls back
   * once the frame is handed to the kernel, so the socket's buffered amount never grows past one frame.
   */
  private write(frame: () => string): Promise<void> {
    const written = this.writes
      .then(() => {
        if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
        // Resumed from setImmediate: a write that completes at once calls back on the same turn, and on
        // the embedded store (no network I/O) the whole backlog would then run without other requests
        // getting the event loop.
        return new Promise<void>((resolve) => this.socket.send(frame(), () => setImmediate(resolve)));
      })
      // One frame that cannot be built must not stop the ones behind it.
      .catch((error) => this.log.warn({ err: error }, 'listener frame not sent'));
    this.writes = written;
    return written;
  }

  private async onClientFrame(text: string): Promise<void> {
    let frame: { type?: unknown; message_id?: unknown; status_code?: unknown; latency_ms?: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const { type, message_id: id, status_code: status, latency_ms: latency } = frame ?? {};
    if (typeof id !== 'string' || !isUuid(id)) return;
    if (type === 'ack') {
      await this.listen
        .acknowledge(this.scope.endpointId, [id.toLowerCase()])
        .catch((error) => this.log.error({ err: error }, 'could not record an ack'));
      return;
    }
    if (type !== 'delivery_result') return;
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) return;
    const latencyMs = Number.isFinite(latency)
      ? Math.min(Math.max(Math.round(latency as number), 0), 2 ** 31 - 1)
      : 0;
    try {
      await this.listen.recordDeliveryResult(this.scope, {
        messageId: id.toLowerCase(),
        status: status as number,
        latencyMs,
      });
    } catch (error) {
      this.log.error({ err: error }, 'could not record a delivery_result');
    }
  }

  private stop(): void {
    this.closed = true;
    if (this.ping) clearInterval(this.ping);
    if (this.expiry) clearTimeout(this.expiry);
    this.unsubscribe?.();
  }
}

function sizeOf(message: StreamMessage | null): number {
  return message?.payload?.length ?? 0;
}
