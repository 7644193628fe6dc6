import { newUuid } from '../../../lib/ids.js';
import type { Queryable } from '../../../store/db.js';

/**
 * Why an ingest was refused. The first eight are HookBridge's documented codes; `endpoint_paused` and
 * `endpoint_inactive` are ours, for the two states HookBridge documents as refusing without naming a code.
 */
export type RejectionReason =
  | 'endpoint_not_found'
  | 'endpoint_deleted'
  | 'invalid_secret'
  | 'static_token_failed'
  | 'hmac_failed'
  | 'ip_not_allowed'
  | 'payload_too_large'
  | 'invalid_method'
  | 'endpoint_paused'
  | 'endpoint_inactive';

export interface Rejection {
  projectId: string | null;
  inboundEndpointId: string | null;
  reason: RejectionReason;
  detail: string | null;
  sourceIp: string | null;
  /** JSON string of the request headers, credentials masked. */
  headersRedacted: string | null;
}

/** Records one refused ingest. Every refusal is written, whatever the reason, before it is answered. */
export async function writeRejection(db: Queryable, rejection: Rejection): Promise<string> {
  const id = newUuid();
  await db.query(
    `INSERT INTO inbound_rejections (id, project_id, inbound_endpoint_id, reason_code, reason_detail, source_ip,
                                     headers_redacted)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      rejection.projectId,
      rejection.inboundEndpointId,
      rejection.reason,
      rejection.detail,
      rejection.sourceIp,
      rejection.headersRedacted,
    ],
  );
  return id;
}
