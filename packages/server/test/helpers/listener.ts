import WebSocket from 'ws';
import type { ErrorEnvelope, ResponseData } from './http.js';

/** A message frame: a polled row (GET …/listen) with its type (frames.ts writes both). */
export type WebhookFrame = ResponseData<'/v1/inbound-endpoints/{id}/listen', 'get'>[number] & {
  type: 'webhook';
};
/** What the server sends a listener: `hello` first when the client asked with ack=1, then messages and pings. */
export type ListenerFrame =
  | { type: 'hello'; ping_ms: number; backlog: number }
  | { type: 'ping' }
  | WebhookFrame;
type FrameOf<T extends ListenerFrame['type']> = Extract<ListenerFrame, { type: T }>;

/** A real WebSocket client speaking the hb CLI's protocol, collecting the frames it receives. */
export class TestListener {
  readonly frames: ListenerFrame[] = [];
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
  static refusal(
    baseUrl: string,
    key: string | null,
    query: string,
  ): Promise<{ status: number; body: ErrorEnvelope }> {
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

  webhooks(): WebhookFrame[] {
    return this.frames.filter((frame): frame is WebhookFrame => frame.type === 'webhook');
  }

  /** The frame at `index`, which must be a message. */
  webhookAt(index: number): WebhookFrame {
    const frame = this.frames[index];
    if (frame?.type !== 'webhook')
      throw new Error(`frame ${index} is not a webhook: ${JSON.stringify(frame)}`);
    return frame;
  }

  /** At least `count` (one or more) frames of `type`, in the order they came. */
  async waitFor<T extends ListenerFrame['type'] = 'webhook'>(
    count: number,
    type: T = 'webhook' as T,
    timeoutMs = 10_000,
  ): Promise<[FrameOf<T>, ...FrameOf<T>[]]> {
    if (count < 1) throw new Error('waitFor needs a count of at least 1');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.frames.filter((frame): frame is FrameOf<T> => frame.type === type);
      if (matching.length >= count) return matching as [FrameOf<T>, ...FrameOf<T>[]];
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
