import { AppError } from '../../errors.js';
import { isUuid, newUuid } from '../../lib/ids.js';
import { type Db, notify } from '../../store/db.js';
import { API_KEYS_CHANNEL } from '../api-keys/key-cache.js';
import * as store from './store.js';

/** Projects created by a self-hosted install all belong to this one tenant. */
export const SELF_HOSTED_TENANT = 'self-hosted';
export const DEFAULT_PROJECT_NAME = 'Default';
/** API requests per minute when a project asks for "system default" (0). */
export const SYSTEM_RATE_LIMIT_DEFAULT = 1000;

export class ProjectService {
  constructor(
    private readonly db: Db,
    /** Called after a project is deleted (the key cache of this process forgets at once). */
    private readonly onDeleted: () => void = () => {},
  ) {}

  create(input: { name: string; rateLimitDefault?: number | undefined }) {
    return store.insertProject(this.db, {
      id: newUuid(),
      tenantId: SELF_HOSTED_TENANT,
      name: input.name,
      rateLimitDefault: input.rateLimitDefault || SYSTEM_RATE_LIMIT_DEFAULT,
    });
  }

  /** Another project's id and a malformed id answer exactly like a missing one. */
  async get(id: string): Promise<store.ProjectRow> {
    const project = isUuid(id) ? await store.findProject(this.db, id) : null;
    if (!project) throw new AppError('NOT_FOUND', 'Project not found');
    return project;
  }

  list() {
    return store.listProjects(this.db);
  }

  async update(id: string, changes: { name?: string | undefined; rateLimitDefault?: number | undefined }) {
    const project = isUuid(id) ? await store.updateProject(this.db, id, changes) : null;
    if (!project) throw new AppError('NOT_FOUND', 'Project not found');
    return project;
  }

  async delete(id: string): Promise<void> {
    const deleted =
      isUuid(id) &&
      (await this.db.transaction(async (tx) => {
        if (!(await store.softDeleteProject(tx, id))) return false;
        // Its keys stop working everywhere: every process drops its cached keys.
        await notify(tx, API_KEYS_CHANNEL, '');
        return true;
      }));
    if (!deleted) throw new AppError('NOT_FOUND', 'Project not found');
    this.onDeleted();
  }

  async ensureDefault(): Promise<store.ProjectRow> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('hookbridge.default-project'))`);
      const existing = await store.findProjectByName(tx, DEFAULT_PROJECT_NAME);
      if (existing) return existing;
      return store.insertProject(tx, {
        id: newUuid(),
        tenantId: SELF_HOSTED_TENANT,
        name: DEFAULT_PROJECT_NAME,
        rateLimitDefault: SYSTEM_RATE_LIMIT_DEFAULT,
      });
    });
  }

  async isEmpty(): Promise<boolean> {
    return (await store.countProjects(this.db)) === 0;
  }
}
