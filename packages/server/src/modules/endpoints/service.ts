import type { Config } from '../../config.js';
import { MESSAGES_CHANNEL } from '../../delivery/channels.js';
import { AppError } from '../../errors.js';
import { isHexId, newHexId } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { type Db, notify, type Queryable } from '../../store/db.js';
import { validateCustomHeaders } from './headers.js';
import { assertKeyDeletable, assertRoomForKey } from '../shared/signing-key-rules.js';
import { decodeIdCursor, type IdPage, idPage } from '../shared/id-page.js';
import { endpointNotFound, parseEndpointId } from './ids.js';
import * as keyStore from './signing-key-store.js';
import { generateSigningSecret, keyHint } from './signing-secrets.js';
import * as store from './store.js';
import { validateEndpointUrl } from './validation.js';

/** The writable fields, as the API names them; on update, absent means "unchanged". */
export interface EndpointChanges {
  url?: string | undefined;
  description?: string | null | undefined;
  rate_limit_rps?: number | undefined;
  burst?: number | undefined;
  headers?: Record<string, string> | null | undefined;
  hmac_enabled?: boolean | undefined;
}

export interface CreatedSigningKey {
  row: keyStore.SigningKeyRow;
  /** The plaintext secret: returned to the caller once, stored only encrypted. */
  secret: string;
}

export class EndpointService {
  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
    private readonly config: Pick<Config, 'allowPrivateNetworks'>,
  ) {}

  async create(
    projectId: string,
    input: EndpointChanges & { url: string },
  ): Promise<{ endpoint: store.EndpointRow; key: CreatedSigningKey }> {
    const url = await this.checkedUrl(input.url);
    if (input.headers != null) validateCustomHeaders(input.headers);
    const settings = applyChanges(input, DEFAULTS, url);
    const secret = generateSigningSecret();
    return this.unlessDuplicate(() =>
      this.db.transaction(async (tx) => {
        const endpoint = await store.insertEndpoint(tx, { ...settings, id: newHexId('ep'), projectId });
        const row = await this.insertKey(tx, projectId, endpoint.id, secret);
        return { endpoint, key: { row, secret } };
      }),
    );
  }

  async list(
    projectId: string,
    page: { cursor?: string | undefined; limit: number },
  ): Promise<IdPage<store.EndpointRow>> {
    const after = page.cursor ? decodeIdCursor(page.cursor, (id) => isHexId('ep', id)) : null;
    return idPage(await store.listEndpoints(this.db, projectId, { after, limit: page.limit }), page.limit);
  }

  async get(projectId: string, id: string): Promise<store.EndpointRow> {
    const endpointId = this.endpointId(id);
    const row = await store.findEndpoint(this.db, projectId, endpointId);
    if (!row) throw endpointNotFound();
    return row;
  }

  async update(projectId: string, id: string, changes: EndpointChanges): Promise<store.EndpointRow> {
    const { id: endpointId } = await this.get(projectId, id);
    // Validated (DNS included) before the row is locked, so a slow resolver never holds the lock.
    const url = changes.url === undefined ? undefined : await this.checkedUrl(changes.url);
    if (changes.headers != null) validateCustomHeaders(changes.headers);
    return this.unlessDuplicate(() =>
      this.db.transaction(async (tx) => {
        // Applied to the row as it is once locked, so a concurrent PATCH of other fields is kept.
        const current = await store.lockEndpoint(tx, projectId, endpointId);
        if (!current) throw endpointNotFound();
        const settings = applyChanges(changes, settingsOf(current), url ?? current.url);
        return (await store.updateEndpoint(tx, projectId, endpointId, settings))!;
      }),
    );
  }

  /** Soft delete; the endpoint's waiting messages fail permanently in the same transaction. */
  async delete(projectId: string, id: string): Promise<void> {
    await this.withLockedEndpoint(projectId, id, async (tx, endpointId) => {
      await store.softDeleteEndpoint(tx, projectId, endpointId);
      await store.failWaitingMessages(tx, projectId, endpointId);
    });
  }

  async pause(projectId: string, id: string): Promise<string> {
    return this.withLockedEndpoint(projectId, id, async (tx, endpointId) => {
      await store.setPaused(tx, projectId, endpointId, true);
      await store.holdWaitingMessages(tx, projectId, endpointId);
      return endpointId;
    });
  }

  /** Returns how many held messages were released. */
  async resume(projectId: string, id: string): Promise<{ id: string; requeued: number }> {
    const result = await this.withLockedEndpoint(projectId, id, async (tx, endpointId) => {
      await store.setPaused(tx, projectId, endpointId, false);
      return { id: endpointId, requeued: await store.releaseHeldMessages(tx, projectId, endpointId) };
    });
    await notify(this.db, MESSAGES_CHANNEL);
    return result;
  }

  async createSigningKey(projectId: string, id: string): Promise<CreatedSigningKey> {
    const secret = generateSigningSecret();
    return this.withLockedEndpoint(projectId, id, async (tx, endpointId) => {
      assertRoomForKey((await keyStore.listSigningKeys(tx, projectId, endpointId)).length);
      return { row: await this.insertKey(tx, projectId, endpointId, secret), secret };
    });
  }

  async listSigningKeys(projectId: string, id: string): Promise<keyStore.SigningKeyRow[]> {
    const endpoint = await this.get(projectId, id);
    return keyStore.listSigningKeys(this.db, projectId, endpoint.id);
  }

  async deleteSigningKey(projectId: string, id: string, keyId: string): Promise<void> {
    await this.withLockedEndpoint(projectId, id, async (tx, endpointId) => {
      assertKeyDeletable(await keyStore.listSigningKeys(tx, projectId, endpointId), keyId);
      await keyStore.softDeleteSigningKey(tx, projectId, endpointId, keyId);
    });
  }

  private endpointId(id: string): string {
    const endpointId = parseEndpointId(id);
    if (!endpointId) throw endpointNotFound();
    return endpointId;
  }

  private withLockedEndpoint<T>(
    projectId: string,
    id: string,
    work: (tx: Queryable, endpointId: string) => Promise<T>,
  ): Promise<T> {
    const endpointId = this.endpointId(id);
    return this.db.transaction(async (tx) => {
      if (!(await store.lockEndpoint(tx, projectId, endpointId))) throw endpointNotFound();
      return work(tx, endpointId);
    });
  }

  private insertKey(tx: Queryable, projectId: string, endpointId: string, secret: string) {
    return keyStore.insertSigningKey(tx, {
      id: newHexId('sk'),
      projectId,
      endpointId,
      sealedSecret: this.secretBox.encrypt(secret),
      keyHint: keyHint(secret),
    });
  }

  private checkedUrl(url: string): Promise<string> {
    return validateEndpointUrl(url, { allowPrivate: this.config.allowPrivateNetworks });
  }

  private async unlessDuplicate<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (store.isUniqueViolation(error)) throw new AppError('DUPLICATE_URL');
      throw error;
    }
  }
}

const DEFAULTS: store.EndpointSettings = {
  url: '',
  description: null,
  rateLimitRps: 0,
  burst: 0,
  headers: {},
  hmacEnabled: true,
};

function settingsOf(row: store.EndpointRow): store.EndpointSettings {
  return {
    url: row.url,
    description: row.description,
    rateLimitRps: row.rate_limit_rps,
    burst: row.burst,
    headers: row.headers,
    hmacEnabled: row.hmac_enabled,
  };
}

/**
 * `base` with the given fields replaced (null clears description and headers). A rate limit whose burst
 * is 0 bursts at the rate, as the rate-limiting guide documents.
 */
function applyChanges(changes: EndpointChanges, base: store.EndpointSettings, url: string) {
  const rateLimitRps = changes.rate_limit_rps ?? base.rateLimitRps;
  const burst = changes.burst ?? base.burst;
  return {
    url,
    description: changes.description === undefined ? base.description : changes.description,
    rateLimitRps,
    burst: rateLimitRps > 0 && burst === 0 ? rateLimitRps : burst,
    headers: changes.headers === undefined ? base.headers : (changes.headers ?? {}),
    hmacEnabled: changes.hmac_enabled ?? base.hmacEnabled,
  };
}
