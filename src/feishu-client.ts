// Speaks Feishu's Open API over src/http.ts: the tenant token, sends, and for each request the
// retries (same body, so the same uuid, on every attempt), the rate-limit waits and one token
// refresh per run. Turns every answer into data or a FeishuError: any non-zero `code` is a
// failure, whatever the HTTP status. Never puts a secret into an error or a log line.
// Knows nothing of GitHub: secrets it learns go to `onSecret`, log lines to `log`.

import { FeishuError } from './errors.js'
import { explainCode, type FeishuErrorBody } from './feishu-codes.js'
import { Http, withoutCredentials, type HttpAnswer } from './http.js'
import { KeyedLimiter, SlidingWindowLimiter, type Limit } from './rate-limiter.js'
import { describeReceiver, type Receiver } from './receivers.js'
import { decideRetry, rateLimitWaitMs } from './retry-policy.js'

export interface SentMessage {
  readonly messageId: string
  readonly chatId: string
}

/** The request body of POST /open-apis/im/v1/messages (§3.1). */
export interface SendBody {
  receive_id: string
  msg_type: string
  content: string
  uuid: string
}

interface FeishuBody {
  code?: unknown
  msg?: unknown
  error?: FeishuErrorBody
  data?: Record<string, unknown>
  tenant_access_token?: unknown
}

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'
export const MESSAGES_PATH = '/open-apis/im/v1/messages'

/**
 * §3.3: 50 requests/s and 1000/min per app; 5/s to one chat or user. Windows a little longer
 * than Feishu's absorb the spread between when a request leaves and when Feishu counts it.
 */
export const FEISHU_LIMITS: { app: Limit[]; receiver: Limit[] } = {
  app: [{ count: 50, windowMs: 1050 }, { count: 1000, windowMs: 60_500 }],
  receiver: [{ count: 5, windowMs: 1050 }],
}

/** A refused token: fetch a new one (once per run) and send again. */
const TOKEN_REFUSED = new Set([99991663, 99991661])

export function sendUrl(baseUrl: string, receiver: Receiver): string {
  return `${baseUrl}${MESSAGES_PATH}?receive_id_type=${receiver.receiveIdType}`
}

/** `content` is the message content serialised once for all receivers (§3.1: a JSON string). */
export function sendBody(receiver: Receiver, msgType: string, content: string, uuid: string): SendBody {
  return { receive_id: receiver.receiveId, msg_type: msgType, content, uuid }
}

export interface ClientOptions {
  baseUrl: string
  appId: string
  appSecret: string
  timeoutMs: number
  maxRetries: number
  /** The proxy URL in force for `baseUrl` (resolved from the input or the environment); empty: none. */
  proxy?: string
  onSecret: (secret: string) => void
  log: (line: string) => void
  debug?: (line: string) => void
  limits?: typeof FEISHU_LIMITS
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export class FeishuClient {
  private readonly http: Http
  private readonly appLimiter: SlidingWindowLimiter
  private readonly receiverLimiter: KeyedLimiter
  private readonly sleep: (ms: number) => Promise<void>
  private token: Promise<string> | undefined
  /** Values never to repeat: the app secret, and every token (also without its t- prefix). */
  private readonly secrets: string[]
  /** Bumped when the token is replaced, so concurrent sends refused the old one share one refresh. */
  private tokenGeneration = 0

  constructor(private readonly options: ClientOptions) {
    this.http = new Http(options.timeoutMs, options.proxy)
    this.secrets = [options.appSecret]
    const limits = options.limits ?? FEISHU_LIMITS
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.appLimiter = new SlidingWindowLimiter(limits.app, Date.now, this.sleep)
    this.receiverLimiter = new KeyedLimiter(() => new SlidingWindowLimiter(limits.receiver, Date.now, this.sleep))
  }

  /** §1.1: one tenant_access_token for the run, fetched on first use. Masked the moment it arrives. */
  tenantToken(): Promise<string> {
    this.token ??= this.fetchToken()
    return this.token
  }

  /** §3: sends one message, retrying what may succeed later; `body.content` is already a JSON string. */
  async sendMessage(receiver: Receiver, body: SendBody): Promise<SentMessage> {
    const key = `${receiver.receiveIdType}:${receiver.receiveId}`
    const url = sendUrl(this.options.baseUrl, receiver)
    const answer = await this.withRetries(describeReceiver(receiver), () => this.callWithToken(url, body, key))
    // Both ids go into logs and outputs and a later step's inputs: take only what has their shape.
    const messageId = answer.data?.message_id
    const chatId = answer.data?.chat_id
    if (typeof messageId !== 'string' || !/^om_[\w-]+$/.test(messageId)) {
      throw new FeishuError({ code: null, msg: '', httpStatus: 200, logId: '', meaning: 'Feishu answered code 0 without a message id (om_...), so delivery cannot be confirmed', fix: 'check the chat; check `domain` points at the Feishu/Lark Open Platform' })
    }
    return { messageId, chatId: typeof chatId === 'string' && /^oc_[\w-]+$/.test(chatId) ? chatId : '' }
  }

  close(): Promise<void> {
    return this.http.close()
  }

  private async fetchToken(): Promise<string> {
    const { appId, appSecret, baseUrl } = this.options
    const body = await this.withRetries('token request', () => this.call(`${baseUrl}${TOKEN_PATH}`, { app_id: appId, app_secret: appSecret }))
    const token = body.tenant_access_token
    if (typeof token !== 'string' || token === '') {
      throw new FeishuError({ code: null, msg: '', httpStatus: 200, logId: '', meaning: 'Feishu answered the token request with code 0 but no tenant_access_token', fix: 'check `domain` points at the Feishu/Lark Open Platform' })
    }
    this.options.onSecret(token)
    this.secrets.push(token, token.replace(/^[a-z]-/, ''))
    return token
  }

  /**
   * One request with the current token, within the rate limits (every send, resends included,
   * takes its slots, settled when the answer arrives). A refused token is replaced once per run
   * and the request sent again; if no new token can be had, that is final for this request.
   */
  private async callWithToken(url: string, payload: object, receiverKey: string): Promise<FeishuBody> {
    let replaced = false
    for (;;) {
      const generation = this.tokenGeneration
      let token: string
      try {
        token = await this.tenantToken()
      } catch (error) {
        throw renewalFailed(error)
      }
      const slots = [await this.receiverLimiter.acquire(receiverKey), await this.appLimiter.acquire()]
      try {
        return await this.call(url, payload, token)
      } catch (error) {
        if (!(error instanceof FeishuError)) throw error
        if (error.code === 99991400 || (error.httpStatus === 429 && error.code === null)) {
          // The app's window is shared by every sender: hold them all back until it resets.
          const waitMs = rateLimitWaitMs(error, 0)
          if (waitMs !== null) this.appLimiter.pauseUntil(Date.now() + waitMs)
        }
        if (error.code === null || !TOKEN_REFUSED.has(error.code) || replaced) throw error
        if (generation === this.tokenGeneration) {
          if (this.tokenGeneration > 0) throw error
          this.options.log(`The tenant token was refused (code ${error.code}); fetching a new one.`)
          this.tokenGeneration++
          this.token = this.fetchToken()
        }
        replaced = true
      } finally {
        for (const slot of slots) slot.settle()
      }
    }
  }

  /** Runs `attempt` until it succeeds or the retry policy says stop; one log line per retry. */
  private async withRetries<T>(label: string, attempt: () => Promise<T>): Promise<T> {
    const { maxRetries, random = Math.random } = this.options
    for (let retries = 0; ; retries++) {
      try {
        return await attempt()
      } catch (error) {
        if (!(error instanceof FeishuError)) throw error
        const decision = decideRetry(error, retries, maxRetries, random())
        if (!decision.retry) throw retries > 0 ? error.afterAttempts(retries + 1) : error
        this.options.log(`${label}: ${decision.reason}; retry ${retries + 1} of ${maxRetries} in ${(decision.waitMs / 1000).toFixed(1)} s`)
        await this.sleep(decision.waitMs)
      }
    }
  }

  private async call(url: string, payload: object, tenantToken?: string): Promise<FeishuBody> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
    if (tenantToken) headers.authorization = `Bearer ${tenantToken}`
    let answer: HttpAnswer
    try {
      answer = await this.http.send('POST', url, headers, JSON.stringify(payload))
    } catch (error) {
      throw networkError(error, url, this.options.timeoutMs, this.options.proxy ? withoutCredentials(this.options.proxy) : '')
    }
    return this.interpret(url, answer)
  }

  /** Turns an answer into Feishu's body, or a FeishuError; only HTTP 2xx with code 0 is success. */
  private interpret(url: string, { status, headers, text }: HttpAnswer): FeishuBody {
    const clean = (value: unknown): string => this.redact(printable(typeof value === 'string' ? value : ''))
    let logId = clean(headerValue(headers['x-tt-logid']))
    const resetHeader = headerValue(headers['x-ogw-ratelimit-reset'])
    const rateLimitResetSeconds = resetHeader !== '' && Number.isFinite(Number(resetHeader)) ? Number(resetHeader) : null
    let body: FeishuBody | undefined
    try {
      const parsed = JSON.parse(text) as unknown
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as FeishuBody
    } catch {
      // Not JSON: reported below like any answer that is not Feishu's.
    }
    if (!body) {
      throw new FeishuError({
        code: null, msg: '', httpStatus: status, logId, rateLimitResetSeconds,
        meaning: `${new URL(url).host} answered HTTP ${status} with a body that is not Feishu's JSON object`,
        fix: status === 404 ? 'check `domain` is the Open Platform base URL' : 'check `domain`; if it is right, Feishu may be having trouble: try again later',
      })
    }
    const code = typeof body.code === 'number' ? body.code : null
    const msg = clean(body.msg)
    logId = logId || clean(body.error?.log_id) || clean(body.error?.logid)
    this.options.debug?.(`POST ${new URL(url).pathname}: HTTP ${status}, code ${code ?? 'none'}${logId ? `, log_id ${logId}` : ''}`)
    const ok = status >= 200 && status < 300
    if (code === 0 && ok) return body
    if (code === null || code === 0) {
      const said = code === 0 ? 'with code 0 but HTTP' : 'without an error code, HTTP'
      throw new FeishuError({ code: null, msg, httpStatus: status, logId, rateLimitResetSeconds, meaning: `Feishu answered ${said} ${status}`, fix: status >= 500 || status === 429 ? 'Feishu is having trouble: try again later' : 'check `domain` is the Open Platform base URL' })
    }
    const { meaning, fix } = explainCode(code, msg, body.error)
    throw new FeishuError({ code, msg, httpStatus: status, logId, meaning: this.redact(meaning), fix: this.redact(fix), rateLimitResetSeconds })
  }

  /** Feishu may quote what it was sent; the secret and the tokens must not travel on from here. */
  private redact(text: string): string {
    let redacted = text
    for (const secret of this.secrets) if (secret) redacted = redacted.split(secret).join('***')
    return redacted
  }
}

/** Server text goes into logs: control characters could start a line that the runner reads as a command. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

/** A refresh of the token that failed: final for the request, saying what failed. */
function renewalFailed(error: unknown): FeishuError {
  if (!(error instanceof FeishuError)) throw error
  return new FeishuError({ ...error, meaning: `could not get a new tenant access token: ${error.meaning}`, final: true }, { cause: error })
}

/** A request that got no answer. Names the host and the proxy, never the full URL, headers or credentials. */
function networkError(error: unknown, url: string, timeoutMs: number, proxy: string): FeishuError {
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
    return new FeishuError({
      ...details, httpStatus: status, final: true,
      meaning: `the proxy ${proxy || '(from the environment)'} refused to forward the request to ${host} (HTTP ${status})`,
      fix: status === 407 ? 'check the user and password in the proxy URL (`proxy` or HTTPS_PROXY)' : `check the proxy allows connections to ${host}, or list it in NO_PROXY`,
    }, { cause: error })
  }
  if (name === 'TimeoutError' || (code.startsWith('UND_ERR_') && code.includes('TIMEOUT'))) {
    return new FeishuError({ ...details, httpStatus: null, meaning: `no answer from ${host} within ${timeoutMs / 1000} s`, fix: 'try again later, or raise `timeout`' }, { cause: error })
  }
  const reason = code || message || String(error)
  const through = proxy ? ` (a proxy is configured: ${proxy})` : ''
  const fix = proxy
    ? 'check the proxy is running and reachable from the runner, or list the host in NO_PROXY'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'check the spelling of `domain` and the runner\'s DNS' : 'check `domain` and that the runner can reach it (firewall, proxy)'
  return new FeishuError({ ...details, httpStatus: null, meaning: `could not reach ${host} (${reason})${through}`, fix }, { cause: error })
}
