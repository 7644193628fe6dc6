/**
 * Counts failed authentications per client address in fixed windows. Past the limit the client gets
 * 429 until its window ends, so a key cannot be guessed by brute force. Per process by design: a
 * distributed attacker meets one limiter per API process, which still caps guesses at a tiny rate.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the client may try again, or 0 when it is not blocked. */
  retryAfterSeconds(client: string): number {
    const window = this.windows.get(client);
    if (!window) return 0;
    const remaining = window.resetAt - this.now();
    if (remaining <= 0) {
      this.windows.delete(client);
      return 0;
    }
    return window.count >= this.limit ? Math.ceil(remaining / 1000) : 0;
  }

  recordFailure(client: string): void {
    const now = this.now();
    const window = this.windows.get(client);
    if (!window || window.resetAt <= now) {
      if (this.windows.size >= 100_000) this.sweep(now);
      this.windows.set(client, { count: 1, resetAt: now + this.windowMs });
    } else {
      window.count++;
    }
  }

  private sweep(now: number): void {
    for (const [client, window] of this.windows) if (window.resetAt <= now) this.windows.delete(client);
  }
}
