// Where a message goes, as the Feishu client sees it: a receiver of a new message (§3.1
// receive_id_type), the message an update or reply acts on, or a custom bot's own group; and how
// each is named in log lines. Pure types and names: parsing inputs into them is the inputs layer's.

import { bounded } from '../base/bounded.js'
import { maskEmail } from '../base/personal.js'

export const RECEIVE_ID_TYPES = ['chat_id', 'open_id', 'union_id', 'user_id', 'email'] as const
export type ReceiveIdType = (typeof RECEIVE_ID_TYPES)[number]

export interface Receiver {
  readonly receiveId: string
  readonly receiveIdType: ReceiveIdType
}

/** The message (om_...) an update (§5.2) or a reply (§5.1) acts on; the type names the input. */
interface MessageTarget {
  readonly receiveId: string
  readonly receiveIdType: 'update_message_id' | 'reply_to'
}

/** What one app request goes to. */
export type AppTarget = Receiver | MessageTarget

/**
 * Where one delivery goes, as the results output reports it (receive_id, receive_id_type). A custom
 * bot posts into its own group, which it does not name: receive_id is empty.
 */
export type Target = AppTarget | { readonly receiveId: ''; readonly receiveIdType: 'webhook' }

export const WEBHOOK_TARGET: Target = Object.freeze({ receiveId: '', receiveIdType: 'webhook' })

/** A message id (§3.2), as update, reply and the outputs use it. */
export const MESSAGE_ID = /^om_[A-Za-z0-9_-]+$/

/** How a target is named in log lines and messages: `chat_id oc_...`, `reply to om_...`; never more than a bounded part of an id. */
export function describeReceiver(target: Target): string {
  const id = bounded(target.receiveId)
  switch (target.receiveIdType) {
    case 'webhook':
      return 'custom bot webhook'
    case 'update_message_id':
      return `update of ${id}`
    case 'reply_to':
      return `reply to ${id}`
    case 'email':
      // Personal data: masked wherever a receiver is named (the log, the job summary).
      return `email ${maskEmail(id)}`
    default:
      return `${target.receiveIdType} ${id}`
  }
}
