// FeishuError: Feishu (or the network on the way) refused a request, or never answered; it carries
// what a user needs to act on it (Feishu's code and msg, what they mean, what to change). It never
// holds a secret: the requester redacts everything the server says before it gets here.

import { ActionError } from '../base/errors.js'

export interface FeishuErrorDetails {
  /** Feishu's business code; null when no Feishu answer was read (network error, timeout). */
  code: number | null
  /** Feishu's own msg, verbatim. */
  msg: string
  httpStatus: number | null
  logId: string
  /** What the code means, from the table in ./codes.ts (or, for a request that got no answer, ./network-errors.ts). */
  meaning: string
  /** What the user should change. */
  fix: string
  /** Seconds until Feishu's rate-limit window resets (x-ogw-ratelimit-reset), when it said. */
  rateLimitResetSeconds?: number | null
  /** How many attempts were made, when more than one. */
  attempts?: number
  /** Trying again cannot help (a proxy that refuses, a token that could not be renewed). */
  final?: boolean
  /** The request never reached Feishu (no connection was made): sending it again cannot duplicate it. */
  notSent?: boolean
  /** The run was cancelled: before the request started, or while its answer was awaited (feishu/cancelled.ts). */
  cancelled?: 'before-send' | 'in-flight'
}

/** A request that Feishu answered with a non-zero code, an HTTP error, or that never got an answer. */
export class FeishuError extends ActionError implements FeishuErrorDetails {
  readonly code: number | null
  readonly msg: string
  readonly httpStatus: number | null
  readonly logId: string
  readonly meaning: string
  readonly fix: string
  readonly rateLimitResetSeconds: number | null
  readonly attempts: number
  readonly final: boolean
  readonly notSent: boolean
  readonly cancelled?: 'before-send' | 'in-flight'

  constructor(details: FeishuErrorDetails, options?: { cause?: unknown }) {
    super(describe(details), options)
    this.name = 'FeishuError'
    this.code = details.code
    this.msg = details.msg
    this.httpStatus = details.httpStatus
    this.logId = details.logId
    this.meaning = details.meaning
    this.fix = details.fix
    this.rateLimitResetSeconds = details.rateLimitResetSeconds ?? null
    this.attempts = details.attempts ?? 1
    this.final = details.final ?? false
    this.notSent = details.notSent ?? false
    if (details.cancelled) this.cancelled = details.cancelled
  }

  /** The same failure, saying how many attempts ended in it. */
  afterAttempts(attempts: number): FeishuError {
    return new FeishuError({ ...this, attempts }, { cause: this.cause })
  }
}

function describe(details: FeishuErrorDetails): string {
  const head = details.code === null ? details.meaning : `Feishu code ${details.code}: ${details.meaning}`
  const facts = [
    details.msg ? `msg "${details.msg}"` : '',
    details.httpStatus !== null ? `HTTP ${details.httpStatus}` : '',
    details.logId ? `log_id ${details.logId}` : '',
    details.attempts && details.attempts > 1 ? `gave up after ${details.attempts} attempts` : '',
  ].filter(Boolean)
  return `${head}. Fix: ${details.fix}${facts.length ? ` (${facts.join(', ')})` : ''}`
}
