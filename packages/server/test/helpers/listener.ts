import WebSocket from 'ws';

/** A real WebSocket client speaking the hb CLI's protocol, collecting the frames it receives. */
export class TestListener {
  readonly frames: any[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  static connect(
    baseUrl: string,
    key: string,
    endpointId: string,
    path = '/v1/listen',
    query = '',
  ): Promise<TestListener> {
    const url = `${baseUrl.replace(/^http/, 'ws')}${path}?endpoint_id=${endpointId}${query ? `&${query}` : ''}`;
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${key}` },
      handshakeTimeout: 10_000,
    });
    return new Promise((resolve, reject) => {
      const listener = new TestListener(socket);
      socket.once('open', () => resolve(listener));
      socket.once('error', reject);
    });
  }

  /** The HTTP status a refused upgrade answered with. */
  static refusal(baseUrl: string, key: string | null, query: string): Promise<{ status: number; body: any }> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/listen${query}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      socket.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      socket.once('error', () => {});
    });
  }

  webhooks(): any[] {
    return this.frames.filter((frame) => frame.type === 'webhook');
  }

  async waitFor(count: number, type = 'webhook', timeoutMs = 10_000): Promise<any[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.frames.filter((frame) => frame.type === type);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} ${type} frames, got ${matching.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
    });
  }
}
