import { randomBytes } from 'node:crypto';
import type { Config } from '../../../config.js';
import { AppError } from '../../../errors.js';
import { sha256Hex } from '../../../lib/crypto.js';
import { isUuid, newUuid } from '../../../lib/ids.js';
import type { SecretBox } from '../../../lib/secret-box.js';
import type { Db } from '../../../store/db.js';
import { applyInput, DEFAULT_SETTINGS } from '../endpoints/settings.js';
import type { InboundSettings } from '../endpoints/store.js';
import { decodeIdCursor, idPage } from '../../shared/id-page.js';
import * as store from './endpoint-store.js';
import type { CreatePullInput, UpdatePullInput } from './schemas.js';

export function pullEndpointNotFound(): AppError {
  return new AppError('ENDPOINT_NOT_FOUND', 'Pull endpoint not found');
}

/** A path id that is not a UUID names no endpoint: answered exactly like an unknown one. */
export function parsePullId(id: string): string {
  if (!isUuid(id)) throw pullEndpointNotFound();
  return id.toLowerCase();
}

function invalid(message: string): never {
  throw new AppError('INVALID_REQUEST', message);
}

/**
 * Pull endpoints: inbound endpoints of mode pull, so they share the ingest URL, its verification and its
 * rejections log. Every operation is scoped by project.
 */
export class PullEndpointService {
  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
    private readonly config: Pick<Config, 'allowPrivateNetworks' | 'publicUrl' | 'retentionDays'>,
  ) {}

  async create(projectId: string, input: CreatePullInput) {
    const settings = await this.apply(input, {
      ...pullSettingsOf(DEFAULT_SETTINGS),
      retention_days: Math.min(Math.max(this.config.retentionDays, 1), 365),
      event_type_source: null,
      event_type_path: null,
    });
    const token = randomBytes(16).toString('hex');
    const endpoint = await store.insertPullEndpoint(this.db, {
      ...settings,
      id: newUuid(),
      projectId,
      tokenHash: sha256Hex(token),
      tokenSealed: this.secretBox.encrypt(token),
    });
    return { endpoint, token };
  }

  async list(projectId: string, page: { cursor?: string | undefined; limit: number }) {
    const after = page.cursor ? decodeIdCursor(page.cursor, isUuid) : null;
    return idPage(
      await store.listPullEndpoints(this.db, projectId, { after, limit: page.limit }),
      page.limit,
    );
  }

  async get(projectId: string, id: string): Promise<store.PullEndpointRow> {
    const row = await store.findPullEndpoint(this.db, projectId, parsePullId(id));
    if (!row) throw pullEndpointNotFound();
    return row;
  }

  counts(endpointId: string): Promise<store.EventCounts> {
    return store.countEvents(this.db, endpointId);
  }

  /** Only the fields sent change; the row is locked while they are applied. */
  async update(projectId: string, id: string, input: UpdatePullInput): Promise<store.PullEndpointRow> {
    const endpointId = parsePullId(id);
    return this.db.transaction(async (tx) => {
      const current = await store.findPullEndpoint(tx, projectId, endpointId, { lock: true });
      if (!current) throw pullEndpointNotFound();
      const settings = await this.apply(input, current);
      return (await store.updatePullEndpoint(tx, projectId, endpointId, settings))!;
    });
  }

  /** Soft delete: ingests answer 410, and its events are no longer reachable. */
  async delete(projectId: string, id: string): Promise<string> {
    const endpointId = parsePullId(id);
    if (!(await store.setPullState(this.db, projectId, endpointId, { deleted: true }))) {
      throw pullEndpointNotFound();
    }
    return endpointId;
  }

  /** Paused endpoints refuse ingests with 503 and store nothing; stored events stay retrievable. */
  async setPaused(projectId: string, id: string, paused: boolean): Promise<string> {
    const endpointId = parsePullId(id);
    if (!(await store.setPullState(this.db, projectId, endpointId, { paused }))) throw pullEndpointNotFound();
    return endpointId;
  }

  /** The URL providers post to: the same receive route as inbound endpoints. */
  ingestUrl(row: store.PullEndpointRow, requestOrigin: string): string | null {
    if (!row.secret_token_sealed) return null;
    const base = this.config.publicUrl ?? requestOrigin;
    return `${base}/v1/webhooks/receive/${row.id}/${this.secretBox.decrypt(row.secret_token_sealed)}`;
  }

  /**
   * The verification settings go through the inbound endpoints' own rules (hashing, sealing, checks) as a
   * cli-mode endpoint, which needs no URL; the pull settings are checked here.
   */
  private async apply(input: UpdatePullInput, base: store.PullSettings): Promise<store.PullSettings> {
    const { retention_days, event_type_source, event_type_path, ...verification } = input;
    const inboundBase: InboundSettings = { ...base, mode: 'cli', url: null, signing_enabled: false };
    const applied = await applyInput(verification, inboundBase, {
      secretBox: this.secretBox,
      allowPrivate: this.config.allowPrivateNetworks,
    });
    const next: store.PullSettings = {
      ...pullSettingsOf(applied),
      retention_days: retention_days ?? base.retention_days,
      event_type_source: event_type_source === undefined ? base.event_type_source : event_type_source,
      event_type_path: event_type_path === undefined ? base.event_type_path : event_type_path,
    };
    if (next.event_type_source && !next.event_type_path) {
      invalid('event_type_path is required when event_type_source is set');
    }
    if (next.event_type_path && !next.event_type_source) {
      invalid('event_type_source is required when event_type_path is set');
    }
    return next;
  }
}

function pullSettingsOf(settings: InboundSettings): Omit<store.PullSettings, keyof store.PullOnlySettings> {
  const { mode: _mode, url: _url, signing_enabled: _signing, ...rest } = settings;
  return rest;
}
