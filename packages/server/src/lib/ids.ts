import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Time-ordered UUIDv7 in canonical dashed form: messages, attempts, projects, exports, inbound endpoints. */
export function newUuid(): string {
  return uuidv7();
}

/** `prefix_` + 32 lowercase hex: a dash-less UUIDv7, so ids still sort by creation time. */
export function newHexId(prefix: 'ep' | 'sk' | 'key'): string {
  return `${prefix}_${uuidv7().replaceAll('-', '')}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function isHexId(prefix: string, value: string): boolean {
  return (
    value.length === prefix.length + 33 &&
    value.startsWith(`${prefix}_`) &&
    /^[0-9a-f]{32}$/.test(value.slice(prefix.length + 1))
  );
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Uniform random characters from `alphabet` using a CSPRNG; rejection sampling avoids the modulo bias
 * that `byte % alphabet.length` would add.
 */
export function randomString(length: number, alphabet = ALPHANUMERIC): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
