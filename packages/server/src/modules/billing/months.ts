/** Calendar months in UTC, as the epoch milliseconds of their first instant. */
export function monthStart(at: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

export function addMonths(month: number, count: number): number {
  const date = new Date(month);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + count, 1);
}

/** `2026-02-01` */
export function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Months from `from`'s month to `to`'s month, both included. */
export function monthsBetween(from: number, to: number): number {
  const a = new Date(from);
  const b = new Date(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
}
