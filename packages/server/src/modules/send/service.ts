import { AppError } from '../../errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { newUuid } from '../../lib/ids.js';
import type { DirectDispatcher } from '../../delivery/direct-dispatch.js';
import type { WakeNotifier } from '../../delivery/wake-notifier.js';
import type { Db } from '../../store/db.js';
import type { KeyMode } from '../api-keys/service.js';
import type { QuotaGuard } from '../billing/quota.js';
import { validateCustomHeaders } from '../endpoints/headers.js';
import { SendBatcher } from './batcher.js';
import * as store from './store.js';

/** 1 MB, as HookBridge documents; measured on the payload's JSON encoding. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface SendInput {
  projectId: string;
  mode: KeyMode;
  endpointId: string;
  payload: unknown;
  headers: Record<string, string>;
  idempotencyKey: string | null;
  retentionHours: number | null;
}

export class SendService {
  private readonly batcher: SendBatcher;

  constructor(
    private readonly db: Db,
    private readonly wake: WakeNotifier,
    private readonly quota: QuotaGuard,
  ) {
    this.batcher = new SendBatcher(db);
  }

  /** Lets sends be written leased to this worker and handed to it in memory (null: through the queue). */
  useDirectDispatch(direct: DirectDispatcher | null): void {
    this.batcher.direct = direct;
  }

  /**
   * Accepts a message durably: it is committed before this resolves. Refuses, in this order, invalid
   * custom headers, a send over the monthly quota (a send that passes it is counted), an endpoint id not
   * of the ep_ form and an oversized payload.
   */
  async send(input: SendInput): Promise<{ messageId: string; status: store.MessageStatus }> {
    validateCustomHeaders(input.headers);
    await this.quota.assertWithinQuota(input.projectId, input.mode);
    if (!input.endpointId.startsWith('ep_')) {
      throw new AppError('INVALID_REQUEST', 'endpoint_id must be in format ep_xxx');
    }
    const payload = JSON.stringify(input.payload);
    const sizeBytes = Buffer.byteLength(payload, 'utf8');
    if (sizeBytes > MAX_PAYLOAD_BYTES) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `Payload is ${sizeBytes} bytes; the maximum is ${MAX_PAYLOAD_BYTES} bytes (1 MB)`,
      );
    }
    const payloadSha256 = sha256Hex(payload);
    const key = input.idempotencyKey;
    if (key) {
      const existing = await store.findByIdempotencyKey(this.db, input.projectId, input.endpointId, key);
      if (existing) return this.replayed(existing, payloadSha256);
    }
    const inserted = await this.batcher.insert({
      id: newUuid(),
      projectId: input.projectId,
      endpointId: input.endpointId,
      mode: input.mode,
      payload,
      sizeBytes,
      payloadSha256,
      headers: input.headers,
      idempotencyKey: key,
      retentionHours: input.retentionHours,
    });
    if (inserted) {
      if (!inserted.held && !inserted.leased) this.wake.poke();
      return { messageId: inserted.id, status: 'queued' };
    }
    // Nothing inserted: a concurrent send with the same key won, or the endpoint is not ours and live.
    const winner = key
      ? await store.findByIdempotencyKey(this.db, input.projectId, input.endpointId, key)
      : null;
    if (winner) return this.replayed(winner, payloadSha256);
    throw new AppError('ENDPOINT_NOT_FOUND');
  }

  /** A repeat of an accepted send answers the original message as it is now (it may be delivered already). */
  private replayed(existing: store.ExistingMessage, payloadSha256: string) {
    if (existing.payload_sha256 !== payloadSha256) throw new AppError('IDEMPOTENCY_MISMATCH');
    return { messageId: existing.id, status: existing.status };
  }
}
