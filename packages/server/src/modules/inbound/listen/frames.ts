import { NOT_FORWARDED } from '../../../delivery/delivery-headers.js';
import { toRfc3339 } from '../../../lib/time.js';
import type { StreamMessage } from './store.js';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON body to put inline, as its exact original text: the hb CLI forwards the `body` value's raw bytes,
 * so anything short of the original text would break signature checks in the developer's app. Bodies
 * that are not JSON, not valid UTF-8, or whose text a JSON parser would not reproduce exactly (surrounding
 * whitespace) go base64 instead.
 */
function inlineJson(message: StreamMessage): string | null {
  if (!message.payload || !JSON_TYPE.test(message.content_type ?? '')) return null;
  let text: string;
  try {
    text = utf8.decode(message.payload);
    JSON.parse(text);
  } catch {
    return null;
  }
  return text !== '' && text.trim() === text ? text : null;
}

/**
 * The headers the CLI sets on its local forward: those of the provider's request, minus the ones that
 * described its hop (Connection, TE, Expect, …), as forward mode drops them too.
 */
function forwardedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !NOT_FORWARDED.has(name.toLowerCase())),
  );
}

/**
 * One message as the CLI protocol shows it (spec §2.15), serialised by hand so an inline JSON body keeps
 * its bytes: `{"type":"webhook", message_id, content_type, headers, body, body_encoding?, size_bytes,
 * received_at, method, path_suffix, query}` (the last three ours, ignored by the official CLI). Polling rows are the same without `type`. `body` is absent when the payload is gone.
 * `base64` (clients asking with ack=1) encodes every body, so no JSON parser on the way can alter its bytes.
 */
export function webhookFrame(message: StreamMessage, withType = true, base64 = false): string {
  const head = JSON.stringify({
    ...(withType ? { type: 'webhook' } : {}),
    message_id: message.id,
    content_type: message.content_type ?? '',
    headers: forwardedHeaders(message.headers),
  });
  const tail = JSON.stringify({
    size_bytes: message.size_bytes,
    received_at: toRfc3339(message.created_at),
    // Extra fields (the official CLI ignores unknown ones): the request line hb listen replays.
    method: message.request_method ?? 'POST',
    path_suffix: message.path_suffix ?? '',
    query: message.query_string ?? '',
  });
  let body = '';
  if (message.payload) {
    const inline = base64 ? null : inlineJson(message);
    body = inline
      ? `,"body":${inline}`
      : `,"body":${JSON.stringify(Buffer.from(message.payload).toString('base64'))},"body_encoding":"base64"`;
  }
  return `${head.slice(0, -1)}${body},${tail.slice(1)}`;
}
