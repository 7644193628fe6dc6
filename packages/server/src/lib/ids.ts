import { randomBytes, randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * Random bytes for ids, drawn from a pool refilled 4 KiB at a time: the uuid package asks the CSPRNG for
 * 16 bytes per id, which showed up at ~6 % of the send path's CPU.
 */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function random16(): Uint8Array {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

/**
 * uuid's v7 keeps its ids monotonic only when it draws its own randomness, so with pooled bytes the
 * counter is kept here (RFC 9562 §6.2, method 1): a random start each millisecond, +1 per id within it.
 * Monotonic ids matter: list cursors and the CLI's long-poll `after` compare ids.
 */
let lastMsecs = -1;
let sequence = 0;

/** Time-ordered UUIDv7 in canonical dashed form: messages, attempts, projects, exports, inbound endpoints. */
export function newUuid(): string {
  const random = random16();
  const now = Date.now();
  if (now > lastMsecs) {
    lastMsecs = now;
    // 31 bits, so a long run of ids within one millisecond cannot overflow the counter field.
    sequence = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMsecs++;
  }
  return uuidv7({ random, msecs: lastMsecs, seq: sequence });
}

/** `prefix_` + 32 lowercase hex: a dash-less UUIDv7, so ids still sort by creation time. */
export function newHexId(prefix: 'ep' | 'sk' | 'key' | 'ses'): string {
  return `${prefix}_${newUuid().replaceAll('-', '')}`;
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
