// Posts one message through a group's custom bot (§7): maps the composed message to the
// webhook's payload shapes (§7.2), signs it when there is a secret (§7.3), and reads the answer
// through the same requester and retry policy as the app client; success is
// (code ?? StatusCode) === 0. The hook URL, its token and the secret never reach a log line or an
// error: the requester redacts them, and only the host is ever named.

import { createHmac } from 'node:crypto'
import type { Cancellation } from '../base/cancel.js'
import type { FeishuMessage } from './message.js'
import { FeishuError } from './errors.js'
import { FeishuRequester } from './request.js'
import { resendableWithoutKey } from './retry-policy.js'
import { hookToken } from './hook-url.js'
import { describeReceiver, WEBHOOK_TARGET } from './targets.js'

/**
 * §7.2: the same content as for the app API, shaped differently: `content` is an object, not a
 * JSON string; a card (raw or template envelope) goes in `card`; a post is wrapped in `post`.
 */
export function webhookPayload(message: FeishuMessage): Record<string, unknown> {
  switch (message.msgType) {
    case 'interactive':
      return { msg_type: 'interactive', card: message.content }
    case 'post':
      return { msg_type: 'post', content: { post: message.content } }
    default:
      return { msg_type: message.msgType, content: message.content }
  }
}

/** §7.3: base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")); the key is the concatenation, the message empty. */
export function webhookSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64')
}

/** The request body, with `timestamp` (seconds, as a string) and `sign` next to msg_type when there is a secret. */
export function webhookBody(message: FeishuMessage, secret: string, nowMs: number): Record<string, unknown> {
  if (!secret) return webhookPayload(message)
  const timestamp = String(Math.floor(nowMs / 1000))
  return { timestamp, sign: webhookSign(timestamp, secret), ...webhookPayload(message) }
}

export interface WebhookClientOptions {
  webhookUrl: string
  secret: string
  timeoutMs: number
  maxRetries: number
  proxy?: string
  log: (line: string) => void
  debug?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
  /** The run's cancellation: no post starts after it, and one in flight gets a short grace (request.ts). */
  cancellation?: Cancellation
}

export class WebhookClient {
  private readonly requests: FeishuRequester

  constructor(private readonly options: WebhookClientOptions) {
    this.requests = new FeishuRequester({ ...options, hostInput: 'webhook' })
    // Hiding the token turns the URL, wherever it is quoted, into .../open-apis/bot/v2/hook/***.
    this.requests.hide(hookToken(options.webhookUrl), options.secret)
  }

  /**
   * Posts `message`, retrying throttling (11232, 429), internal errors (2200), 5xx and network
   * failures; never the signature, allowlist, keyword or payload errors (retry-policy.ts).
   * Every attempt is signed afresh: a custom bot takes no idempotency key, so resending the very
   * same bytes buys nothing, while a new timestamp can never fall outside Feishu's one-hour
   * window, however long the timeouts and retries before it took (up to 11 attempts of 600 s).
   */
  async send(message: FeishuMessage): Promise<void> {
    const { webhookUrl, secret, now = Date.now } = this.options
    await this.requests.withRetries(describeReceiver(WEBHOOK_TARGET), async () => {
      try {
        return await this.requests.call('POST', webhookUrl, webhookBody(message, secret, now()))
      } catch (error) {
        // No uuid here: after a lost answer the message may be in the group already.
        if (error instanceof FeishuError && error.cancelled === 'in-flight') {
          throw new FeishuError(
            {
              ...error,
              fix: 'check the group before running the step again: a custom bot takes no idempotency key, so a second run would post it twice',
            },
            { cause: error },
          )
        }
        if (error instanceof FeishuError && !error.cancelled && !resendableWithoutKey(error)) {
          throw new FeishuError(
            {
              ...error,
              final: true,
              fix: 'the message may have arrived all the same: a custom bot takes no idempotency key, so the action does not send it again; check the group, and re-run only if it is not there',
            },
            { cause: error },
          )
        }
        throw error
      }
    })
  }

  close(): Promise<void> {
    return this.requests.close()
  }
}
