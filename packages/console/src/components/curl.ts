import type { Attempt, Payload } from '../api/types';

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * The delivery as a curl command: the URL, the headers the attempt sent and the stored body. The attempt
 * log masks the signature, so the command carries the masked value; re-signing needs the endpoint secret.
 */
export function curlFor(url: string, payload: Payload | undefined, attempt: Attempt | undefined): string {
  const parts = [`curl -X POST ${quote(url)}`];
  const headers = attempt?.request_headers ?? { 'content-type': payload?.content_type ?? 'application/json' };
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'host') continue;
    parts.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  if (payload) {
    parts.push(
      payload.body_encoding === 'utf8'
        ? `--data-binary ${quote(payload.body)}`
        : '--data-binary @payload.bin',
    );
  }
  return parts.join(' \\\n  ');
}
