// Decides, for one failed request, whether to try again and how long to wait first
// (../shared/feishu-api.md §3.3-3.5, §8, §12). Pure: the client applies the decision.
// Retrying is safe because every attempt at one message carries the same uuid.

import type { FeishuError } from './errors.js'

export type RetryDecision =
  | { readonly retry: false }
  | { readonly retry: true; readonly waitMs: number; readonly reason: string }

/** Feishu's own signals to slow down: per-chat/user limits and legacy IM throttling codes. */
const THROTTLED = new Set([230020, 11232, 11233, 11247])
/** Internal errors and "still processing": the same request may well succeed later. */
const TRANSIENT = new Set([1500, 2200, 5000, 1000003, 230049, 18121])
/** Gateway throttling (HTTP 429); the answer says when the window resets. */
const RATE_LIMITED = 99991400

export const BACKOFF = { baseMs: 500, capMs: 8000, throttledMinMs: 1000, maxResetWaitMs: 60_000 }

/**
 * @param error what the last attempt ended with
 * @param retriesDone retries already made for this request (0 after the first attempt)
 * @param maxRetries the `max-retries` input
 * @param random a number in [0, 1), for jitter
 * A refused token (99991663) is not decided here: the client fetches a new token once per run.
 */
export function decideRetry(error: FeishuError, retriesDone: number, maxRetries: number, random = Math.random()): RetryDecision {
  if (retriesDone >= maxRetries) return { retry: false }
  const backoff = exponential(retriesDone, random)
  if (error.code === RATE_LIMITED || error.httpStatus === 429 && error.code === null) {
    const reset = error.rateLimitResetSeconds
    const waitMs = reset !== null && reset >= 0 ? Math.min(reset * 1000, BACKOFF.maxResetWaitMs) + Math.round(random * 250) : backoff
    return { retry: true, waitMs, reason: `rate limited (HTTP ${error.httpStatus}, code ${error.code ?? 'none'}${reset !== null ? `, x-ogw-ratelimit-reset ${reset}` : ''})` }
  }
  if (error.code !== null && THROTTLED.has(error.code)) {
    return { retry: true, waitMs: Math.max(backoff, BACKOFF.throttledMinMs + Math.round(random * 500)), reason: `throttled (code ${error.code})` }
  }
  if (error.code !== null && TRANSIENT.has(error.code)) {
    return { retry: true, waitMs: backoff, reason: `Feishu internal error (code ${error.code})` }
  }
  if (error.code === null && (error.httpStatus === null || error.httpStatus >= 500)) {
    return { retry: true, waitMs: backoff, reason: error.httpStatus === null ? error.meaning : `HTTP ${error.httpStatus}` }
  }
  // Everything else is about credentials, permissions or the message itself: the same request
  // would fail the same way (99991403, the monthly quota, included).
  return { retry: false }
}

/** Exponential backoff with jitter: half the step fixed, half random, so parallel senders spread out. */
function exponential(retriesDone: number, random: number): number {
  const step = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** retriesDone)
  return Math.round(step / 2 + (step / 2) * random)
}
