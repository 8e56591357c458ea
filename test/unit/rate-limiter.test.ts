import { afterEach, describe, expect, it, vi } from 'vitest'
import { KeyedLimiter, SlidingWindowLimiter } from '../../src/feishu/rate-limiter.js'

/** A clock that only moves when the limiter sleeps, so the test sees exactly when each request may start. */
function virtualClock() {
  let now = 0
  return {
    now: () => now,
    sleep: (ms: number) => {
      now += ms
      return Promise.resolve()
    },
  }
}

afterEach(() => vi.useRealTimers())

describe('SlidingWindowLimiter', () => {
  it('lets `count` requests through per window and delays the rest to the next window', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter([{ count: 5, windowMs: 1000 }], clock.now, clock.sleep)
    const starts: number[] = []
    for (let i = 0; i < 12; i++) {
      await limiter.acquire()
      starts.push(clock.now())
    }
    expect(starts).toEqual([0, 0, 0, 0, 0, 1001, 1001, 1001, 1001, 1001, 2002, 2002])
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThan(1000)
  })

  it('honours every limit at once: 50 per second and 1000 per minute', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter(
      [
        { count: 50, windowMs: 1000 },
        { count: 1000, windowMs: 60_000 },
      ],
      clock.now,
      clock.sleep,
    )
    const starts: number[] = []
    for (let i = 0; i < 1050; i++) {
      await limiter.acquire()
      starts.push(clock.now())
    }
    for (let i = 50; i < starts.length; i++) expect(starts[i]! - starts[i - 50]!).toBeGreaterThan(1000 - 1)
    for (let i = 1000; i < starts.length; i++) expect(starts[i]! - starts[i - 1000]!).toBeGreaterThanOrEqual(60_000)
    expect(starts[999]).toBeLessThan(20_100)
    expect(starts[1000]).toBeGreaterThanOrEqual(60_000)
  })

  it('keeps concurrent callers within the limit (real time)', async () => {
    const limiter = new SlidingWindowLimiter([{ count: 3, windowMs: 50 }])
    const starts: number[] = []
    await Promise.all(
      Array.from({ length: 9 }, async () => {
        // The time the limiter counted: the moment this caller resumes may come later under load.
        starts.push((await limiter.acquire()).start)
      }),
    )
    starts.sort((a, b) => a - b)
    for (let i = 3; i < starts.length; i++) expect(starts[i]! - starts[i - 3]!).toBeGreaterThanOrEqual(50)
  })

  it('counts a settled request from when its answer came back', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter([{ count: 1, windowMs: 1000 }], clock.now, clock.sleep)
    const slot = await limiter.acquire()
    await clock.sleep(300) // the request is in flight for 300 ms
    slot.settle()
    await limiter.acquire()
    expect(clock.now()).toBe(1301)
  })

  it('counts from the oldest stamp when answers come back out of order', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter([{ count: 2, windowMs: 1000 }], clock.now, clock.sleep)
    const first = await limiter.acquire()
    const second = await limiter.acquire()
    second.settle() // answered at once: counted from 0
    await clock.sleep(500)
    first.settle() // answered after 500 ms: counted from 500, after the second
    expect((await limiter.acquire()).start).toBe(1001)
    expect((await limiter.acquire()).start).toBe(1501)
  })

  it('lets a request leave a shorter window exactly windowMs after it was counted', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter(
      [
        { count: 1, windowMs: 1000 },
        { count: 100, windowMs: 60_000 },
      ],
      clock.now,
      clock.sleep,
    )
    await limiter.acquire()
    await clock.sleep(1000)
    expect((await limiter.acquire()).start).toBe(1000)
  })

  it('forgets requests older than its longest window, so memory stays bounded', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter(
      [
        { count: 10, windowMs: 500 },
        { count: 10, windowMs: 1000 },
      ],
      clock.now,
      clock.sleep,
    )
    const stamps = (): number[] => (limiter as unknown as { stamps: { time: number }[] }).stamps.map((s) => s.time)
    for (let i = 0; i < 3; i++) await limiter.acquire()
    await clock.sleep(999)
    await limiter.acquire()
    expect(stamps()).toEqual([0, 0, 0, 999])
    await clock.sleep(1)
    await limiter.acquire()
    expect(stamps()).toEqual([999, 1000])
    await clock.sleep(5000)
    await limiter.acquire()
    expect(stamps()).toEqual([6000])
  })

  it('waits on the real clock by default, without spinning', async () => {
    vi.useFakeTimers({ now: 0 })
    const limiter = new SlidingWindowLimiter([{ count: 1, windowMs: 1000 }])
    await limiter.acquire()
    let second: number | undefined
    const waiting = limiter.acquire().then((slot) => (second = slot.start))
    await vi.advanceTimersByTimeAsync(1000)
    expect(second).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    await waiting
    expect(second).toBe(1001)
  })

  it('holds every request back while paused', async () => {
    const clock = virtualClock()
    const limiter = new SlidingWindowLimiter([{ count: 50, windowMs: 1000 }], clock.now, clock.sleep)
    limiter.pauseUntil(2500)
    limiter.pauseUntil(1000)
    expect((await limiter.acquire()).start).toBe(2500)
  })
})

describe('KeyedLimiter', () => {
  it('limits each key on its own', async () => {
    const clock = virtualClock()
    const keyed = new KeyedLimiter(
      () => new SlidingWindowLimiter([{ count: 1, windowMs: 1000 }], clock.now, clock.sleep),
    )
    await keyed.acquire('a')
    await keyed.acquire('b')
    expect(clock.now()).toBe(0)
    await keyed.acquire('a')
    expect(clock.now()).toBe(1001)
  })
})
