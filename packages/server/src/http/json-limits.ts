/**
 * Limits every JSON request body meets before and after it is parsed. Both walks are loops, not
 * recursion: a hostile body must not be able to exhaust the call stack anywhere.
 */

/** Arrays and objects nested deeper than this are refused (JSON.stringify overflows the stack near 5,000). */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[` and `{` in a JSON text, outside strings, stopping as soon as it passes
 * `limit`. Scanned on the text, so a deep body is refused before it is parsed into objects.
 */
export function exceedsDepth(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The path (`name`, `headers.X-Foo`, `items.2`) of the first string or key holding a NUL character,
 * skipping the top-level fields in `skip` (stored as bytes, where NUL is fine); null when there is none.
 * PostgreSQL text and jsonb cannot hold U+0000.
 */
export function findNul(value: unknown, skip: readonly string[] = []): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return path || 'request body';
    } else if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++)
        stack.push([current[index], join(path, String(index))]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (path === '' && skip.includes(key)) continue;
        if (key.includes('\u0000')) return join(path, key.replaceAll('\u0000', '\\u0000'));
        const at = join(path, key);
        stack.push([item, at]);
      }
    }
  }
  return null;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
