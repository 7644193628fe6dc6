/** Drops null and undefined fields: optional fields are omitted when empty, as HookBridge does. */
export function omitEmpty<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}
