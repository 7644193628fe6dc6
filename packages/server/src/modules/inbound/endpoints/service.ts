import { randomBytes } from 'node:crypto';
import { AppError } from '../../../errors.js';
import type { Config } from '../../../config.js';
import { MESSAGES_CHANNEL } from '../../../delivery/channels.js';
import { sha256Hex } from '../../../lib/crypto.js';
import { isUuid, newHexId, newUuid } from '../../../lib/ids.js';
import type { SecretBox } from '../../../lib/secret-box.js';
import { type Db, notify, type Queryable } from '../../../store/db.js';
import { generateSigningSecret, keyHint } from '../../endpoints/signing-secrets.js';
import { applyInput, DEFAULT_SETTINGS } from './settings.js';
import * as store from './store.js';
import { assertKeyDeletable, assertRoomForKey } from '../../shared/signing-key-rules.js';
import { decodeIdCursor, idPage } from '../../shared/id-page.js';
import { inboundNotFound, parseInboundId } from './ids.js';
import type { CreateInboundInput, UpdateInboundInput } from './schemas.js';
import * as keys from './signing-key-store.js';

/** The life of an ephemeral endpoint created without ttl_minutes. */
export const DEFAULT_TTL_MINUTES = 60;

export interface NewKey {
  row: keys.InboundSigningKeyRow;
  /** Plaintext: returned once, stored only encrypted. */
  secret: string;
}

/** Inbound endpoints and their signing keys: every operation is scoped by project. */
export class InboundEndpointService {
  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
    private readonly config: Pick<Config, 'allowPrivateNetworks' | 'publicUrl'>,
  ) {}

  async create(projectId: string, input: CreateInboundInput) {
    const { ephemeral, ttl_minutes: ttlMinutes, ...rest } = input;
    if (ttlMinutes !== undefined && ephemeral !== true)
      throw new AppError(
        'INVALID_REQUEST',
        'ttl_minutes applies to ephemeral endpoints: send ephemeral: true',
      );
    const settings = await applyInput(rest, DEFAULT_SETTINGS, this.context());
    const token = randomBytes(16).toString('hex');
    return this.db.transaction(async (tx) => {
      const endpoint = await store.insertInboundEndpoint(tx, {
        ...settings,
        id: newUuid(),
        projectId,
        tokenHash: sha256Hex(token),
        tokenSealed: this.secretBox.encrypt(token),
        ttlMinutes: ephemeral === true ? (ttlMinutes ?? DEFAULT_TTL_MINUTES) : null,
      });
      const key = settings.signing_enabled ? await this.insertKey(tx, endpoint.id) : null;
      return { endpoint, token, key };
    });
  }

  /** A page of `limit`, or (limit null) every endpoint after the cursor: the hb CLI reads one list only. */
  async list(projectId: string, page: { cursor?: string | undefined; limit: number | null }) {
    const after = page.cursor ? decodeIdCursor(page.cursor, isUuid) : null;
    const rows = await store.listInboundEndpoints(this.db, projectId, { after, limit: page.limit });
    return page.limit === null ? { rows, nextCursor: null } : idPage(rows, page.limit);
  }

  async get(projectId: string, id: string): Promise<store.InboundEndpointRow> {
    const row = await store.findInboundEndpoint(this.db, projectId, parseInboundId(id));
    if (!row) throw inboundNotFound();
    return row;
  }

  /** Only the fields sent change. Turning signing on for an endpoint without keys creates its first key. */
  async update(projectId: string, id: string, input: UpdateInboundInput) {
    const current = await this.get(projectId, id);
    // Checked (DNS included) before the row is locked; applied again to the locked row below.
    await applyInput(input, current, this.context());
    return this.locked(projectId, id, async (tx, locked) => {
      const settings = await applyInput(
        { ...input, url: undefined },
        settingsOf(locked, input),
        this.context(),
      );
      const endpoint = (await store.updateInboundEndpoint(tx, projectId, locked.id, settings))!;
      if (endpoint.mode !== locked.mode) await store.rescheduleForMode(tx, locked.id, endpoint.mode);
      const needsKey = settings.signing_enabled && (await keys.listKeys(tx, locked.id)).length === 0;
      return { endpoint, key: needsKey ? await this.insertKey(tx, locked.id) : null };
    }).then(async (result) => {
      if (result.endpoint.mode === 'forward') await notify(this.db, MESSAGES_CHANNEL);
      return result;
    });
  }

  /** Soft delete: ingests answer 410 from now on; messages already accepted are left to finish. */
  async delete(projectId: string, id: string): Promise<string> {
    const endpointId = parseInboundId(id);
    if (!(await store.setState(this.db, projectId, endpointId, { deleted: true }))) throw inboundNotFound();
    return endpointId;
  }

  /** Paused endpoints refuse ingests (503); what they accepted before is still forwarded. */
  async setPaused(projectId: string, id: string, paused: boolean): Promise<string> {
    const endpointId = parseInboundId(id);
    if (!(await store.setState(this.db, projectId, endpointId, { paused }))) throw inboundNotFound();
    return endpointId;
  }

  /** The URL providers post to; null for rows written before the token was kept sealed. */
  ingestUrl(row: store.InboundEndpointRow, requestOrigin: string): string | null {
    if (!row.secret_token_sealed) return null;
    const base = this.config.publicUrl ?? requestOrigin;
    return `${base}/v1/webhooks/receive/${row.id}/${this.secretBox.decrypt(row.secret_token_sealed)}`;
  }

  async createSigningKey(projectId: string, id: string): Promise<NewKey> {
    return this.locked(projectId, id, async (tx, endpoint) => {
      assertRoomForKey((await keys.listKeys(tx, endpoint.id)).length);
      return this.insertKey(tx, endpoint.id);
    });
  }

  async listSigningKeys(projectId: string, id: string): Promise<keys.InboundSigningKeyRow[]> {
    const endpoint = await this.get(projectId, id);
    return keys.listKeys(this.db, endpoint.id);
  }

  async deleteSigningKey(projectId: string, id: string, keyId: string): Promise<void> {
    await this.locked(projectId, id, async (tx, endpoint) => {
      assertKeyDeletable(await keys.listKeys(tx, endpoint.id), keyId);
      await keys.deleteKey(tx, endpoint.id, keyId);
    });
  }

  private locked<T>(
    projectId: string,
    id: string,
    work: (tx: Queryable, endpoint: store.InboundEndpointRow) => Promise<T>,
  ): Promise<T> {
    const endpointId = parseInboundId(id);
    return this.db.transaction(async (tx) => {
      const endpoint = await store.findInboundEndpoint(tx, projectId, endpointId, { lock: true });
      if (!endpoint) throw inboundNotFound();
      return work(tx, endpoint);
    });
  }

  private async insertKey(tx: Queryable, endpointId: string): Promise<NewKey> {
    const secret = generateSigningSecret();
    const row = await keys.insertKey(tx, {
      id: newHexId('sk'),
      endpointId,
      sealedSecret: this.secretBox.encrypt(secret),
      keyHint: keyHint(secret),
    });
    return { row, secret };
  }

  private context() {
    return { secretBox: this.secretBox, allowPrivate: this.config.allowPrivateNetworks };
  }
}

/** The locked row's settings, with the URL already validated from `input` carried over. */
function settingsOf(row: store.InboundEndpointRow, input: UpdateInboundInput): store.InboundSettings {
  const settings = Object.fromEntries(
    Object.keys(DEFAULT_SETTINGS).map((key) => [key, row[key as keyof store.InboundSettings]]),
  ) as unknown as store.InboundSettings;
  return input.url === undefined ? settings : { ...settings, url: input.url };
}
