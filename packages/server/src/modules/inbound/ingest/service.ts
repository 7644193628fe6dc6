import { ERROR_CODES, type ErrorCode } from '../../../errors.js';
import { safeEqual, sha256Hex } from '../../../lib/crypto.js';
import { isUuid, newUuid } from '../../../lib/ids.js';
import type { SecretBox } from '../../../lib/secret-box.js';
import type { Db } from '../../../store/db.js';
import type { EventStatus } from '../pull/event-store.js';
import { storePullEvent } from './pull-event.js';
import * as store from './store.js';
import { MAX_INGEST_BYTES } from './request-body.js';
import { collectHeaders, redactHeaders, storedHeaders } from './request-headers.js';
import { type RejectionReason, writeRejection } from './rejection-writer.js';
import { checkHmac } from './verify-hmac.js';
import { isAddressAllowed } from './verify-ip.js';
import { DEFAULT_TIMESTAMP_TTL_SECONDS, checkTimestamp } from './verify-timestamp.js';
import { checkStaticToken } from './verify-token.js';

export interface IngestRequest {
  endpointId: string;
  token: string;
  method: string;
  /** What followed the token in the path: '' or '/…', as received. */
  pathSuffix: string;
  /** The raw query string, without its '?'. */
  rawQuery: string;
  query: URLSearchParams;
  rawHeaders: readonly string[];
  /** The client address as the server sees it (X-Forwarded-For only with HOOKBRIDGE_TRUST_PROXY). */
  ip: string;
  readBody(limit: number): Promise<Buffer | 'too_large'>;
}

export type IngestOutcome =
  | {
      kind: 'accepted';
      status: number;
      messageId: string;
      /** What the answer's `data.status` says: `queued` for an inbound message, a pull event's own status. */
      state: 'queued' | EventStatus;
      duplicate: boolean;
    }
  | { kind: 'rejected'; reason: RejectionReason; status: number; code: ErrorCode; message: string };

/**
 * The methods providers send webhooks with. GET, HEAD, DELETE and OPTIONS stay refused: a GET is a
 * provider's URL check (it wants an answer computed from the query, which a stored message cannot give),
 * and nothing sends a webhook as a DELETE.
 */
export const INGEST_METHODS = ['POST', 'PUT', 'PATCH'] as const;

/**
 * How each refusal is answered (spec §2.14, plus our two extra states): the code, and the message where
 * it says more than the registry's. The HTTP status is the code's, from the error registry.
 */
const ANSWERS: Record<RejectionReason, { code: ErrorCode; message?: string }> = {
  endpoint_not_found: { code: 'ENDPOINT_NOT_FOUND', message: 'Inbound endpoint not found' },
  invalid_secret: { code: 'ENDPOINT_NOT_FOUND', message: 'Inbound endpoint not found' },
  endpoint_deleted: { code: 'ENDPOINT_DELETED' },
  endpoint_inactive: { code: 'ENDPOINT_INACTIVE' },
  endpoint_paused: { code: 'ENDPOINT_PAUSED' },
  invalid_method: { code: 'METHOD_NOT_ALLOWED', message: `Only ${INGEST_METHODS.join(', ')} are accepted` },
  payload_too_large: { code: 'INGEST_TOO_LARGE', message: 'Payload exceeds 1 MB' },
  static_token_failed: { code: 'VERIFICATION_FAILED', message: 'Static token check failed' },
  hmac_failed: { code: 'VERIFICATION_FAILED', message: 'Signature check failed' },
  ip_not_allowed: { code: 'IP_NOT_ALLOWED' },
};

function answer(reason: RejectionReason): { status: number; code: ErrorCode; message: string } {
  const { code, message } = ANSWERS[reason];
  const registered = ERROR_CODES[code];
  return { status: registered.status, code, message: message ?? registered.message };
}

/** Every status a refused ingest can answer, for the route's documented responses. */
export const INGEST_REFUSAL_STATUSES: readonly number[] = [
  ...new Set(Object.values(ANSWERS).map(({ code }) => ERROR_CODES[code].status)),
].sort((a, b) => a - b);

/**
 * Receives one provider request. The checks run in a fixed order and the first failure is recorded as a
 * rejection and answered; a request that passes them all is committed (with its raw bytes and headers)
 * before it is answered.
 */
export class IngestService {
  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
    /** Wakes the delivery workers after a forward-mode message commits (coalesced across requests). */
    private readonly wake: { poke(): void },
    private readonly now: () => number = Date.now,
  ) {}

  async ingest(request: IngestRequest): Promise<IngestOutcome> {
    const startedAt = this.now();
    const { headers, lookup } = collectHeaders(request.rawHeaders);
    let target: store.IngestTarget | null = null;
    const reject = async (reason: RejectionReason, detail: string | null): Promise<IngestOutcome> => {
      const secretHeaders = [target?.token_header_name, target?.hmac_header_name].filter(
        (name): name is string => Boolean(name),
      );
      await writeRejection(this.db, {
        projectId: target?.project_id ?? null,
        inboundEndpointId: target?.id ?? null,
        reason,
        detail,
        sourceIp: request.ip || null,
        headersRedacted: redactHeaders(headers, secretHeaders),
      });
      return { kind: 'rejected', reason, ...answer(reason) };
    };

    target = isUuid(request.endpointId) ? await store.findIngestTarget(this.db, request.endpointId) : null;
    if (!target) return reject('endpoint_not_found', null);
    // The token is checked before the endpoint's state is revealed, so an id alone tells nothing.
    if (!safeEqual(sha256Hex(request.token), target.secret_token_hash)) {
      return reject('invalid_secret', 'the secret token in the URL does not match');
    }
    if (target.deleted_at) return reject('endpoint_deleted', null);
    if (!target.active) return reject('endpoint_inactive', null);
    if (target.paused) return reject('endpoint_paused', null);
    if (!(INGEST_METHODS as readonly string[]).includes(request.method))
      return reject('invalid_method', `method ${request.method.slice(0, 16)}`);

    const declared = Number(lookup('content-length'));
    if (declared > MAX_INGEST_BYTES) return reject('payload_too_large', `Content-Length ${declared} bytes`);
    const body = await request.readBody(MAX_INGEST_BYTES);
    if (body === 'too_large') return reject('payload_too_large', `body over ${MAX_INGEST_BYTES} bytes`);

    const failure = this.verify(target, lookup, request, body);
    if (failure) return reject(failure.reason, failure.detail);

    const idempotencyKey = idempotencyKeyOf(target.idempotency_header_names, lookup);
    if (target.mode === 'pull') {
      const sourceIp = request.ip || null;
      const stored = await storePullEvent(
        this.db,
        target,
        { body, headers, lookup, sourceIp, idempotencyKey, startedAt },
        this.now,
      );
      if (stored) return this.accepted(target, stored.id, stored.duplicate, stored.status);
      // Paused (or disabled, or deleted) between the check and the insert: nothing was stored.
      const current = await store.findIngestTarget(this.db, target.id);
      if (current?.paused && !current.deleted_at) return reject('endpoint_paused', 'paused while received');
      if (current && !current.active && !current.deleted_at) return reject('endpoint_inactive', null);
      return reject('endpoint_deleted', 'deleted while the request was received');
    }
    if (idempotencyKey) {
      const existing = await store.findByIdempotencyKey(this.db, target.id, idempotencyKey);
      if (existing) return this.accepted(target, existing, true);
    }
    const inserted = await store.insertInboundMessage(this.db, {
      id: newUuid(),
      endpointId: target.id,
      payload: body,
      payloadSha256: sha256Hex(body),
      contentType: lookup('content-type') ?? null,
      headers: storedHeaders(headers, target.token_header_name),
      sourceIp: request.ip || null,
      idempotencyKey,
      method: request.method,
      pathSuffix: request.pathSuffix,
      queryString: withoutParam(request.rawQuery, target.token_query_param),
    });
    if (inserted) {
      if (inserted.mode === 'forward') this.wake.poke();
      return this.accepted(target, inserted.id, false);
    }
    // A concurrent request with the same key won the insert; or the endpoint was deleted meanwhile.
    const winner = idempotencyKey
      ? await store.findByIdempotencyKey(this.db, target.id, idempotencyKey)
      : null;
    if (winner) return this.accepted(target, winner, true);
    return reject('endpoint_deleted', 'deleted while the request was received');
  }

  private verify(
    target: store.IngestTarget,
    lookup: (name: string) => string | undefined,
    request: IngestRequest,
    body: Buffer,
  ): { reason: RejectionReason; detail: string } | null {
    if (target.verify_static_token && target.token_value_hash) {
      const rule = {
        headerName: target.token_header_name,
        queryParam: target.token_query_param,
        valueHash: target.token_value_hash,
      };
      const result = checkStaticToken(rule, lookup, request.query);
      if (!result.ok) return { reason: 'static_token_failed', detail: result.detail };
    }
    if (target.verify_hmac && target.hmac_secret && target.hmac_header_name) {
      let timestamp: string | null = null;
      if (target.timestamp_header_name) {
        timestamp = lookup(target.timestamp_header_name.toLowerCase())?.trim() ?? null;
        const ttl = target.timestamp_ttl_seconds ?? DEFAULT_TIMESTAMP_TTL_SECONDS;
        const fresh = checkTimestamp(timestamp ?? undefined, ttl, this.now());
        if (!fresh.ok) return { reason: 'hmac_failed', detail: fresh.detail };
      }
      const secret = this.secretBox.decrypt(target.hmac_secret);
      const header = lookup(target.hmac_header_name.toLowerCase());
      const result = checkHmac(secret, header, body, timestamp);
      if (!result.ok) return { reason: 'hmac_failed', detail: result.detail };
    }
    if (target.verify_ip_allowlist && !isAddressAllowed(request.ip, target.allowed_cidrs)) {
      return { reason: 'ip_not_allowed', detail: `source address ${request.ip} is not in allowed_cidrs` };
    }
    return null;
  }

  private accepted(
    target: store.IngestTarget,
    messageId: string,
    duplicate: boolean,
    state: 'queued' | EventStatus = 'queued',
  ): IngestOutcome {
    return { kind: 'accepted', status: target.ingest_response_code, messageId, state, duplicate };
  }
}

/**
 * The configured headers' values in order (absent ones skipped), joined by newlines and hashed; null when
 * none is present, so such requests are never deduplicated.
 */
export function idempotencyKeyOf(
  names: readonly string[],
  lookup: (name: string) => string | undefined,
): string | null {
  const values = names.map((name) => lookup(name.toLowerCase())).filter((v): v is string => v !== undefined);
  return values.length === 0 ? null : sha256Hex(values.join('\n'));
}

/**
 * The raw query minus every `name=…` pair (the static token travels there and is never stored); the
 * other pairs keep their bytes and order.
 */
export function withoutParam(rawQuery: string, name: string | null): string {
  if (!name || rawQuery === '') return rawQuery;
  return rawQuery
    .split('&')
    .filter((pair) => {
      const key = pair.split('=', 1)[0] ?? '';
      try {
        return decodeURIComponent(key.replace(/\+/g, ' ')) !== name;
      } catch {
        return key !== name;
      }
    })
    .join('&');
}
