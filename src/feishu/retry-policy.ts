// Decides, for one failed request, whether to try again and how long to wait first
// (docs/feishu-api.md §3.3-3.5, §8, §12); which codes are worth retrying is
// the retry class in the code table (feishu/codes.ts). Pure: the client applies the decision.
// Resending is safe for the app API: every attempt at one message carries the same uuid, and a
// PATCH sets the same content twice. A custom bot takes no uuid: there, only a request Feishu
// surely did not keep may be sent again (see resendableWithoutKey).

import { retryClassOf } from './codes.js'
import type { FeishuError } from './errors.js'

export type RetryDecision =
  { readonly retry: false } | { readonly retry: true; readonly waitMs: number; readonly reason: string }

export const BACKOFF = { baseMs: 500, capMs: 8000, throttledMinMs: 1000, maxResetWaitMs: 60_000 }

/**
 * @param error what the last attempt ended with
 * @param retriesDone retries already made for this request (0 after the first attempt)
 * @param maxRetries the `max-retries` input
 * @param random a number in [0, 1), for jitter
 * A refused token (99991663) is not decided here: the client fetches a new token once per run.
 */
export function decideRetry(
  error: FeishuError,
  retriesDone: number,
  maxRetries: number,
  random = Math.random(),
): RetryDecision {
  if (error.final || retriesDone >= maxRetries) return { retry: false }
  const retryClass = error.code !== null ? retryClassOf(error.code) : undefined
  if (retryClass === 'never') return { retry: false }
  const backoff = exponential(retriesDone, random)
  if (error.code === 99991400 || error.httpStatus === 429) {
    const waitMs = rateLimitWaitMs(error, random) ?? backoff
    const reset = error.rateLimitResetSeconds
    return {
      retry: true,
      waitMs,
      reason: `rate limited (HTTP ${error.httpStatus}, code ${error.code ?? 'none'}${reset !== null ? `, x-ogw-ratelimit-reset ${reset}` : ''})`,
    }
  }
  if (retryClass === 'throttled') {
    return {
      retry: true,
      waitMs: Math.max(backoff, BACKOFF.throttledMinMs + Math.round(random * 500)),
      reason: `throttled (code ${error.code})`,
    }
  }
  if (retryClass === 'transient') {
    return { retry: true, waitMs: backoff, reason: `Feishu internal error (code ${error.code})` }
  }
  if (error.httpStatus === null || error.httpStatus >= 500) {
    const reason =
      error.httpStatus === null
        ? error.meaning
        : `HTTP ${error.httpStatus}${error.code !== null ? `, code ${error.code}` : ''}`
    return { retry: true, waitMs: backoff, reason }
  }
  return { retry: false }
}

/**
 * For requests without an idempotency key (custom bots): true when Feishu surely did not keep
 * the message, so sending it again cannot post it twice. A refused connection, a rate limit, or
 * any answer carrying a Feishu error code; not a timeout, a dropped connection or a bare 5xx,
 * after which the message may well have arrived.
 */
export function resendableWithoutKey(error: FeishuError): boolean {
  if (error.notSent || error.code === 99991400 || error.httpStatus === 429) return true
  return error.code !== null && error.code !== 0
}

/** How long Feishu said to wait (x-ogw-ratelimit-reset), capped, with a little jitter; null when it did not say. */
export function rateLimitWaitMs(error: FeishuError, random = Math.random()): number | null {
  const reset = error.rateLimitResetSeconds
  if (reset === null || reset < 0) return null
  return Math.min(reset * 1000, BACKOFF.maxResetWaitMs) + Math.round(random * 250)
}

/** Exponential backoff with jitter: half the step fixed, half random, so parallel senders spread out. */
function exponential(retriesDone: number, random: number): number {
  const step = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** retriesDone)
  return Math.round(step / 2 + (step / 2) * random)
}
