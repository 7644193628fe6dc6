import { sha256Hex } from '../../../lib/crypto.js';
import { newUuid } from '../../../lib/ids.js';
import type { Queryable } from '../../../store/db.js';
import { extractEventType } from '../pull/event-type.js';
import { type EventStatus, findEventByIdempotencyKey, insertPullEvent } from '../pull/event-store.js';
import { storedHeaders } from './request-headers.js';
import type { IngestTarget } from './store.js';

export interface VerifiedRequest {
  body: Buffer;
  headers: Record<string, string>;
  lookup: (name: string) => string | undefined;
  sourceIp: string | null;
  idempotencyKey: string | null;
  /** When the request reached the server (ms since the epoch). */
  startedAt: number;
}

/**
 * Keeps a verified request to a pull endpoint as a pull event. Returns the event id and status (the original
 * event's, as it stands now, for a duplicate), or null when nothing was stored because the endpoint was paused, disabled or deleted
 * after it was checked.
 */
export async function storePullEvent(
  db: Queryable,
  target: IngestTarget,
  request: VerifiedRequest,
  now: () => number,
): Promise<{ id: string; status: EventStatus; duplicate: boolean } | null> {
  if (request.idempotencyKey) {
    const existing = await findEventByIdempotencyKey(db, target.id, request.idempotencyKey);
    if (existing) return { ...existing, duplicate: true };
  }
  const eventType = extractEventType(
    { source: target.event_type_source, path: target.event_type_path },
    request.body,
    request.lookup,
  );
  const inserted = await insertPullEvent(db, {
    id: newUuid(),
    endpointId: target.id,
    eventType,
    payload: request.body,
    payloadSha256: sha256Hex(request.body),
    contentType: request.lookup('content-type') ?? null,
    // The static token is this endpoint's own credential, already checked: consumers do not need it.
    // Other headers (a provider's signature, for one) are kept as sent.
    headers: storedHeaders(request.headers, target.verify_static_token ? target.token_header_name : null),
    sourceIp: request.sourceIp,
    idempotencyKey: request.idempotencyKey,
    processingMs: Math.max(0, Math.round(now() - request.startedAt)),
  });
  if (inserted) return { ...inserted, duplicate: false };
  // A concurrent request with the same key won the insert, or the endpoint changed meanwhile.
  const winner = request.idempotencyKey
    ? await findEventByIdempotencyKey(db, target.id, request.idempotencyKey)
    : null;
  return winner ? { ...winner, duplicate: true } : null;
}
