import type { ClaimedMessage, EndpointTarget } from './queue-store.js';

/** A leased message's endpoint as the insert read it; the signing secrets still sealed. */
export interface PrefetchedEndpoint {
  target: EndpointTarget;
  sealedSecrets: string[];
}

/**
 * Direct dispatch: a process that accepts sends and runs a worker with room writes new messages already
 * leased to that worker and hands them over in memory after the commit. No NOTIFY, no claim and no second
 * commit before the first attempt; if the process dies first, the lease runs out and any worker takes
 * the message over, as it does for a claimed one.
 */
export interface DirectDispatcher {
  readonly workerId: string;
  readonly leaseMs: number;
  /** Reserves worker slots for the first of these (not yet written) messages; returns how many. */
  reserve(ids: string[]): number;
  /**
   * After the write: `leased` were committed leased to the worker (it attempts them now); the other
   * reserved ids were not written leased (held, rate limited, or not inserted). `failed`: the write's
   * outcome is unknown, so the worker returns whatever it may hold leased and does not track.
   * `endpoints`: the leased messages' endpoints, read by the insert (the worker reads them itself
   * when one is missing).
   */
  handOver(
    leased: ClaimedMessage[],
    unused: string[],
    failed: boolean,
    endpoints?: Map<string, PrefetchedEndpoint>,
  ): void;
}
