// The two kinds of failure the action reports. InputError: the workflow must change an input;
// raised before any network call. FeishuError: Feishu (or the network on the way) refused a
// request; carries what a user needs to act on it. Neither ever holds a secret.

/** A problem with the step's inputs. The message is one line that names the input. */
export class InputError extends Error {
  readonly input: string

  constructor(input: string, problem: string) {
    super(`Input \`${input}\`: ${problem}`)
    this.name = 'InputError'
    this.input = input
  }
}

export interface FeishuErrorDetails {
  /** Feishu's business code; null when no Feishu answer was read (network error, timeout). */
  code: number | null
  /** Feishu's own msg, verbatim. */
  msg: string
  httpStatus: number | null
  logId: string
  /** What the code means, from the table in feishu-codes.ts. */
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
}

/** A request that Feishu answered with a non-zero code, an HTTP error, or that never got an answer. */
export class FeishuError extends Error implements FeishuErrorDetails {
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
