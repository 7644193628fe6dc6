import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { newHexId, randomString } from '../../lib/ids.js';
import { type Db, notify } from '../../store/db.js';
import { API_KEYS_CHANNEL, KeyCache } from './key-cache.js';
import { lockProject } from '../projects/store.js';
import * as store from './store.js';

export type KeyMode = 'live' | 'test';

export interface VerifiedKey {
  keyId: string;
  projectId: string;
  mode: KeyMode;
}

export interface CreatedKey {
  row: store.ApiKeyRow;
  /** The plaintext key: returned to the caller once and never stored or logged. */
  key: string;
}

const KEY_PATTERN = /^hb_(live|test)_[a-z0-9]{32}$/;

export function generateKey(mode: KeyMode): string {
  return `hb_${mode}_${randomString(32)}`;
}

export function keyMode(key: string): KeyMode {
  return key.startsWith('hb_test_') ? 'test' : 'live';
}

export class ApiKeyService {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'maxApiKeysPerProject' | 'lastUsedFlushMs'>,
    private readonly cache = new KeyCache(),
  ) {}

  /** Starts applying key deletions made by other processes. */
  listenForRevocations(): Promise<() => Promise<void>> {
    return this.cache.listen(this.db);
  }

  /** Forgets every cached key at once (a project was deleted in this process). */
  forgetAll(): void {
    this.cache.clear();
  }

  /**
   * Resolves a presented key to its project, or null. Lookups are by hash; the plaintext is never stored.
   * The other half of the API-key check, reading the `Authorization` header and attaching the principal
   * (or answering 401), is `installAuth` in http/auth.ts.
   */
  async verifyKey(presented: string): Promise<VerifiedKey | null> {
    if (!KEY_PATTERN.test(presented)) return null;
    const hash = sha256Hex(presented);
    const cached = this.cache.get(hash);
    const row = cached ?? (await store.findActiveKeyByHash(this.db, hash));
    if (!row) return null;
    const staleBeforeMs = Date.now() - this.config.lastUsedFlushMs;
    if (!row.last_used_at || row.last_used_at.getTime() < staleBeforeMs) {
      // Fire and forget: recording use must never slow down or fail the request.
      store.touchKey(this.db, row.id, new Date(staleBeforeMs)).catch(() => {});
      row.last_used_at = new Date();
    }
    // Only a row read from the store starts a cache entry: refreshing the TTL on every hit would let a
    // hot key outlive a missed revocation notice indefinitely.
    if (!cached) this.cache.set(hash, row);
    return { keyId: row.id, projectId: row.project_id, mode: row.mode };
  }

  async create(projectId: string, input: { label?: string | null; mode: KeyMode }): Promise<CreatedKey> {
    const key = generateKey(input.mode);
    const row = await this.db.transaction(async (tx) => {
      await lockProject(tx, projectId);
      if ((await store.countKeys(tx, projectId)) >= this.config.maxApiKeysPerProject) {
        throw new AppError(
          'KEY_LIMIT_EXCEEDED',
          `Maximum of ${this.config.maxApiKeysPerProject} API keys per project`,
        );
      }
      return store.insertKey(tx, {
        id: newHexId('key'),
        projectId,
        keyHash: sha256Hex(key),
        prefix: key.slice(0, 11),
        label: input.label ?? null,
        mode: input.mode,
      });
    });
    return { row, key };
  }

  /** Registers a key whose plaintext the operator chose (HOOKBRIDGE_BOOTSTRAP_API_KEY); idempotent. */
  register(projectId: string, key: string, label: string) {
    return store.insertKey(this.db, {
      id: newHexId('key'),
      projectId,
      keyHash: sha256Hex(key),
      prefix: key.slice(0, 11),
      label,
      mode: keyMode(key),
    });
  }

  list(projectId: string) {
    return store.listKeys(this.db, projectId);
  }

  async delete(projectId: string, keyId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockProject(tx, projectId);
      const keys = await store.listKeys(tx, projectId);
      if (!keys.some((k) => k.id === keyId)) throw new AppError('NOT_FOUND', 'API key not found');
      if (keys.length === 1) throw new AppError('LAST_API_KEY');
      await store.deleteKey(tx, projectId, keyId);
      await notify(tx, API_KEYS_CHANNEL, keyId);
    });
    this.cache.forget(keyId);
  }
}
