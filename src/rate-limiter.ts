// Keeps requests within Feishu's limits (§3.3): at most N requests in any window of W ms.
// Sliding windows are stricter than the fixed windows a server may count in, so staying inside
// them keeps us inside Feishu's. No I/O except waiting.

export interface Limit {
  readonly count: number
  readonly windowMs: number
}

export class SlidingWindowLimiter {
  /** Start times of the requests still inside the longest window, oldest first. */
  private readonly starts: number[] = []
  private readonly longestMs: number

  constructor(
    private readonly limits: readonly Limit[],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.longestMs = Math.max(...limits.map((limit) => limit.windowMs))
  }

  /** Resolves when one more request fits in every window, counting it; returns the start time counted. */
  async acquire(): Promise<number> {
    for (;;) {
      const now = this.now()
      while (this.starts.length > 0 && this.starts[0]! <= now - this.longestMs) this.starts.shift()
      const waitMs = Math.max(0, ...this.limits.map((limit) => this.waitFor(limit, now)))
      if (waitMs === 0) {
        this.starts.push(now)
        return now
      }
      await this.sleep(waitMs)
    }
  }

  /** How long until one more request fits in `limit`'s window. */
  private waitFor(limit: Limit, now: number): number {
    const inWindow = this.starts.filter((start) => start > now - limit.windowMs)
    if (inWindow.length < limit.count) return 0
    return inWindow[inWindow.length - limit.count]! + limit.windowMs - now + 1
  }
}

/** One limiter per key (a chat or a user), made on first use. */
export class KeyedLimiter {
  private readonly limiters = new Map<string, SlidingWindowLimiter>()

  constructor(private readonly make: () => SlidingWindowLimiter) {}

  acquire(key: string): Promise<number> {
    let limiter = this.limiters.get(key)
    if (!limiter) {
      limiter = this.make()
      this.limiters.set(key, limiter)
    }
    return limiter.acquire()
  }
}
