import type { Queryable } from '../../store/db.js';
import { findKeyLabels } from './store.js';

/** Display names for the ids recorded on objects: the label and prefix of each of the project's keys. */
export class ActorQueries {
  constructor(private readonly db: Queryable) {}

  /** Keyed by key id; ids of deleted keys, unknown keys and other projects' keys are absent. */
  async apiKeyNames(
    projectId: string,
    keyIds: string[],
  ): Promise<Record<string, { label: string; prefix: string }>> {
    const rows = await findKeyLabels(this.db, projectId, keyIds);
    return Object.fromEntries(
      rows.map((row) => [row.id, { label: row.label ?? row.prefix, prefix: row.prefix }]),
    );
  }
}
