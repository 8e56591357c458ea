import { describe, expect, it } from 'vitest'
import { FeishuError, type FeishuErrorDetails } from '../../src/feishu/errors.js'
import { BACKOFF, decideRetry, resendableWithoutKey } from '../../src/feishu/retry-policy.js'

const failure = (details: Partial<FeishuErrorDetails>) =>
  new FeishuError({ code: null, msg: '', httpStatus: null, logId: '', meaning: 'm', fix: 'f', ...details })

describe('decideRetry', () => {
  it.each([
    ['a network error', { httpStatus: null }],
    ['HTTP 500', { httpStatus: 500 }],
    ['HTTP 502', { httpStatus: 502 }],
    ['HTTP 503 with an internal code', { httpStatus: 503, code: 1500 }],
    ['code 2200', { httpStatus: 400, code: 2200 }],
    ['code 5000', { httpStatus: 500, code: 5000 }],
    ['code 1000003', { httpStatus: 500, code: 1000003 }],
    ['230049 still sending', { httpStatus: 400, code: 230049 }],
    ['230020 chat limit', { httpStatus: 400, code: 230020 }],
    ['11232 throttled', { httpStatus: 200, code: 11232 }],
    ['11233', { httpStatus: 200, code: 11233 }],
    ['11247', { httpStatus: 200, code: 11247 }],
    ['429 / 99991400', { httpStatus: 429, code: 99991400 }],
    ['429 without a code', { httpStatus: 429 }],
    ['429 with a code it does not know', { httpStatus: 429, code: 4242 }],
    ['503 with 11246 (service internal error)', { httpStatus: 503, code: 11246 }],
    ['500 with a code it does not know', { httpStatus: 500, code: 4242 }],
    ['502 with code 1', { httpStatus: 502, code: 1 }],
  ])('retries %s', (_, details) => {
    expect(decideRetry(failure(details), 0, 3, 0.5)).toMatchObject({ retry: true })
  })

  it.each([
    ['10014 wrong secret', { httpStatus: 200, code: 10014 }],
    ['10003 wrong app id', { httpStatus: 200, code: 10003 }],
    ['99991672 missing scope', { httpStatus: 400, code: 99991672 }],
    ['99991403 monthly quota', { httpStatus: 429, code: 99991403 }],
    ['230001 bad parameter', { httpStatus: 400, code: 230001 }],
    ['230002 not in chat', { httpStatus: 400, code: 230002 }],
    ['230006 no bot', { httpStatus: 400, code: 230006 }],
    ['230013 out of range', { httpStatus: 400, code: 230013 }],
    ['19021 webhook signature, even on HTTP 500', { httpStatus: 500, code: 19021 }],
    ['19022 webhook IP allowlist', { httpStatus: 200, code: 19022 }],
    ['19024 webhook keyword, even on HTTP 502', { httpStatus: 502, code: 19024 }],
    ['9499 webhook payload, even on HTTP 503', { httpStatus: 503, code: 9499 }],
    ['19001 unknown hook', { httpStatus: 200, code: 19001 }],
    ['230011 recalled, even on HTTP 500', { httpStatus: 500, code: 230011 }],
    ['230031 too old to update', { httpStatus: 400, code: 230031 }],
    ['230110 deleted', { httpStatus: 400, code: 230110 }],
    ['230071 no threads', { httpStatus: 400, code: 230071 }],
    ['230099 card error', { httpStatus: 400, code: 230099 }],
    ['99991663 refused token (the client refreshes it itself)', { httpStatus: 400, code: 99991663 }],
    ['HTTP 404 that is not Feishu', { httpStatus: 404 }],
    ['a 503 carrying a credential code', { httpStatus: 503, code: 10014 }],
    ['a failure marked final (proxy refused, token not renewed)', { httpStatus: null, final: true }],
  ])('never retries %s', (_, details) => {
    expect(decideRetry(failure(details), 0, 3, 0.5)).toEqual({ retry: false })
  })

  it('stops after max-retries', () => {
    expect(decideRetry(failure({ httpStatus: 503 }), 2, 3, 0.5)).toMatchObject({ retry: true })
    expect(decideRetry(failure({ httpStatus: 503 }), 3, 3, 0.5)).toEqual({ retry: false })
    expect(decideRetry(failure({ httpStatus: 503 }), 0, 0, 0.5)).toEqual({ retry: false })
  })

  it('backs off exponentially with jitter, capped', () => {
    const waits = [0, 1, 2, 3, 4, 5, 6].map(
      (retries) => (decideRetry(failure({ httpStatus: 503 }), retries, 10, 0) as { waitMs: number }).waitMs,
    )
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000])
    const jittered = (decideRetry(failure({ httpStatus: 503 }), 1, 10, 0.999) as { waitMs: number }).waitMs
    expect(jittered).toBeGreaterThan(990)
    expect(jittered).toBeLessThanOrEqual(1000)
    expect(BACKOFF.capMs).toBe(8000)
  })

  it('waits x-ogw-ratelimit-reset seconds on a 429, capped at a minute', () => {
    expect(decideRetry(failure({ httpStatus: 429, code: 99991400, rateLimitResetSeconds: 2 }), 0, 3, 0)).toMatchObject({
      retry: true,
      waitMs: 2000,
    })
    expect(
      decideRetry(failure({ httpStatus: 429, code: 99991400, rateLimitResetSeconds: 3600 }), 0, 3, 0),
    ).toMatchObject({ waitMs: 60_000 })
    expect(decideRetry(failure({ httpStatus: 429, code: 99991400, rateLimitResetSeconds: 2 }), 0, 3, 0)).toMatchObject({
      reason: 'rate limited (HTTP 429, code 99991400, x-ogw-ratelimit-reset 2)',
    })
  })

  it('treats 99991400 on an older API (HTTP 400, §3.4) as the rate limit it is: waits the reset seconds, retries', () => {
    expect(decideRetry(failure({ httpStatus: 400, code: 99991400, rateLimitResetSeconds: 3 }), 0, 3, 0)).toEqual({
      retry: true,
      waitMs: 3000,
      reason: 'rate limited (HTTP 400, code 99991400, x-ogw-ratelimit-reset 3)',
    })
    expect(decideRetry(failure({ httpStatus: 400, code: 99991400 }), 2, 3, 0)).toEqual({
      retry: true,
      waitMs: 1000,
      reason: 'rate limited (HTTP 400, code 99991400)',
    })
    expect(decideRetry(failure({ httpStatus: 429 }), 0, 3, 0)).toMatchObject({
      reason: 'rate limited (HTTP 429, code none)',
    })
  })

  it('waits at least a second on per-chat throttling, so the chat window moves on', () => {
    expect(
      (decideRetry(failure({ httpStatus: 400, code: 230020 }), 0, 3, 0) as { waitMs: number }).waitMs,
    ).toBeGreaterThanOrEqual(1000)
  })
})

describe('resendableWithoutKey (custom bots: no uuid)', () => {
  it.each([
    ['a refused connection', { notSent: true }, true],
    ['429', { httpStatus: 429 }, true],
    ['99991400', { httpStatus: 400, code: 99991400 }, true],
    ['11232 throttled', { httpStatus: 200, code: 11232 }, true],
    ['2200 in a 200', { httpStatus: 200, code: 2200 }, true],
    ['a timeout or a dropped connection', { httpStatus: null }, false],
    ['a bare 502', { httpStatus: 502 }, false],
    ['200 with code 0 but no message id', { httpStatus: 200, code: 0 }, false],
  ])('%s: %s', (_, details, expected) => {
    expect(resendableWithoutKey(failure(details))).toBe(expected)
  })
})
