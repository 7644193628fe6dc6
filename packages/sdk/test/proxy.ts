import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** What the proxy does with one request. */
export type Action =
  | 'forward'
  /** Forward, let the server commit and answer, then destroy the client's socket: an answer lost in transit. */
  | 'drop-after-forward'
  /** Answer this instead of forwarding. */
  | { status: number; headers?: Record<string, string>; body?: unknown };

/**
 * A real HTTP proxy on loopback in front of the real server, injecting the failures retry logic must
 * survive. `plan` decides per request; every request is recorded.
 */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  plan: (request: SeenRequest) => Action = () => 'forward';
  private server!: Server;
  url = '';

  static async start(upstream: string): Promise<FaultProxy> {
    const proxy = new FaultProxy();
    proxy.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const seen: SeenRequest = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      proxy.seen.push(seen);
      const action = proxy.plan(seen);
      if (typeof action === 'object') {
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(action.body === undefined ? '' : JSON.stringify(action.body));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'connection', 'content-length'].includes(name),
        ),
      ) as Record<string, string>;
      const upstreamResponse = await fetch(upstream + req.url, {
        method: req.method,
        headers,
        ...(seen.body ? { body: seen.body } : {}),
        redirect: 'manual',
      });
      const text = await upstreamResponse.text();
      if (action === 'drop-after-forward') {
        req.socket.destroy();
        return;
      }
      res.writeHead(upstreamResponse.status, Object.fromEntries(upstreamResponse.headers));
      res.end(text);
    });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  requests(method: string, path: string): SeenRequest[] {
    return this.seen.filter((r) => r.method === method && r.url.split('?')[0] === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
