import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificates } from './tls.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

export type Responder = (request: ReceivedRequest, res: ServerResponse) => void;

/** A real webhook receiver on loopback that records every request and answers as each test scripts. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly responders = new Map<string, Responder[]>();
  private fallback: Responder = (_req, res) => res.writeHead(200).end('ok');
  private waiters: Array<() => void> = [];
  private server!: Server;
  url = '';

  static async start(tls?: TestCertificates): Promise<Receiver> {
    const receiver = new Receiver();
    const handler = (req: IncomingMessage, res: ServerResponse) => receiver.handle(req, res);
    receiver.server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
      : createHttpServer(handler);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `${tls ? 'https' : 'http'}://${tls ? 'localhost' : '127.0.0.1'}:${port}`;
    return receiver;
  }

  /** The next requests to `path` get these answers, in order; after them, the default (200). */
  respond(path: string, ...responders: Responder[]): void {
    this.responders.set(path, [...(this.responders.get(path) ?? []), ...responders]);
  }

  setDefault(responder: Responder): void {
    this.fallback = responder;
  }

  for(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async waitFor(count: number, path?: string, timeoutMs = 15_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = path ? this.for(path) : this.requests;
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`expected ${count} requests${path ? ` to ${path}` : ''}, got ${matching.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      this.requests.push(received);
      (this.responders.get(received.path)?.shift() ?? this.fallback)(received, res);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }
}

export const status =
  (code: number, headers: Record<string, string> = {}, body = ''): Responder =>
  (_req, res) =>
    res.writeHead(code, headers).end(body);

/** Never answers (until the connection is closed): for timeouts. */
export const hang: Responder = () => {};
