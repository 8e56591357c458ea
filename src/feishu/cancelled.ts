// What a cancelled run (the runner's SIGINT/SIGTERM, base/cancel.ts) means for requests to Feishu:
// none starts once the run is cancelled, waits (retries, rate limits) end at once, and a request
// already sent gets CANCEL_GRACE_MS to be answered before it is given up. Each ends in a
// FeishuError saying which of the two it was, so the report can name what was not reached. Used by
// the requester, so every phase that talks to Feishu (sends, lookups, uploads, the approval wait)
// stops the same way; knows nothing of how results are reported.

import { setMaxListeners } from 'node:events'
import { CANCEL_GRACE_MS, type Cancellation } from '../base/cancel.js'
import { FeishuError } from './errors.js'

/** A request that was never started: the run was cancelled first. */
export function notStartedError(reason: string): FeishuError {
  return new FeishuError({
    code: null,
    msg: '',
    httpStatus: null,
    logId: '',
    meaning: `not sent: the run was cancelled (${reason}) before this request started`,
    fix: 'run the job again to send it',
    final: true,
    notSent: true,
    cancelled: 'before-send',
  })
}

/** A request that was sent, and not answered within the grace after the run was cancelled. */
export function unansweredError(reason: string, host: string): FeishuError {
  return new FeishuError({
    code: null,
    msg: '',
    httpStatus: null,
    logId: '',
    meaning: `the run was cancelled (${reason}) while ${host} had not answered yet (given ${CANCEL_GRACE_MS / 1000} s more): it may have arrived`,
    fix: 'check the chat; running the step again in the same attempt cannot send it twice (the same uuid)',
    final: true,
    cancelled: 'in-flight',
  })
}

/** The cancellation as requests see it: `stop` (start nothing more) and `inFlight` (give up what was sent). */
export class RequestCancellation {
  readonly inFlight: AbortSignal

  constructor(private readonly cancellation: Cancellation) {
    this.inFlight = cancellation.afterGrace(CANCEL_GRACE_MS)
    // Every request and every wait listens while it lasts (16 at once and more): no leak warning.
    setMaxListeners(0, cancellation.signal, this.inFlight)
  }

  get stopped(): boolean {
    return this.cancellation.signal.aborted
  }

  get reason(): string {
    return this.cancellation.reason ?? 'cancelled'
  }

  /** Throws when the run was cancelled: call before starting a request. */
  check(): void {
    if (this.stopped) throw notStartedError(this.reason)
  }

  /**
   * Waits `ms` (with `sleep` when given, as tests do), ended at once by a cancellation, which it
   * throws as a request not started; its timer is cleared, so nothing keeps the process alive.
   */
  async sleep(ms: number, sleep?: (ms: number) => Promise<void>): Promise<void> {
    this.check()
    const signal = this.cancellation.signal
    let onAbort: (() => void) | undefined
    let timer: NodeJS.Timeout | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        onAbort = () => reject(notStartedError(this.reason))
        signal.addEventListener('abort', onAbort, { once: true })
        if (sleep) sleep(ms).then(resolve, reject)
        else timer = setTimeout(resolve, ms)
      })
    } finally {
      clearTimeout(timer)
      if (onAbort) signal.removeEventListener('abort', onAbort)
    }
  }
}
