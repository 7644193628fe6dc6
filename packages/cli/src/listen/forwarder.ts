import { Agent, request } from 'undici';
import { bodyBytes, forwardUrl, type IncomingWebhook, methodOf } from './types.js';

const TIMEOUT_MS = 30_000;
/** Never forwarded: they describe the hop from the provider, not the webhook (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

export interface ForwardResult {
  statusCode?: number;
  latencyMs?: number;
  error?: string;
  request: { method: string; url: string; headers: Record<string, string>; body: Buffer };
  response?: { headers: Record<string, string | string[]>; body: Buffer };
}

/** `user:pass@host` → `user:***@host`, as the official CLI shows targets in errors. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Sends each webhook with the provider's method, path suffix and query, and its exact bytes, content type and headers to the local app. */
export class Forwarder {
  private readonly agent: Agent;

  constructor(
    readonly target: string,
    private readonly extraHeaders: Record<string, string>,
    concurrency: number,
    private readonly keepResponse: boolean,
  ) {
    this.agent = new Agent({ connections: concurrency, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  }

  async forward(message: IncomingWebhook): Promise<ForwardResult> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    if (message.content_type) headers['content-type'] = message.content_type;
    for (const [name, value] of Object.entries(this.extraHeaders)) headers[name.toLowerCase()] = value;
    const body = bodyBytes(message);
    const method = methodOf(message);
    const url = forwardUrl(this.target, message);
    const sent = { method, url, headers, body };
    const started = performance.now();
    try {
      const response = await request(url, {
        method: method as 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      let responseBody = Buffer.alloc(0);
      if (this.keepResponse) responseBody = Buffer.from(await response.body.arrayBuffer());
      else await response.body.dump();
      return {
        statusCode: response.statusCode,
        latencyMs: Math.round(performance.now() - started),
        request: sent,
        response: { headers: response.headers as Record<string, string | string[]>, body: responseBody },
      };
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      return {
        latencyMs: Math.round(performance.now() - started),
        error: `connection refused or timeout: ${method} ${maskUrl(url)}: ${reason}`,
        request: sent,
      };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
