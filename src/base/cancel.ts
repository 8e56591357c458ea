// Cancellation: what the runner sends when a run is cancelled or times out (SIGINT, then SIGTERM
// a few seconds later, then a kill). Once a handler is installed Node no longer exits on these
// signals, so every long phase (the fan-out, uploads, the approval wait) can stop starting new work,
// let what is in flight finish within a short grace, and report what it knows before exiting.
// The process-facing part is `watchSignals`; phases only see a `Cancellation`, so tests drive it
// with `manualCancellation`.

/** The signals the runner sends to cancel a step. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

export interface Cancellation {
  /** Aborted on the first cancelling signal: stop starting new work. */
  readonly signal: AbortSignal
  /** The signal's name once cancelled ('SIGTERM'), else undefined. */
  readonly reason: string | undefined
  /**
   * A signal for work in flight: aborted `graceMs` after cancellation (never before it), so a
   * request already sent gets a short time to be answered and its result recorded.
   */
  afterGrace(graceMs?: number): AbortSignal
}

/** How long requests in flight may take after a cancelling signal, at most. */
export const CANCEL_GRACE_MS = 3000

class Cancelled implements Cancellation {
  private readonly controller = new AbortController()
  get signal(): AbortSignal {
    return this.controller.signal
  }
  get reason(): string | undefined {
    return this.controller.signal.aborted ? String(this.controller.signal.reason) : undefined
  }
  cancel(reason = 'SIGTERM'): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason)
  }
  afterGrace(graceMs = CANCEL_GRACE_MS): AbortSignal {
    const grace = new AbortController()
    const start = (): void => {
      const timer = setTimeout(() => grace.abort(this.reason), graceMs)
      timer.unref()
    }
    if (this.signal.aborted) start()
    else this.signal.addEventListener('abort', start, { once: true })
    return grace.signal
  }
}

/** A cancellation driven by hand: for tests, and for a step that is never cancelled. */
export function manualCancellation(): Cancellation & { cancel(reason?: string): void } {
  return new Cancelled()
}

/** Something that emits process signals: `process`, or a stand-in in tests. */
export interface SignalSource {
  on(signal: (typeof SIGNALS)[number], listener: () => void): unknown
  off(signal: (typeof SIGNALS)[number], listener: () => void): unknown
}

/**
 * Turns the runner's SIGINT/SIGTERM into a Cancellation. `stop()` removes the handlers, so a
 * signal after the step has finished behaves as Node's default again.
 */
export function watchSignals(source: SignalSource = process): { cancellation: Cancellation; stop(): void } {
  const cancellation = new Cancelled()
  const listeners = SIGNALS.map((name) => {
    const listener = (): void => cancellation.cancel(name)
    source.on(name, listener)
    return [name, listener] as const
  })
  return {
    cancellation,
    stop: () => {
      for (const [name, listener] of listeners) source.off(name, listener)
    },
  }
}
