const MAX_EVENT_TYPE_LENGTH = 255;

/**
 * The event type of a received webhook, as the endpoint says to read it: a dot path into a JSON body
 * (`data.object.type`), or a header. Null when the body is not JSON, the path leads nowhere, or the value
 * is not a string or number.
 */
export function extractEventType(
  rule: { source: 'body' | 'header' | null; path: string | null },
  body: Buffer,
  header: (name: string) => string | undefined,
): string | null {
  if (!rule.source || !rule.path) return null;
  let value: unknown;
  if (rule.source === 'header') value = header(rule.path.toLowerCase());
  else {
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
    for (const key of rule.path.split('.')) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return null;
      value = (value as Record<string, unknown>)[key];
    }
  }
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string' || value === '') return null;
  return value.slice(0, MAX_EVENT_TYPE_LENGTH);
}
