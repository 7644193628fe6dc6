import { buildHeaders } from '../../delivery/delivery-headers.js';
import type { QueueSource } from '../../queues/queue-source.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Queryable } from '../../store/db.js';
import { VERSION } from '../../version.js';

interface StoredRequest {
  id: string;
  endpoint_id: string;
  content_type: string | null;
  headers: Record<string, string>;
  payload: Uint8Array | null;
}

async function findStoredRequest(
  db: Queryable,
  source: QueueSource,
  projectId: string,
  id: string,
): Promise<StoredRequest | null> {
  const [row] = await db.query<StoredRequest>(
    `SELECT id::text AS id, ${source.endpointColumn}::text AS endpoint_id, content_type, headers, payload
       FROM ${source.messages} WHERE id = $1 AND project_id = $2`,
    [id, projectId],
  );
  return row ?? null;
}

/**
 * The request a delivery of a stored message would make now — body, and headers signed with the
 * endpoint's active keys — for either queue. Nothing is sent or recorded.
 */
export class DeliveryPreviews {
  private readonly userAgent = `HookBridge/${VERSION}`;

  constructor(
    private readonly db: Queryable,
    private readonly secretBox: SecretBox,
  ) {}

  async preview(source: QueueSource, projectId: string, id: string) {
    if (!isUuid(id)) throw new AppError('MESSAGE_NOT_FOUND');
    const row = await findStoredRequest(this.db, source, projectId, id.toLowerCase());
    if (!row) throw new AppError('MESSAGE_NOT_FOUND');
    if (!row.payload) throw new AppError('PAYLOAD_UNAVAILABLE');
    const [targets, secrets] = await Promise.all([
      source.loadTargets(this.db, [row.endpoint_id]),
      source.loadSecrets(this.db, this.secretBox, [row.endpoint_id]),
    ]);
    const target = targets.get(row.endpoint_id) ?? { url: '', headers: {}, hmac_enabled: false };
    const payload = Buffer.from(row.payload);
    const headers = buildHeaders(
      { id: row.id, content_type: row.content_type ?? 'application/octet-stream', headers: row.headers },
      target,
      secrets.get(row.endpoint_id) ?? [],
      Math.floor(Date.now() / 1000),
      payload,
      this.userAgent,
    );
    return {
      message_id: row.id,
      url: target.url,
      headers,
      body: payload.toString('base64'),
      body_encoding: 'base64' as const,
    };
  }
}
