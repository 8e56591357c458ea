// Speaks Feishu's Open API as the app's bot, over ./request.ts: the tenant token, and
// sends, replies and card updates, each retried with the same body (so the same uuid) on every
// attempt, within the rate limits, with one token refresh per run. Never puts a secret into an
// error or a log line. Knows nothing of GitHub: secrets it learns go to `onSecret`, log lines to `log`.

import type { Cancellation } from '../base/cancel.js'
import { FeishuError } from './errors.js'
import { FeishuRequester, type FeishuBody } from './request.js'
import { KeyedLimiter, SlidingWindowLimiter, type Limit } from './rate-limiter.js'
import { rateLimitWaitMs } from './retry-policy.js'
import { describeReceiver, MESSAGE_ID, type AppTarget } from './targets.js'

export interface SentMessage {
  readonly messageId: string
  readonly chatId: string
}

/** The request body of POST /open-apis/im/v1/messages (§3.1). */
interface SendBody {
  receive_id: string
  msg_type: string
  content: string
  uuid: string
}

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'
const MESSAGES_PATH = '/open-apis/im/v1/messages'

/**
 * §3.3: 50 requests/s and 1000/min per app; 5/s to one chat or user. A slot is stamped again when
 * its answer arrives (rate-limiter.ts), after Feishu counted the request, so a window of Feishu's
 * own length already keeps arrivals apart; the 2% more absorbs a clock that reads a little fast.
 */
const FEISHU_LIMITS: { app: Limit[]; receiver: Limit[] } = {
  app: [
    { count: 50, windowMs: 1020 },
    { count: 1000, windowMs: 60_500 },
  ],
  receiver: [{ count: 5, windowMs: 1020 }],
}

/** A refused token: fetch a new one (once per run) and send again. */
const TOKEN_REFUSED = new Set([99991663, 99991661])

/** The request body of POST /open-apis/im/v1/messages/:message_id/reply (§5.1). */
interface ReplyBody {
  msg_type: string
  content: string
  reply_in_thread: boolean
  uuid: string
}

/** The request body of PATCH /open-apis/im/v1/messages/:message_id (§5.2): a card, no uuid. */
interface UpdateBody {
  content: string
}

/** The request body of POST /open-apis/contact/v3/users/batch_get_id (§14.1). */
interface BatchGetIdBody {
  emails?: string[]
  mobiles?: string[]
  include_resigned: boolean
}

/** The request body of POST /open-apis/im/v1/messages/:message_id/reactions (feishu/reactions.ts). */
interface ReactionBody {
  reaction_type: { emoji_type: string }
}

/** One request of the app bot for one target: what a dry run prints and the client sends. */
export interface AppRequest {
  readonly method: 'POST' | 'PATCH' | 'GET'
  readonly url: string
  /** Undefined for a GET. */
  readonly body: SendBody | ReplyBody | UpdateBody | BatchGetIdBody | ReactionBody | undefined
  /**
   * What the per-target limit counts (§3.3): one chat or user for a send; one message for an
   * update (5 QPS per message, §5.2) and for a reply (its chat is not known before the answer).
   */
  readonly limitKey: string
  /** An upload (feishu/uploads.ts): the multipart form, made afresh for every attempt; then `body` is unused. */
  readonly form?: () => Promise<FormData>
}

/**
 * The request for `target`: a send (§3.1), a reply (§5.1) or a card update (§5.2). `content` is
 * the message content serialised once for all targets (a JSON string); an update carries no uuid
 * (PATCH is idempotent: the same card twice is the same card).
 */
export function appRequest(
  baseUrl: string,
  target: AppTarget,
  message: { msgType: string; content: string; uuid: string; replyInThread: boolean },
): AppRequest {
  const { msgType, content, uuid } = message
  switch (target.receiveIdType) {
    case 'update_message_id':
      return {
        method: 'PATCH',
        url: `${baseUrl}${MESSAGES_PATH}/${target.receiveId}`,
        body: { content },
        limitKey: `message:${target.receiveId}`,
      }
    case 'reply_to':
      return {
        method: 'POST',
        url: `${baseUrl}${MESSAGES_PATH}/${target.receiveId}/reply`,
        body: { msg_type: msgType, content, reply_in_thread: message.replyInThread, uuid },
        limitKey: `message:${target.receiveId}`,
      }
    default:
      return {
        method: 'POST',
        url: `${baseUrl}${MESSAGES_PATH}?receive_id_type=${target.receiveIdType}`,
        body: { receive_id: target.receiveId, msg_type: msgType, content, uuid },
        limitKey: `${target.receiveIdType}:${target.receiveId}`,
      }
  }
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
  /** The run's cancellation: no request starts after it, and one in flight gets a short grace (request.ts). */
  cancellation?: Cancellation
}

export class FeishuClient {
  private readonly requests: FeishuRequester
  private readonly appLimiter: SlidingWindowLimiter
  private readonly targetLimiter: KeyedLimiter
  private token: Promise<string> | undefined
  /** Bumped when the token is replaced, so concurrent sends refused the old one share one refresh. */
  private tokenGeneration = 0

  constructor(private readonly options: ClientOptions) {
    this.requests = new FeishuRequester(options)
    this.requests.hide(options.appSecret)
    const limits = options.limits ?? FEISHU_LIMITS
    const sleep = this.requests.sleep
    this.appLimiter = new SlidingWindowLimiter(limits.app, Date.now, sleep)
    this.targetLimiter = new KeyedLimiter(() => new SlidingWindowLimiter(limits.receiver, Date.now, sleep))
  }

  /** §1.1: one tenant_access_token for the run, fetched on first use. Masked the moment it arrives. */
  tenantToken(): Promise<string> {
    this.token ??= this.fetchToken()
    return this.token
  }

  /**
   * Sends `request` for `target`, retrying what may succeed later. The id of the message sent, or
   * for an update the id of the card updated (Feishu answers data {}, §5.2).
   */
  async deliver(target: AppTarget, request: AppRequest): Promise<SentMessage> {
    const answer = await this.requests.withRetries(describeReceiver(target), () => this.callWithToken(request))
    if (target.receiveIdType === 'update_message_id') return { messageId: target.receiveId, chatId: '' }
    // Both ids go into logs and outputs and a later step's inputs: take only what has their shape.
    const messageId = answer.data?.message_id
    const chatId = answer.data?.chat_id
    if (typeof messageId !== 'string' || !MESSAGE_ID.test(messageId)) {
      throw new FeishuError({
        code: null,
        msg: '',
        httpStatus: 200,
        logId: '',
        meaning: 'Feishu answered code 0 without a message id (om_...), so delivery cannot be confirmed',
        fix: 'check the chat; check `domain` points at the Feishu/Lark Open Platform',
      })
    }
    return { messageId, chatId: typeof chatId === 'string' && /^oc_[\w-]+$/.test(chatId) ? chatId : '' }
  }

  /**
   * Any other request with the run's token (a lookup, feishu/contacts.ts), retried like a send:
   * it changes nothing, so sending it again is always safe. Feishu's body, or a FeishuError.
   */
  call(label: string, request: AppRequest): Promise<FeishuBody> {
    return this.requests.withRetries(label, () => this.callWithToken(request))
  }

  /**
   * One attempt with the run's token, no retries: for a caller that paces and retries itself
   * (the approval wait polls every few seconds and backs off on its own). Feishu's body, or a FeishuError.
   */
  callOnce(request: AppRequest): Promise<FeishuBody> {
    return this.callWithToken(request)
  }

  close(): Promise<void> {
    return this.requests.close()
  }

  private async fetchToken(): Promise<string> {
    const { appId, appSecret, baseUrl } = this.options
    const body = await this.requests.withRetries('token request', () =>
      this.requests.call('POST', `${baseUrl}${TOKEN_PATH}`, { app_id: appId, app_secret: appSecret }),
    )
    const token = body.tenant_access_token
    if (typeof token !== 'string' || token === '') {
      throw new FeishuError({
        code: null,
        msg: '',
        httpStatus: 200,
        logId: '',
        meaning: 'Feishu answered the token request with code 0 but no tenant_access_token',
        fix: 'check `domain` points at the Feishu/Lark Open Platform',
      })
    }
    this.options.onSecret(token)
    this.requests.hide(token, token.replace(/^[a-z]-/, ''))
    return token
  }

  /**
   * One request with the current token, within the rate limits (every attempt, resends included,
   * takes its slots, settled when the answer arrives). A refused token is replaced once per run
   * and the request sent again; if no new token can be had, that is final for this request.
   */
  private async callWithToken(request: AppRequest): Promise<FeishuBody> {
    let replaced = false
    for (;;) {
      const generation = this.tokenGeneration
      let token: string
      try {
        token = await this.tenantToken()
      } catch (error) {
        throw renewalFailed(error)
      }
      const slots = [await this.targetLimiter.acquire(request.limitKey), await this.appLimiter.acquire()]
      try {
        const payload = request.form ? await request.form() : request.body
        return await this.requests.call(request.method, request.url, payload, { authorization: `Bearer ${token}` })
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
}

/** A refresh of the token that failed: final for the request, saying what failed. */
function renewalFailed(error: unknown): FeishuError {
  if (!(error instanceof FeishuError)) throw error
  return new FeishuError(
    { ...error, meaning: `could not get a new tenant access token: ${error.meaning}`, final: true },
    { cause: error },
  )
}
