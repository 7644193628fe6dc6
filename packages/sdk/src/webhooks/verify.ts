// Verifies HookBridge's signature scheme: X-Webhook-Signature carries `sha256=<hex>` entries (two during
// a key rotation), each HMAC-SHA256 over `{X-Webhook-Timestamp}.{raw body}` keyed by the `whsec_…`
// secret's UTF-8 bytes. This module imports nothing: it runs wherever Web Crypto exists.
import { WebhookVerificationError } from './errors.js';

export type RawBody = string | Uint8Array | ArrayBuffer;
/** Headers as Fetch, Node (`req.headers`) or a plain object give them; names in any case. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Largest accepted distance between the timestamp and now, in seconds, either way (default 300). */
  tolerance?: number;
  /** The clock, in milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

export interface VerifiedWebhook<T = unknown> {
  /** The body parsed as JSON, or the body text when it is not JSON. */
  payload: T;
  /** X-Webhook-Id: the message id, stable across retries (deduplicate on it). */
  id: string;
  /** X-Webhook-Timestamp, in seconds since the epoch. */
  timestamp: number;
  /** The raw body as text. */
  body: string;
}

export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';
export const ID_HEADER = 'x-webhook-id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

function readHeader(headers: HeaderSource | null | undefined, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value ?? undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return value.join(',');
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function bodyBytes(body: unknown): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]')
    return new Uint8Array(body as ArrayBuffer);
  const kind = body === null ? 'null' : typeof body;
  throw new WebhookVerificationError(
    'body_not_raw',
    `The body must be the raw request body (string, Buffer or Uint8Array), not ${kind === 'object' ? 'a parsed object' : kind}: read it before any JSON parser runs`,
  );
}

function checkSecrets(secret: unknown): string[] {
  const secrets = Array.isArray(secret) ? secret : [secret];
  if (secrets.length === 0) throw new WebhookVerificationError('secret_malformed', 'No signing secret given');
  for (const candidate of secrets) {
    if (typeof candidate !== 'string' || candidate === '') {
      throw new WebhookVerificationError('secret_malformed', 'The signing secret must be a non-empty string');
    }
    if (candidate.trim() !== candidate) {
      throw new WebhookVerificationError(
        'secret_malformed',
        'The signing secret has leading or trailing whitespace (check how it was copied or read from the environment)',
      );
    }
    if (!candidate.startsWith('whsec_')) {
      throw new WebhookVerificationError(
        'secret_malformed',
        'The signing secret must start with whsec_ (use the signing_secret the endpoint was created with)',
      );
    }
  }
  return secrets as string[];
}

interface Prepared {
  signed: Uint8Array<ArrayBuffer>;
  signatures: string[];
  secrets: string[];
  id: string;
  timestamp: number;
  text: string;
  contentLength: string | undefined;
  byteLength: number;
}

/** Every check that needs no HMAC, in the order a reader would want the first failure reported. */
function prepare(body: unknown, headers: HeaderSource, secret: unknown, options: VerifyOptions): Prepared {
  const bytes = bodyBytes(body);
  const secrets = checkSecrets(secret);
  const signatureHeader = readHeader(headers, SIGNATURE_HEADER);
  const timestampHeader = readHeader(headers, TIMESTAMP_HEADER);
  const id = readHeader(headers, ID_HEADER);
  for (const [name, value] of [
    ['X-Webhook-Signature', signatureHeader],
    ['X-Webhook-Timestamp', timestampHeader],
    ['X-Webhook-Id', id],
  ] as const) {
    if (value === undefined || value.trim() === '') {
      throw new WebhookVerificationError('missing_header', `The ${name} header is missing`, { header: name });
    }
  }
  const rawTimestamp = timestampHeader!.trim();
  if (!/^\d{1,12}$/.test(rawTimestamp)) {
    throw new WebhookVerificationError(
      'bad_timestamp',
      `X-Webhook-Timestamp must be Unix seconds, got ${JSON.stringify(rawTimestamp.slice(0, 40))}`,
    );
  }
  const timestamp = Number(rawTimestamp);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.floor((options.now ?? Date.now)() / 1000) - timestamp;
  if (skew > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `The delivery was signed ${skew} s ago, more than the tolerance of ${tolerance} s`,
      { skewSeconds: skew },
    );
  }
  if (-skew > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `The delivery is dated ${-skew} s in the future, more than the tolerance of ${tolerance} s (check the clock)`,
      { skewSeconds: -skew },
    );
  }
  const signatures = signatureHeader!
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('sha256='))
    .map((entry) => entry.slice('sha256='.length).toLowerCase());
  const prefix = encoder.encode(`${rawTimestamp}.`);
  const signed = new Uint8Array(prefix.length + bytes.length);
  signed.set(prefix, 0);
  signed.set(bytes, prefix.length);
  return {
    signed,
    signatures,
    secrets,
    id: id!.trim(),
    timestamp,
    text: new TextDecoder().decode(bytes),
    contentLength: readHeader(headers, 'content-length'),
    byteLength: bytes.length,
  };
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Constant-time for equal lengths; the length of a hex digest is no secret. */
export function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function finish<T>(prepared: Prepared, expected: string[]): VerifiedWebhook<T> {
  let matched = false;
  for (const digest of expected) {
    for (const signature of prepared.signatures) matched = timingSafeEqualHex(digest, signature) || matched;
  }
  if (!matched) {
    if (prepared.text === '[object Object]' || lengthDiffers(prepared)) {
      throw new WebhookVerificationError(
        'body_not_raw',
        'No signature matches and the body is not the bytes that were sent (it looks parsed and re-serialised): verify the raw request body',
      );
    }
    throw new WebhookVerificationError(
      'no_match',
      `None of the ${prepared.signatures.length} signature(s) matches any of the ${prepared.secrets.length} secret(s)`,
      { signaturesTried: prepared.signatures.length, secretsTried: prepared.secrets.length },
    );
  }
  let payload: unknown = prepared.text;
  try {
    payload = JSON.parse(prepared.text);
  } catch {
    // Not JSON (an inbound forward may carry any content type): the text is the payload.
  }
  return { payload: payload as T, id: prepared.id, timestamp: prepared.timestamp, body: prepared.text };
}

function lengthDiffers(prepared: Prepared): boolean {
  if (prepared.contentLength === undefined || !/^\d+$/.test(prepared.contentLength.trim())) return false;
  return Number(prepared.contentLength.trim()) !== prepared.byteLength;
}

/** The two Web Crypto calls used, typed here so the entry needs no DOM library types. */
interface SubtleLike {
  importKey(
    format: 'raw',
    key: Uint8Array,
    algorithm: { name: 'HMAC'; hash: 'SHA-256' },
    extractable: false,
    usages: ['sign'],
  ): Promise<unknown>;
  sign(algorithm: 'HMAC', key: unknown, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

type NodeCrypto = {
  createHmac(
    algorithm: string,
    key: string,
  ): { update(data: Uint8Array): { digest(encoding: 'hex'): string } };
};

function nodeCrypto(): NodeCrypto | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
}

/**
 * Verifies a delivery synchronously and returns its payload, id and timestamp. Needs node:crypto
 * (Node, Bun, Deno); on runtimes with only Web Crypto use verifyAsync.
 */
export function verify<T = unknown>(
  body: RawBody,
  headers: HeaderSource,
  secret: string | string[],
  options: VerifyOptions = {},
): VerifiedWebhook<T> {
  const prepared = prepare(body, headers, secret, options);
  const crypto = nodeCrypto();
  if (!crypto) {
    throw new WebhookVerificationError(
      'unsupported_runtime',
      'verify() needs node:crypto; on this runtime use verifyAsync()',
    );
  }
  const expected = prepared.secrets.map((s) =>
    crypto.createHmac('sha256', s).update(prepared.signed).digest('hex'),
  );
  return finish<T>(prepared, expected);
}

/** Verifies a delivery with Web Crypto (globalThis.crypto.subtle) only. */
export async function verifyAsync<T = unknown>(
  body: RawBody,
  headers: HeaderSource,
  secret: string | string[],
  options: VerifyOptions = {},
): Promise<VerifiedWebhook<T>> {
  const prepared = prepare(body, headers, secret, options);
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (!subtle) {
    throw new WebhookVerificationError('unsupported_runtime', 'verifyAsync() needs globalThis.crypto.subtle');
  }
  const expected: string[] = [];
  for (const s of prepared.secrets) {
    const key = await subtle.importKey('raw', encoder.encode(s), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    expected.push(toHex(new Uint8Array(await subtle.sign('HMAC', key, prepared.signed))));
  }
  return finish<T>(prepared, expected);
}
