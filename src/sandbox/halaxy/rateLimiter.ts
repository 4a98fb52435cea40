/** The outcome of counting one request against a client's window. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests the client may still make in the current window (0 when refused). */
  remaining: number;
  /** Refused requests only: whole seconds until the oldest counted request leaves the window (at least 1). */
  retryAfterSeconds?: number;
}

/**
 * Halaxy's per-client limit: at most `limit` requests in any `windowMs` (a sliding window, not fixed minutes).
 * Only admitted requests are counted, so a client that keeps retrying while refused does not push its own recovery
 * further away; the window frees one place each time its oldest admitted request ages out.
 */
export class SlidingWindowRateLimiter {
  private readonly admitted = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The Halaxy rate limit must be a positive integer (got ${limit}).`);
    }
  }

  /** Counts a request by `clientId` at `now` (epoch ms) when there is room, and says whether it may proceed. */
  take(clientId: string, now: number): RateLimitDecision {
    let times = this.admitted.get(clientId);
    if (!times) {
      times = [];
      this.admitted.set(clientId, times);
    }
    const windowStart = now - this.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= windowStart) {
      expired++;
    }
    times.splice(0, expired);
    if (times.length >= this.limit) {
      const retryAfterMs = times[0] + this.windowMs - now;
      return { allowed: false, limit: this.limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    times.push(now);
    return { allowed: true, limit: this.limit, remaining: this.limit - times.length };
  }
}
