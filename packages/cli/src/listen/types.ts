/** One webhook as the stream and the long-poll carry it (spec §2.15). With ack=1 the body is base64. */
export interface IncomingWebhook {
  message_id: string;
  content_type: string;
  headers: Record<string, string>;
  body?: unknown;
  body_encoding?: 'base64';
  size_bytes: number;
  received_at: string;
  /** Our server's additions (absent from the official one): the ingest's request line, replayed as sent. */
  method?: string;
  path_suffix?: string;
  query?: string;
}

/** The method to forward with: the provider's, or POST when the server did not say. */
export function methodOf(message: IncomingWebhook): string {
  return message.method || 'POST';
}

/**
 * `<target><path suffix>?<query>`: the provider's path suffix goes after the target's path (which holds
 * --path), and its query after any query the target already has; both keep their bytes.
 */
export function forwardUrl(target: string, message: IncomingWebhook): string {
  const suffix = message.path_suffix ?? '';
  const query = message.query ?? '';
  if (!suffix && !query) return target;
  const at = target.indexOf('?');
  const path = at < 0 ? target : target.slice(0, at);
  const own = at < 0 ? '' : target.slice(at + 1);
  const joined = [own, query].filter(Boolean).join('&');
  const base = suffix ? path.replace(/\/+$/, '') + suffix : path;
  return joined ? `${base}?${joined}` : base;
}

/** What hb tells the server after handling a message: with a status when the local app answered. */
export interface Ack {
  message_id: string;
  status_code?: number;
  latency_ms?: number;
}

export interface PollPage {
  messages: IncomingWebhook[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** The long-poll fallback and its acknowledgements, through the SDK. */
export interface PollSource {
  poll(after: string | null, signal: AbortSignal): Promise<PollPage>;
  ack(acks: Ack[]): Promise<void>;
}

/** Decoded body bytes: base64 as sent with ack=1, or an inline JSON value's text (an official-protocol server). */
export function bodyBytes(message: IncomingWebhook): Buffer {
  if (message.body === undefined || message.body === null) return Buffer.alloc(0);
  if (message.body_encoding === 'base64' && typeof message.body === 'string')
    return Buffer.from(message.body, 'base64');
  return Buffer.from(JSON.stringify(message.body));
}
