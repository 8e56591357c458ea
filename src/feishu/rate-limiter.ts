// Keeps requests within Feishu's limits (§3.3): at most N requests in any window of W ms.
// Feishu counts a request when it arrives, which is some time after it leaves; so each slot is
// stamped when the request starts and again when its answer comes back, and the later stamp
// counts. That bounds the arrival from above, at the cost of about one round trip per window.
// No I/O except waiting.

export interface Limit {
  readonly count: number
  readonly windowMs: number
}

/** One request counted by a limiter; `settle` when its answer arrives. */
export interface Slot {
  readonly start: number
  settle(): void
}

export class SlidingWindowLimiter {
  /** Times of the requests still inside the longest window (start, or answer once settled). */
  private readonly stamps: { time: number }[] = []
  private readonly longestMs: number
  /** Nothing starts before this time: Feishu said the window resets then. */
  private pausedUntil = 0

  constructor(
    private readonly limits: readonly Limit[],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.longestMs = Math.max(...limits.map((limit) => limit.windowMs))
  }

  /** Resolves when one more request fits in every window, counting it from now. */
  async acquire(): Promise<Slot> {
    for (;;) {
      const now = this.now()
      for (let index = this.stamps.length - 1; index >= 0; index--) {
        if (this.stamps[index]!.time <= now - this.longestMs) this.stamps.splice(index, 1)
      }
      const times = this.stamps.map((stamp) => stamp.time).sort((a, b) => a - b)
      const waitMs = Math.max(this.pausedUntil - now, ...this.limits.map((limit) => waitFor(limit, times, now)))
      if (waitMs <= 0) {
        const stamp = { time: now }
        this.stamps.push(stamp)
        return { start: now, settle: () => (stamp.time = Math.max(stamp.time, this.now())) }
      }
      await this.sleep(waitMs)
    }
  }

  /** Holds every request back until `until` (ms since the epoch): a rate-limit answer applies to all of them. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }
}

/** How long until one more request fits in `limit`'s window; `times` sorted, oldest first. */
function waitFor(limit: Limit, times: readonly number[], now: number): number {
  const inWindow = times.filter((time) => time > now - limit.windowMs)
  if (inWindow.length < limit.count) return 0
  return inWindow[inWindow.length - limit.count]! + limit.windowMs - now + 1
}

/** One limiter per key (a chat or a user), made on first use. */
export class KeyedLimiter {
  private readonly limiters = new Map<string, SlidingWindowLimiter>()

  constructor(private readonly make: () => SlidingWindowLimiter) {}

  acquire(key: string): Promise<Slot> {
    let limiter = this.limiters.get(key)
    if (!limiter) {
      limiter = this.make()
      this.limiters.set(key, limiter)
    }
    return limiter.acquire()
  }
}
