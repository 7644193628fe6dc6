/** Response headers and body as the attempt log keeps them. */

/** Lowercase names (as undici gives them); repeated headers joined with ', '. */
export function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  for (const name in headers) {
    if (typeof headers[name] !== 'string') return joinHeaderValues(headers);
  }
  return headers as Record<string, string>;
}

function joinHeaderValues(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** The first `length` bytes of the captured chunks as UTF-8; a cut body ends on a character boundary. */
export function decodeBody(chunks: Buffer[], length: number, truncated: boolean): string {
  if (length === 0) return '';
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  return bytes.toString('utf8', 0, truncated ? utf8Boundary(bytes, length) : length);
}

/** End offset that does not split a multi-byte UTF-8 sequence at the cut. */
function utf8Boundary(bytes: Buffer, end: number): number {
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + needed > end ? i : end;
  }
  return end;
}
