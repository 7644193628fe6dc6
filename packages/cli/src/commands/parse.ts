import { InvalidArgumentError } from 'commander';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function parseHeader(value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon < 1) throw new InvalidArgumentError(`header must be "Name: value", got "${value}"`);
  return [value.slice(0, colon).trim(), value.slice(colon + 1).trim()];
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since 2h` (a duration before now) or an RFC 3339 time, as a Date. */
export function parseTime(value: string): Date {
  const match = /^(\d+)([smhdw])$/.exec(value.trim());
  if (match) return new Date(Date.now() - Number(match[1]) * UNITS[match[2]!]!);
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(
      `expected a duration like 30m, 2h, 7d or an RFC 3339 time, got "${value}"`,
    );
  return date;
}
