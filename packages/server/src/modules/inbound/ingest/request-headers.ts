/**
 * The request's headers as the provider sent them: names in their original case (the first spelling
 * seen), repeated headers joined with ", " as HTTP allows. `lookup` finds one by lowercase name.
 */
export function collectHeaders(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  lookup: (lowercaseName: string) => string | undefined;
} {
  const byLower = new Map<string, [string, string]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    const existing = byLower.get(lower);
    byLower.set(lower, existing ? [existing[0], `${existing[1]}, ${value}`] : [name, value]);
  }
  return {
    headers: Object.fromEntries(byLower.values()),
    lookup: (lowercaseName) => byLower.get(lowercaseName)?.[1],
  };
}

/** Headers that carry credentials whatever the endpoint's settings. */
const ALWAYS_SECRET = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
]);

export const REDACTED = '[redacted]';

/**
 * The headers of a refused request for the rejection log, as a JSON string, with the values of credential
 * headers masked: the usual ones plus the endpoint's token and signature headers (`extraSecret`,
 * lowercase). A rejected request may carry a valid secret aimed at the wrong place; it must not be
 * readable from the log.
 */
export function redactHeaders(headers: Record<string, string>, extraSecret: readonly string[]): string {
  const secret = new Set([...ALWAYS_SECRET, ...extraSecret.map((name) => name.toLowerCase())]);
  const masked = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, secret.has(name.toLowerCase()) ? REDACTED : value]),
  );
  return JSON.stringify(masked);
}

/**
 * The headers an accepted message is stored (and so forwarded and streamed) with: the endpoint's static
 * token header, when it has one, keeps its name with the value `[redacted]`. The token is stored only as
 * a hash; a verbatim copy in every message would put it in table dumps, data files and the WAL.
 */
export function storedHeaders(
  headers: Record<string, string>,
  tokenHeaderName: string | null,
): Record<string, string> {
  if (!tokenHeaderName) return headers;
  const secret = tokenHeaderName.toLowerCase();
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, name.toLowerCase() === secret ? REDACTED : value]),
  );
}
