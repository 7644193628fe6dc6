import type { Delivery } from '../api/types';

/** One shell word: single quotes, each `'` closed, escaped and reopened, so nothing in it expands. */
export const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/** curl works these out itself from the URL and the body. */
const COMPUTED = new Set(['content-length', 'host', 'transfer-encoding', 'connection']);

/** The body as text when it is valid UTF-8 without NUL (a shell word can carry it), else undefined. */
function textOf(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The delivery as a curl command that makes the same request: the URL, the headers the server signed
 * just now (fresh timestamp, the endpoint's current keys) and the stored body byte for byte. A text body
 * goes in `--data-raw` (no `@file` reading); any other body is piped in from base64. A cli-mode inbound
 * endpoint has no URL: the command then asks for `$URL`.
 */
export function curlFor(delivery: Delivery): string {
  const url = delivery.url
    ? quote(delivery.url)
    : // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
      '"${URL:?set URL to your local receiver}"';
  const parts = [`curl -X POST ${url}`];
  for (const [name, value] of Object.entries(delivery.headers)) {
    if (COMPUTED.has(name.toLowerCase())) continue;
    // `-H 'Name:'` would remove the header; `Name;` sends it empty.
    parts.push(`-H ${quote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  const bytes = Uint8Array.from(atob(delivery.body), (c) => c.charCodeAt(0));
  const text = textOf(bytes);
  if (text !== undefined) {
    parts.push(`--data-raw ${quote(text)}`);
    return parts.join(' \\\n  ');
  }
  parts.push('--data-binary @-');
  return `printf %s ${quote(delivery.body)} | base64 -d | ${parts.join(' \\\n  ')}`;
}
