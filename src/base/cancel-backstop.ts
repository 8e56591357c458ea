// The last word on a cancelled run: once the runner has sent SIGINT or SIGTERM, the step has
// CANCEL_GRACE_MS for requests in flight and a little more to write its outputs and summary; if
// anything still holds the process past that (a stage that honours no signal), it says so in one
// line and exits non-zero, well before the runner kills it without a word. Never fires for a run
// that was not cancelled, and its timer never keeps the process alive.

import { CANCEL_GRACE_MS, type Cancellation } from './cancel.js'

/** From the signal to the forced exit: the grace, then 3 s to report (the runner kills about 7.5 s after SIGINT). */
const BACKSTOP_MS = CANCEL_GRACE_MS + 3000

export function cancelBackstop(
  cancellation: Cancellation,
  options: { onExpire: (line: string) => void; exit?: (code: number) => void; afterMs?: number },
): { stop(): void } {
  const { onExpire, exit = (code) => process.exit(code), afterMs = BACKSTOP_MS } = options
  const start = (): void => {
    const timer = setTimeout(() => {
      onExpire(
        `Cancelled (${cancellation.reason ?? 'signal'}): the step did not finish within ${afterMs / 1000} s of the signal; exiting now.`,
      )
      exit(1)
    }, afterMs)
    // Only a process held by something else waits for it.
    timer.unref()
  }
  if (cancellation.signal.aborted) start()
  else cancellation.signal.addEventListener('abort', start, { once: true })
  return {
    // A signal after the step finished starts nothing; one already started still guards the exit.
    stop: () => cancellation.signal.removeEventListener('abort', start),
  }
}
