export interface BulkResult {
  message_id: string;
  status: 'replayed' | 'failed';
  error?: string;
}

export interface BulkReplay {
  replayed: number;
  failed: number;
  /** Messages being delivered right now: neither replayed nor failed. */
  stuck: number;
  results: BulkResult[];
  replayedIds: string[];
  stuckIds: string[];
}

/**
 * The replay-all / replay-batch summary of a bulk replay, one result per id in order: replayed, stuck (being
 * delivered right now, left alone) or failed. Generic over the outcome rows, so any queue can use it.
 */
export function summariseReplays(
  ids: string[],
  outcomes: Array<{ id: string; status: string; replayed: boolean }>,
): BulkReplay {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const summary: BulkReplay = {
    replayed: 0,
    failed: 0,
    stuck: 0,
    results: [],
    replayedIds: [],
    stuckIds: [],
  };
  for (const id of ids) {
    const outcome = byId.get(id);
    if (outcome?.replayed) {
      summary.replayed++;
      summary.replayedIds.push(id);
      summary.results.push({ message_id: id, status: 'replayed' });
      continue;
    }
    const stuck = outcome?.status === 'delivering';
    if (stuck) {
      summary.stuck++;
      summary.stuckIds.push(id);
    } else summary.failed++;
    const error = stuck
      ? 'message is being delivered'
      : outcome
        ? 'message not replayable'
        : 'message not found';
    summary.results.push({ message_id: id, status: 'failed', error });
  }
  return summary;
}
