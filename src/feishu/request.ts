// One request to a Feishu host and what its answer means, for the app client and the custom bot
// client alike: sends over ./http.ts, turns the answer into Feishu's body or a FeishuError (any
// non-zero code is a failure, whatever the HTTP status; only HTTP 2xx with code 0 is success), and
// retries what the retry policy allows, one log line per retry. Never puts a secret into an error
// or a log line: every value given to `hide` is redacted from what the server says and from debug
// lines, and server text is stripped of control characters.

import { bounded } from '../base/bounded.js'
import { MAX_ANSWER_SHOWN } from '../base/limits.js'
import { redactSecrets } from '../base/runner.js'
import { FeishuError } from './errors.js'
import { explainCode, type FeishuErrorBody } from './codes.js'
import type { Cancellation } from '../base/cancel.js'
import { RequestCancellation, unansweredError } from './cancelled.js'
import { CancelledError, Http, withoutCredentials, type HttpAnswer } from './http.js'
import { networkError } from './network-errors.js'
import { MAX_ECHO, printable } from './server-text.js'
import { decideRetry } from './retry-policy.js'

/** A Feishu answer: the Open API's `{code, msg, error, data}`, or a custom bot's, which may carry `StatusCode` instead (§7.4). */
export interface FeishuBody {
  code?: unknown
  msg?: unknown
  StatusCode?: unknown
  StatusMessage?: unknown
  error?: FeishuErrorBody
  data?: Record<string, unknown>
  tenant_access_token?: unknown
}

export interface RequesterOptions {
  timeoutMs: number
  maxRetries: number
  /** The proxy URL in force (resolved from the input or the environment); empty: none. */
  proxy?: string
  /** The input that names the host, for fixes: `domain`, or `webhook` for a custom bot. */
  hostInput?: string
  log: (line: string) => void
  debug?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /**
   * The run's cancellation (base/cancel.ts): once cancelled, no request starts and every wait ends
   * (a FeishuError with `cancelled: 'before-send'`); one in flight gets CANCEL_GRACE_MS to be
   * answered (else `cancelled: 'in-flight'`). None given: never cancelled.
   */
  cancellation?: Cancellation
}

export class FeishuRequester {
  readonly sleep: (ms: number) => Promise<void>
  private readonly http: Http
  /** Values never to repeat: secrets, tokens, hook URLs. */
  private readonly secrets: string[] = []
  private readonly hostInput: string
  private readonly cancellation: RequestCancellation | undefined

  constructor(private readonly options: RequesterOptions) {
    this.http = new Http(options.timeoutMs, options.proxy)
    const cancellation = options.cancellation ? new RequestCancellation(options.cancellation) : undefined
    this.cancellation = cancellation
    const sleep = options.sleep
    // The rate limiters and the retries wait through this: a cancellation ends every wait.
    this.sleep = cancellation
      ? (ms) => cancellation.sleep(ms, sleep)
      : (sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))
    this.hostInput = options.hostInput ?? 'domain'
  }

  /** Values to redact from everything the server says and from debug lines. */
  hide(...values: string[]): void {
    this.secrets.push(...values.filter(Boolean))
  }

  /** Runs `attempt` until it succeeds or the retry policy says stop; one log line per retry. */
  async withRetries<T>(label: string, attempt: () => Promise<T>): Promise<T> {
    const { maxRetries, random = Math.random } = this.options
    for (let retries = 0; ; retries++) {
      try {
        return await attempt()
      } catch (error) {
        if (!(error instanceof FeishuError)) throw error
        // Nothing more starts once the run is cancelled: not even a retry.
        if (error.cancelled || this.cancellation?.stopped) throw error
        const decision = decideRetry(error, retries, maxRetries, random())
        if (!decision.retry) throw retries > 0 ? error.afterAttempts(retries + 1) : error
        this.options.log(
          `${label}: ${decision.reason}; retry ${retries + 1} of ${maxRetries} in ${(decision.waitMs / 1000).toFixed(1)} s`,
        )
        await this.sleep(decision.waitMs)
      }
    }
  }

  /** One attempt: JSON (or a multipart form) in, Feishu's body out, or a FeishuError. */
  async call(
    method: 'POST' | 'PATCH' | 'GET',
    url: string,
    payload: object | FormData | undefined,
    headers: Record<string, string> = {},
  ): Promise<FeishuBody> {
    this.cancellation?.check()
    let answer: HttpAnswer
    try {
      // A form (an upload, feishu/uploads.ts) carries its own multipart content type; a GET (a list,
      // feishu/reactions.ts) carries no body.
      answer =
        payload instanceof FormData || payload === undefined
          ? await this.http.send(method, url, headers, payload, this.cancellation?.inFlight)
          : await this.http.send(
              method,
              url,
              { 'content-type': 'application/json; charset=utf-8', ...headers },
              JSON.stringify(payload),
              this.cancellation?.inFlight,
            )
    } catch (error) {
      if (error instanceof CancelledError && this.cancellation)
        throw unansweredError(this.cancellation.reason, new URL(url).host)
      const proxy = this.options.proxy ? withoutCredentials(this.options.proxy) : ''
      throw networkError(error, {
        url,
        timeoutMs: this.options.timeoutMs,
        proxy,
        hostInput: this.hostInput,
        redact: (text) => this.redact(text),
      })
    }
    return this.interpret(method, url, answer)
  }

  close(): Promise<void> {
    return this.http.close()
  }

  /** Feishu may quote what it was sent; no secret, token or hook URL travels on from here. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets)
  }

  private interpret(method: string, url: string, { status, headers, text, cut }: HttpAnswer): FeishuBody {
    // Redacted before it is cut, so a cut can never leave the start of a secret showing.
    const clean = (value: unknown, max = MAX_ECHO): string =>
      bounded(this.redact(printable(typeof value === 'string' ? value : '')), max)
    const host = new URL(url).host
    let logId = clean(headerValue(headers['x-tt-logid']), 100)
    const resetHeader = headerValue(headers['x-ogw-ratelimit-reset'])
    const rateLimitResetSeconds =
      resetHeader !== '' && Number.isFinite(Number(resetHeader)) ? Number(resetHeader) : null
    let body: FeishuBody | undefined
    try {
      if (cut) throw new Error('cut')
      const parsed = JSON.parse(text) as unknown
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed
    } catch {
      // Not JSON: reported below like any answer that is not Feishu's.
    }
    const checkHost = `check \`${this.hostInput}\``
    if (!body) {
      throw new FeishuError({
        code: null,
        msg: '',
        httpStatus: status,
        logId,
        rateLimitResetSeconds,
        meaning: cut
          ? `${host} answered HTTP ${status} with more than ${MAX_ANSWER_SHOWN}, which no Feishu answer is (the rest was not read)`
          : `${host} answered HTTP ${status} with a body that is not Feishu's JSON object`,
        fix:
          status === 404
            ? `${checkHost}: it must name the Open Platform host`
            : `${checkHost}; if it is right, Feishu may be having trouble: try again later`,
      })
    }
    // A custom bot's answer may carry only the legacy StatusCode / StatusMessage (§7.4).
    const codeValue = body.code ?? body.StatusCode
    const code = typeof codeValue === 'number' ? codeValue : null
    const msg = clean(body.msg ?? body.StatusMessage)
    logId = logId || clean(body.error?.log_id, 100) || clean(body.error?.logid, 100)
    this.options.debug?.(
      this.redact(
        `${method} ${new URL(url).pathname}: HTTP ${status}, code ${code ?? 'none'}${logId ? `, log_id ${logId}` : ''}`,
      ),
    )
    const ok = status >= 200 && status < 300
    if (code === 0 && ok) return body
    if (code === null || code === 0) {
      const said = code === 0 ? 'with code 0 but HTTP' : 'without an error code, HTTP'
      throw new FeishuError({
        code: null,
        msg,
        httpStatus: status,
        logId,
        rateLimitResetSeconds,
        meaning: `Feishu answered ${said} ${status}`,
        fix:
          status >= 500 || status === 429
            ? 'Feishu is having trouble: try again later'
            : `${checkHost}: it must name the Open Platform host`,
      })
    }
    const { meaning, fix } = explainCode(code, msg, body.error)
    throw new FeishuError({
      code,
      msg,
      httpStatus: status,
      logId,
      // The explanation may quote the answer (scopes, a help link): cleaned and capped like the rest.
      meaning: clean(meaning, 4 * MAX_ECHO),
      fix: clean(fix, 4 * MAX_ECHO),
      rateLimitResetSeconds,
    })
  }
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}
