// The only module that speaks HTTP. Owns the undici dispatcher and the per-request timeout,
// turns every answer into data or a FeishuError (any non-zero `code` is a failure, whatever
// the HTTP status), and never puts a secret into an error, a log line or a return value.
// Knows nothing of GitHub: secrets it learns are handed to `onSecret`.

import { Agent, request, type Dispatcher } from 'undici'
import { FeishuError } from './errors.js'
import { explainCode, type FeishuErrorBody } from './feishu-codes.js'
import type { Receiver } from './receivers.js'

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
  expire?: unknown
}

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'
export const MESSAGES_PATH = '/open-apis/im/v1/messages'

export function sendUrl(baseUrl: string, receiver: Receiver): string {
  return `${baseUrl}${MESSAGES_PATH}?receive_id_type=${receiver.receiveIdType}`
}

export class FeishuClient {
  private readonly dispatcher: Dispatcher

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly onSecret: (secret: string) => void,
    private readonly debug: (line: string) => void = () => {},
  ) {
    this.dispatcher = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  }

  /** §1.1: one tenant_access_token for the whole run. Masked the moment it arrives. */
  async tenantToken(appId: string, appSecret: string): Promise<string> {
    const body = await this.call('POST', `${this.baseUrl}${TOKEN_PATH}`, { app_id: appId, app_secret: appSecret })
    const token = body.tenant_access_token
    if (typeof token !== 'string' || token === '') {
      throw new FeishuError({ code: null, msg: '', httpStatus: 200, logId: '', meaning: 'Feishu answered the token request without a tenant_access_token', fix: 'check `domain` points at the Feishu/Lark Open Platform' })
    }
    this.onSecret(token)
    return token
  }

  /** §3: sends one message; `body.content` is already the JSON string Feishu expects. */
  async sendMessage(tenantToken: string, receiver: Receiver, body: SendBody): Promise<SentMessage> {
    const answer = await this.call('POST', sendUrl(this.baseUrl, receiver), body, tenantToken)
    const data = answer.data ?? {}
    return { messageId: String(data.message_id ?? ''), chatId: String(data.chat_id ?? '') }
  }

  async close(): Promise<void> {
    await this.dispatcher.close()
  }

  private async call(method: 'POST', url: string, payload: object, tenantToken?: string): Promise<FeishuBody> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
    if (tenantToken) headers.authorization = `Bearer ${tenantToken}`
    const path = new URL(url).pathname
    let status: number
    let text: string
    let logId: string
    try {
      const response = await request(url, {
        method,
        headers,
        body: JSON.stringify(payload),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      status = response.statusCode
      logId = headerValue(response.headers['x-tt-logid'])
      text = await response.body.text()
    } catch (error) {
      throw networkError(error, url, this.timeoutMs)
    }
    let body: FeishuBody
    try {
      body = JSON.parse(text) as FeishuBody
    } catch {
      throw new FeishuError({
        code: null, msg: '', httpStatus: status, logId,
        meaning: `${new URL(url).host} answered HTTP ${status} with a body that is not Feishu's JSON`,
        fix: status === 404 ? 'check `domain` is the Open Platform base URL' : 'check `domain`; if it is right, Feishu may be having trouble: try again later',
      })
    }
    const code = typeof body.code === 'number' ? body.code : null
    const msg = typeof body.msg === 'string' ? body.msg : ''
    logId = logId || body.error?.log_id || body.error?.logid || ''
    this.debug(`${method} ${path}: HTTP ${status}, code ${code ?? 'none'}${logId ? `, log_id ${logId}` : ''}`)
    if (code === 0 && status < 400) return body
    if (code === null || code === 0) {
      throw new FeishuError({ code: null, msg, httpStatus: status, logId, meaning: `Feishu answered HTTP ${status} without an error code`, fix: status >= 500 ? 'Feishu is having trouble: try again later' : 'check `domain`' })
    }
    const { meaning, fix } = explainCode(code, msg, body.error)
    throw new FeishuError({ code, msg, httpStatus: status, logId, meaning, fix })
  }
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

/** A request that got no answer. Names the host, never the full URL or headers. */
function networkError(error: unknown, url: string, timeoutMs: number): FeishuError {
  const host = new URL(url).host
  const name = (error as Error | undefined)?.name ?? ''
  const code = String((error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code ?? (error as { cause?: { code?: unknown } }).cause?.code ?? '')
  const timedOut = name === 'TimeoutError' || name === 'AbortError' || code.startsWith('UND_ERR_') && code.includes('TIMEOUT')
  if (timedOut) {
    return new FeishuError({ code: null, msg: '', httpStatus: null, logId: '', meaning: `no answer from ${host} within ${timeoutMs / 1000} s`, fix: 'try again later, or raise `timeout`' }, { cause: error })
  }
  const reason = code || (error as Error | undefined)?.message || String(error)
  const fix = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'check the spelling of `domain` and the runner\'s DNS' : 'check `domain` and that the runner can reach it (firewall, proxy)'
  return new FeishuError({ code: null, msg: '', httpStatus: null, logId: '', meaning: `could not reach ${host} (${reason})`, fix }, { cause: error })
}
