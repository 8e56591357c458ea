// One request to a Feishu host and what its answer means, for the app client and the custom bot
// client alike: sends over src/http.ts, turns the answer into Feishu's body or a FeishuError (any
// non-zero code is a failure, whatever the HTTP status; only HTTP 2xx with code 0 is success), and
// retries what the retry policy allows, one log line per retry. Never puts a secret into an error
// or a log line: every value given to `hide` is redacted from what the server says and from debug
// lines, and server text is stripped of control characters.

import { redactSecrets } from '../base/runner.js'
import { FeishuError } from './errors.js'
import { explainCode, type FeishuErrorBody } from './codes.js'
import { Http, withoutCredentials, type HttpAnswer } from './http.js'
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
}

export class FeishuRequester {
  readonly sleep: (ms: number) => Promise<void>
  private readonly http: Http
  /** Values never to repeat: secrets, tokens, hook URLs. */
  private readonly secrets: string[] = []
  private readonly hostInput: string

  constructor(private readonly options: RequesterOptions) {
    this.http = new Http(options.timeoutMs, options.proxy)
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
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
        const decision = decideRetry(error, retries, maxRetries, random())
        if (!decision.retry) throw retries > 0 ? error.afterAttempts(retries + 1) : error
        this.options.log(
          `${label}: ${decision.reason}; retry ${retries + 1} of ${maxRetries} in ${(decision.waitMs / 1000).toFixed(1)} s`,
        )
        await this.sleep(decision.waitMs)
      }
    }
  }

  /** One attempt: JSON in, Feishu's body out, or a FeishuError. */
  async call(
    method: 'POST' | 'PATCH' | 'GET',
    url: string,
    payload: object | undefined,
    headers: Record<string, string> = {},
  ): Promise<FeishuBody> {
    let answer: HttpAnswer
    try {
      // A GET (a list, feishu/reactions.ts) carries no body.
      answer = await this.http.send(
        method,
        url,
        payload === undefined ? headers : { 'content-type': 'application/json; charset=utf-8', ...headers },
        payload === undefined ? undefined : JSON.stringify(payload),
      )
    } catch (error) {
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
      capped(this.redact(printable(typeof value === 'string' ? value : '')), max)
    const host = new URL(url).host
    let logId = clean(headerValue(headers['x-tt-logid']), 100)
    const resetHeader = headerValue(headers['x-ogw-ratelimit-reset'])
    const rateLimitResetSeconds =
      resetHeader !== '' && Number.isFinite(Number(resetHeader)) ? Number(resetHeader) : null
    let body: FeishuBody | undefined
    try {
      if (cut) throw new Error('cut')
      const parsed = JSON.parse(text) as unknown
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as FeishuBody
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
          ? `${host} answered HTTP ${status} with more than 1 MB, which no Feishu answer is (the rest was not read)`
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

/** Characters of server text (msg and the like) repeated in a log line, an output or the summary. */
const MAX_ECHO = 500

function capped(text: string, max: number): string {
  if (text.length <= max) return text
  // Never half a surrogate pair.
  const cut = text.slice(0, max).replace(/[\ud800-\udbff]$/, '')
  return `${cut}… (${text.length - cut.length} more characters)`
}

/** Server text goes into logs: control characters could start a line that the runner reads as a command. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

/** A request that got no answer. Names the host and the proxy, never the full URL, headers or credentials. */
function networkError(
  error: unknown,
  context: { url: string; timeoutMs: number; proxy: string; hostInput: string; redact: (text: string) => string },
): FeishuError {
  const { url, timeoutMs, proxy, hostInput } = context
  const host = new URL(url).host
  const name = (error as Error | undefined)?.name ?? ''
  const message = (error as Error | undefined)?.message ?? ''
  const cause = error as { code?: unknown; cause?: { code?: unknown } } | undefined
  const code = String(cause?.code ?? cause?.cause?.code ?? '')
  const details = { code: null, msg: '', logId: '' }
  // undici: "Proxy response (407) !== 200 when HTTP Tunneling" (CONNECT), "Proxy Authentication Required (407)" (absolute form).
  const refused = /Proxy response \((\d+)\)|Proxy [A-Za-z ]+\((\d+)\)/.exec(message)
  if (refused) {
    const status = Number(refused[1] ?? refused[2])
    return new FeishuError(
      {
        ...details,
        httpStatus: status,
        final: true,
        meaning: `the proxy ${proxy || '(from the environment)'} refused to forward the request to ${host} (HTTP ${status})`,
        fix:
          status === 407
            ? 'check the user and password in the proxy URL (`proxy` or HTTPS_PROXY)'
            : `check the proxy allows connections to ${host}, or list it in NO_PROXY`,
      },
      { cause: error },
    )
  }
  if (name === 'TimeoutError' || (code.startsWith('UND_ERR_') && code.includes('TIMEOUT'))) {
    return new FeishuError(
      {
        ...details,
        httpStatus: null,
        meaning: `no answer from ${host} within ${timeoutMs / 1000} s`,
        fix: 'try again later, or raise `timeout`',
      },
      { cause: error },
    )
  }
  if (TLS_CERTIFICATE.test(code)) {
    return new FeishuError(
      {
        ...details,
        httpStatus: null,
        final: true,
        notSent: true,
        meaning: `the TLS certificate of ${host} was not accepted (${code}): a certificate problem, which trying again cannot fix`,
        fix: `if a proxy or firewall on the runner inspects TLS with its own certificate authority, give that CA to Node as a PEM file in the NODE_EXTRA_CA_CERTS environment variable; otherwise check that \`${hostInput}\` names the right host`,
      },
      { cause: error },
    )
  }
  // The error's own message may quote the URL (a hook URL holds its token): redacted.
  const reason = code || capped(context.redact(printable(message || String(error))), MAX_ECHO)
  const through = proxy ? ` (a proxy is configured: ${proxy})` : ''
  const fix = proxy
    ? 'check the proxy is running and reachable from the runner, or list the host in NO_PROXY'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `check the spelling of \`${hostInput}\` and the runner's DNS`
      : `check \`${hostInput}\` and that the runner can reach it (firewall, proxy)`
  if (INVALID_REQUEST.has(code)) {
    return new FeishuError(
      {
        ...details,
        httpStatus: null,
        final: true,
        meaning: `the request to ${host} could not be written (${reason})`,
        fix: 'this is a bug in the action, or a value Feishu sent back (a token) that cannot go into a header; please report it',
      },
      { cause: error },
    )
  }
  return new FeishuError(
    {
      ...details,
      httpStatus: null,
      meaning: LOST.has(code)
        ? `the connection to ${host} was lost before its answer came (${reason})${through}`
        : `could not reach ${host} (${reason})${through}`,
      fix,
      notSent: NOT_CONNECTED.has(code),
    },
    { cause: error },
  )
}

/** The connection broke after the request may have been written: the message may have arrived. */
const LOST = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'])

/** undici refused to send the request at all (a header or body it cannot write): trying again cannot help. */
const INVALID_REQUEST = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN'])

/**
 * Node's codes for a server certificate it did not accept (OpenSSL's verify errors, and a name
 * that does not match). The handshake fails before any request is written.
 */
const TLS_CERTIFICATE =
  /^(?:CERT_|UNABLE_TO_(?:GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE|DECRYPT_CERT_SIGNATURE|DECODE_ISSUER_PUBLIC_KEY)|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE)/

/** Errors raised before a connection existed: the request cannot have reached Feishu. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])
