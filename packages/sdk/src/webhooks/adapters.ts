// Framework adapters. They exist to get the *raw* bytes to the verifier, the step most often got wrong:
// a JSON parser that runs first re-serialises the body and no signature matches. Typed structurally, so
// this entry still imports nothing (no express, fastify or next types).
import { WebhookVerificationError } from './errors.js';
import {
  type HeaderSource,
  type VerifiedWebhook,
  type VerifyOptions,
  verify,
  verifyAsync,
} from './verify.js';

export interface AdapterOptions extends VerifyOptions {
  /** The endpoint's signing secret, or several during a rotation. */
  secret: string | string[];
  /** Largest body the Node adapters read, in bytes (default 10 MiB); beyond it node:http answers 413. */
  bodyLimit?: number;
}

/** A Node IncomingMessage, or anything that streams the body the same way. */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  headers: Record<string, string | string[] | undefined>;
  /** Set by body parsers (express.raw, express.json…). */
  body?: unknown;
  readableEnded?: boolean;
}

interface ServerResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** A body over readRawBody's limit; the node:http handler answers 413. */
export class BodyTooLargeError extends RangeError {
  override name = 'BodyTooLargeError';
}

/** Reads a Node request's body to the end, as bytes (at most `limitBytes`, default 10 MiB). */
export async function readRawBody(
  req: AsyncIterable<unknown>,
  limitBytes = 10 * 1024 * 1024,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size > limitBytes) throw new BodyTooLargeError(`Request body over ${limitBytes} bytes`);
    chunks.push(bytes);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * The raw body of a Node request: the bytes a raw body parser left in `req.body`, or the stream itself
 * when nothing has read it. A parsed object in `req.body` means a JSON parser got there first.
 */
async function nodeBody(req: NodeRequestLike, limitBytes?: number): Promise<unknown> {
  const { body } = req;
  if (typeof body === 'string' || ArrayBuffer.isView(body)) return body;
  // Express 4's json() leaves `{}` and the stream unread when the content type did not match it.
  const untouched =
    body === undefined ||
    body === null ||
    (typeof body === 'object' && Object.keys(body).length === 0 && req.readableEnded === false);
  return untouched ? readRawBody(req, limitBytes) : body;
}

/** node:http — verifies an IncomingMessage (reading its body) and returns the delivery. */
export async function verifyNodeRequest<T = unknown>(
  req: NodeRequestLike,
  options: AdapterOptions,
): Promise<VerifiedWebhook<T>> {
  return verify<T>(
    (await nodeBody(req, options.bodyLimit)) as Uint8Array,
    req.headers,
    options.secret,
    options,
  );
}

/** 401 for a delivery that failed verification; 500 when the receiver itself is misconfigured. */
export function refusalStatus(error: WebhookVerificationError): number {
  return error.reason === 'secret_malformed' || error.reason === 'unsupported_runtime' ? 500 : 401;
}

function refuse(res: ServerResponseLike, error: WebhookVerificationError): void {
  res.statusCode = refusalStatus(error);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: { code: error.reason, message: error.message } }));
}

/**
 * node:http — a request listener that verifies, then calls `handler` with the delivery. Refusals answer
 * 401 (500 for a misconfigured secret) with `{"error":{"code":<reason>,"message"}}`.
 */
export function nodeWebhookHandler<Req extends NodeRequestLike, Res extends ServerResponseLike>(
  options: AdapterOptions,
  handler: (webhook: VerifiedWebhook, req: Req, res: Res) => unknown,
): (req: Req, res: Res) => Promise<void> {
  return async (req, res) => {
    let webhook: VerifiedWebhook;
    try {
      webhook = await verifyNodeRequest(req, options);
    } catch (error) {
      if (error instanceof WebhookVerificationError) return refuse(res, error);
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.statusCode = 413;
      res.end();
      return;
    }
    await handler(webhook, req, res);
  };
}

/**
 * Express (4 or 5) middleware: verifies and sets `req.webhook`. Mount it before any body parser on the
 * route, or after `express.raw({ type: '*\/*' })`; after `express.json()` it refuses with body_not_raw.
 */
export function expressWebhook(options: AdapterOptions) {
  return async (
    req: NodeRequestLike & { webhook?: VerifiedWebhook },
    res: ServerResponseLike & { status?: unknown },
    next: (error?: unknown) => void,
  ): Promise<void> => {
    try {
      req.webhook = await verifyNodeRequest(req, options);
      next();
    } catch (error) {
      if (error instanceof WebhookVerificationError) refuse(res, error);
      else next(error);
    }
  };
}

interface FastifyLike {
  addContentTypeParser(
    type: string | string[] | RegExp,
    options: { parseAs: 'buffer'; bodyLimit?: number },
    parser: (request: unknown, body: Uint8Array, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  hasContentTypeParser?(type: string): boolean;
  removeAllContentTypeParsers?(): void;
}

interface FastifyRequestLike {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  webhook?: VerifiedWebhook;
}

interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  send(payload?: unknown): unknown;
}

/**
 * Fastify plugin: in the scope that registers it, every body arrives as a raw Buffer and every route
 * verifies before its handler, which finds the delivery in `request.webhook`. Keep webhook routes in
 * their own scope: `app.register(async (scope) => { scope.register(fastifyWebhook, opts); scope.post(…) })`.
 */
export function fastifyWebhook(
  instance: FastifyLike,
  options: AdapterOptions,
  done?: (error?: Error) => void,
) {
  instance.removeAllContentTypeParsers?.();
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) => next(null, body));
  const decorated = instance as FastifyLike & {
    addHook(
      name: 'preHandler',
      hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>,
    ): void;
  };
  decorated.addHook('preHandler', async (request, reply) => {
    try {
      request.webhook = verify(request.body as Uint8Array, request.headers, options.secret, options);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return reply.code(refusalStatus(error)).send({ error: { code: error.reason, message: error.message } });
    }
    return undefined;
  });
  done?.();
}
// What fastify-plugin sets: the parser and hook apply to the scope that registers the plugin.
Object.defineProperty(fastifyWebhook, Symbol.for('skip-override'), { value: true });

/** Fetch-API runtimes (Next.js route handlers, Bun, Deno, Workers): verifies a Request with Web Crypto. */
export async function verifyRequest<T = unknown>(
  request: { headers: HeaderSource; arrayBuffer(): Promise<ArrayBuffer> },
  options: AdapterOptions,
): Promise<VerifiedWebhook<T>> {
  const body = new Uint8Array(await request.arrayBuffer());
  return verifyAsync<T>(body, request.headers, options.secret, options);
}

/**
 * Next.js App Router: `export const POST = nextWebhookHandler({ secret }, async (webhook) => Response.json({ ok: true }))`.
 * Refusals answer 401 (500 for a misconfigured secret) with `{"error":{"code":<reason>,"message"}}`.
 */
export function nextWebhookHandler<
  Req extends { headers: HeaderSource; arrayBuffer(): Promise<ArrayBuffer> },
>(
  options: AdapterOptions,
  handler: (webhook: VerifiedWebhook, request: Req) => Response | Promise<Response>,
): (request: Req) => Promise<Response> {
  return async (request) => {
    let webhook: VerifiedWebhook;
    try {
      webhook = await verifyRequest(request, options);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return new Response(JSON.stringify({ error: { code: error.reason, message: error.message } }), {
        status: refusalStatus(error),
        headers: { 'content-type': 'application/json' },
      });
    }
    return handler(webhook, request);
  };
}
