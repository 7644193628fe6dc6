// The flat, documentation-style methods speak camelCase: `result.messageId`, `metrics.successRate`.
// Keys inside user-controlled maps (headers, payloads) are left exactly as they are.

type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelKey<Tail>>}`
  : S;
type SnakeKey<S extends string> = S extends `${infer C}${infer Rest}`
  ? C extends Lowercase<C>
    ? `${C}${SnakeKey<Rest>}`
    : `_${Lowercase<C>}${SnakeKey<Rest>}`
  : S;

/** Keys whose values are user data: their own keys are not renamed. */
type Opaque = 'headers' | 'request_headers' | 'response_headers' | 'payload' | 'body' | 'details';
const OPAQUE = new Set<string>([
  'headers',
  'request_headers',
  'response_headers',
  'payload',
  'body',
  'details',
]);

export type Camelize<T> = T extends readonly (infer U)[]
  ? Camelize<U>[]
  : T extends object
    ? { [K in keyof T as K extends string ? CamelKey<K> : K]: K extends Opaque ? T[K] : Camelize<T[K]> }
    : T;

/** A flat method's parameters: the route's, with camelCase keys (one level; maps inside are untouched). */
export type CamelParams<T> = {
  [K in keyof T as K extends string ? CamelKey<K> : K]: K extends `${string}_time` ? T[K] | Date : T[K];
};

export type Snakeize<T> = { [K in keyof T as K extends string ? SnakeKey<K> : K]: T[K] };

const toCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function camelize<T>(value: T): Camelize<T> {
  if (Array.isArray(value)) return value.map((item) => camelize(item)) as Camelize<T>;
  if (value === null || typeof value !== 'object') return value as Camelize<T>;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[toCamel(key)] = OPAQUE.has(key) ? inner : camelize(inner);
  }
  return out as Camelize<T>;
}

/** camelCase (or already snake_case) parameter keys to the API's snake_case; one level deep. */
export function snakeize<T extends object>(params: T | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    out[toSnake(key)] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}
