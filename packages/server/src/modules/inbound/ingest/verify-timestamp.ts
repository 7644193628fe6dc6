/** The freshness window used when a timestamp header is configured without a TTL. */
export const DEFAULT_TIMESTAMP_TTL_SECONDS = 300;

/**
 * A provider timestamp header: Unix seconds (or milliseconds, recognised by size) within `ttlSeconds` of
 * now, in either direction (a clock ahead of ours is as suspect as a replay).
 */
export function checkTimestamp(
  value: string | undefined,
  ttlSeconds: number,
  nowMs: number,
): { ok: true } | { ok: false; detail: string } {
  if (value === undefined) return { ok: false, detail: 'timestamp header missing' };
  if (!/^\d{1,16}$/.test(value.trim())) return { ok: false, detail: 'timestamp is not a Unix time' };
  const raw = Number(value.trim());
  const seconds = raw > 1e11 ? raw / 1000 : raw;
  const skew = Math.abs(nowMs / 1000 - seconds);
  if (skew > ttlSeconds) {
    return {
      ok: false,
      detail: `timestamp is ${Math.round(skew)} s away from now (allowed ${ttlSeconds} s)`,
    };
  }
  return { ok: true };
}
