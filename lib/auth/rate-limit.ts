/**
 * In-memory sliding-window limiter (per process). Used per client address for sign-in attempts,
 * beside the per-account lockout kept in the database. Several app processes each keep their own
 * window, so the effective limit is N × processes — the account lockout is the shared backstop.
 */
export class SlidingWindowLimiter {
  private hits = new Map<string, number[]>();
  constructor(
    private limit: number,
    private windowMs: number,
    private maxKeys = 50_000,
  ) {}

  /** Records an attempt; false when the key is over its limit (the attempt is still counted). */
  hit(key: string, now = Date.now()): boolean {
    const since = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    list.push(now);
    this.hits.delete(key);
    this.hits.set(key, list);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value as string);
    return list.length <= this.limit;
  }

  /** True when the key has used up its window (without recording anything). */
  isBlocked(key: string, now = Date.now()): boolean {
    return (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs).length >= this.limit;
  }

  /** Seconds until the key may try again (0 when it may now). */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length < this.limit) return 0;
    return Math.ceil((list[list.length - this.limit] + this.windowMs - now) / 1000);
  }

  reset(key?: string): void {
    if (key === undefined) this.hits.clear();
    else this.hits.delete(key);
  }
}
