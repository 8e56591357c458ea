// Plans an app bot's delivery: where each request goes (every receiver of a new message, or the
// one message an update or a reply acts on), the content serialised once for all of them, and
// each request's idempotency key. What a dry run prints and a real run sends are the same plan.

import { appRequest, type AppRequest } from './client.js'
import type { FeishuMessage } from './message.js'
import type { AppTarget, Receiver } from './targets.js'
import { messageUuid } from './uuid.js'

export interface AppDeliveryPlan {
  readonly targets: readonly AppTarget[]
  requestFor(target: AppTarget): AppRequest
}

export function planAppDelivery(options: {
  baseUrl: string
  receivers: readonly Receiver[]
  /** The card to update (om_...), or ''. */
  updateMessageId: string
  /** The message to reply to (om_...), or ''. */
  replyTo: string
  replyInThread: boolean
  /** The `uuid` input, or ''. */
  uuid: string
  message: FeishuMessage
  /** What tells this step apart from every other (github/context.ts stepIdentity); null in a local run. */
  step: readonly string[] | null
}): AppDeliveryPlan {
  const { baseUrl, message } = options
  const targets: AppTarget[] = options.updateMessageId
    ? [{ receiveIdType: 'update_message_id', receiveId: options.updateMessageId }]
    : options.replyTo
      ? [{ receiveIdType: 'reply_to', receiveId: options.replyTo }]
      : [...options.receivers]
  // Serialised once for every target (§3.1: content is a JSON string).
  const content = JSON.stringify(message.content)
  return {
    targets,
    requestFor: (target) =>
      appRequest(baseUrl, target, {
        msgType: message.msgType,
        content,
        replyInThread: options.replyInThread,
        uuid: messageUuid({
          given: options.uuid,
          receiver: target,
          receiverCount: targets.length,
          body: content,
          step: options.step,
        }),
      }),
  }
}
