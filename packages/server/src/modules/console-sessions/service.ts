import { hash } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { safeEqual, sha256Hex } from '../../lib/crypto.js';
import { newHexId, randomString } from '../../lib/ids.js';
import type { Db } from '../../store/db.js';
import type { ApiKeyService } from '../api-keys/service.js';
import type { ProjectService } from '../projects/service.js';
import * as store from './store.js';

export const SESSION_COOKIE = 'hb_session';
/** A console session lasts a working day; signing in again is cheap. */
export const SESSION_TTL_SECONDS = 12 * 3600;

export interface OpenedSession {
  /** The cookie value: shown to the browser once, stored only as its SHA-256. */
  token: string;
  row: store.SessionRow;
}

/**
 * The CSRF token of a session, derived from its cookie token: the browser's script learns it from the
 * sign-in answer (or GET /v1/console/session) and sends it as X-CSRF-Token, which a cross-site form or
 * fetch cannot. The database holds neither the token nor this value.
 */
export function csrfTokenFor(sessionToken: string): string {
  return hash('sha256', `hookbridge-console-csrf:${sessionToken}`, 'base64url');
}

export class ConsoleSessionService {
  constructor(
    private readonly db: Db,
    private readonly apiKeys: ApiKeyService,
    private readonly projects: ProjectService,
    private readonly adminToken: string | null,
  ) {}

  async openWithKey(apiKey: string): Promise<OpenedSession> {
    const key = await this.apiKeys.verifyKey(apiKey);
    if (!key) throw new AppError('UNAUTHORIZED');
    return this.open({ project_id: key.projectId, key_id: key.keyId, admin_hash: null, mode: key.mode });
  }

  async openAsAdmin(token: string, projectId: string | null): Promise<OpenedSession> {
    if (!this.adminToken || !safeEqual(token, this.adminToken)) throw new AppError('UNAUTHORIZED');
    if (projectId) await this.projects.get(projectId);
    return this.open({
      project_id: projectId,
      key_id: null,
      admin_hash: sha256Hex(this.adminToken),
      mode: 'live',
    });
  }

  /** The principal a session cookie stands for, or null when it is unknown, expired or revoked. */
  async verifySession(token: string, requestedProject: string | null): Promise<Principal | null> {
    if (!/^[a-z0-9]{43}$/.test(token)) return null;
    const row = await store.findSession(this.db, sha256Hex(token));
    if (!row) return null;
    if (row.key_id) return { kind: 'key', projectId: row.project_id!, keyId: row.key_id, mode: row.mode };
    // An admin session holds while the admin token it was opened with is still the configured one.
    if (!this.adminToken || !row.admin_hash || !safeEqual(row.admin_hash, sha256Hex(this.adminToken))) {
      return null;
    }
    const projectId = requestedProject ?? row.project_id;
    if (requestedProject) await this.projects.get(requestedProject);
    return { kind: 'admin', projectId, mode: 'live' };
  }

  csrfMatches(token: string, presented: string | null): boolean {
    return presented !== null && safeEqual(presented, csrfTokenFor(token));
  }

  /** Ends the session on the server: the cookie stops working even if a copy of it survives. */
  async close(token: string): Promise<void> {
    await store.deleteSession(this.db, sha256Hex(token));
  }

  private async open(row: Omit<store.SessionRow, 'id' | 'expires_at'>): Promise<OpenedSession> {
    const token = randomString(43);
    await store.deleteExpired(this.db);
    const saved = await store.insertSession(this.db, {
      ...row,
      id: newHexId('ses'),
      tokenHash: sha256Hex(token),
      ttlSeconds: SESSION_TTL_SECONDS,
    });
    return { token, row: saved };
  }
}
