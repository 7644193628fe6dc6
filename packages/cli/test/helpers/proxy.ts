import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback between hb and the server, to break the network in the ways that lose webhooks
 * elsewhere: `down` cuts every connection and refuses new ones; `blackhole` keeps the open connections
 * but silently drops their bytes both ways (a half-open socket: nobody is told), while new ones pass.
 */
export class FaultyProxy {
  private server!: Server;
  private mode: 'pass' | 'down' = 'pass';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(targetUrl: string): Promise<FaultyProxy> {
    const url = new URL(targetUrl);
    const proxy = new FaultyProxy({ host: url.hostname, port: Number(url.port) });
    proxy.server = createServer((client) => proxy.accept(client));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket): void {
    if (this.mode === 'down') {
      client.destroy();
      return;
    }
    const upstream = new (client.constructor as typeof Socket)();
    const pair = { client, upstream, dead: false };
    this.pairs.add(pair);
    const forget = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      if (!pair.dead) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.dead) client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', forget);
      socket.on('close', () => {
        // A half-open pair stays open on the other side: that is the point of the blackhole.
        if (!pair.dead) forget();
      });
    }
    upstream.connect(this.target.port, this.target.host);
  }

  down(): void {
    this.mode = 'down';
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  up(): void {
    this.mode = 'pass';
  }

  /** Every connection open now goes silent; it is never closed by the proxy. */
  blackhole(): void {
    for (const pair of this.pairs) pair.dead = true;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
