// Reads the receiver inputs into typed receivers (§3.1 receive_id_type), and names the other
// places a message can go: the message an update or reply acts on, a custom bot's group. Pure; no I/O.

import { InputError } from './errors.js'

export const RECEIVE_ID_TYPES = ['chat_id', 'open_id', 'union_id', 'user_id', 'email'] as const
export type ReceiveIdType = (typeof RECEIVE_ID_TYPES)[number]

export interface Receiver {
  readonly receiveId: string
  readonly receiveIdType: ReceiveIdType
}

/** The message (om_...) an update (§5.2) or a reply (§5.1) acts on; the type names the input. */
export interface MessageTarget {
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

/**
 * Splits a list input on newlines and commas, and on what people also type between ids: spaces,
 * semicolons, and the full-width comma and semicolon of Chinese keyboards. No id contains any.
 */
export function splitList(value: string): string[] {
  return value.split(/[\s,;\uff0c\uff1b\u3001]+/).filter(Boolean)
}

/** A message id (§3.2), as update, reply and the outputs use it. */
export const MESSAGE_ID = /^om_[A-Za-z0-9_-]+$/

/** What each kind of id looks like; anything else would only come back from Feishu as 230034. */
const SHAPES: Record<ReceiveIdType, RegExp> = {
  chat_id: /^oc_[A-Za-z0-9_-]+$/,
  open_id: /^ou_[A-Za-z0-9_-]+$/,
  union_id: /^on_[A-Za-z0-9_-]+$/,
  user_id: /^[A-Za-z0-9_.-]+$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
}

function checked(receiver: Receiver, entry: string, input: string): Receiver {
  if (!SHAPES[receiver.receiveIdType].test(receiver.receiveId)) {
    throw new InputError(input, `"${entry}" is not a valid ${receiver.receiveIdType}`)
  }
  return receiver
}

/** Infers the type from the prefix the way Feishu ids are shaped; `type:value` is explicit. */
export function parseReceiver(entry: string, input: string): Receiver {
  const explicit = /^([A-Za-z_]+):(.*)$/.exec(entry)
  if (explicit) {
    const [, typed, id] = explicit as unknown as [string, string, string]
    const type = typed.toLowerCase()
    if ((RECEIVE_ID_TYPES as readonly string[]).includes(type))
      return checked({ receiveId: id, receiveIdType: type as ReceiveIdType }, entry, input)
    // A colon inside an e-mail address is not a type prefix; anything else is a typo in the type.
    if (!entry.includes('@')) {
      throw new InputError(
        input,
        `unknown receiver type "${typed}" in "${entry}"; use one of ${RECEIVE_ID_TYPES.join(', ')}`,
      )
    }
  }
  if (entry.startsWith('oc_')) return checked({ receiveId: entry, receiveIdType: 'chat_id' }, entry, input)
  if (entry.startsWith('ou_')) return checked({ receiveId: entry, receiveIdType: 'open_id' }, entry, input)
  if (entry.startsWith('on_')) return checked({ receiveId: entry, receiveIdType: 'union_id' }, entry, input)
  if (entry.includes('@')) return checked({ receiveId: entry, receiveIdType: 'email' }, entry, input)
  throw new InputError(
    input,
    `cannot tell what kind of id "${entry}" is; chat ids start with oc_, open_ids with ou_, union_ids with on_; write it as type:value (e.g. user_id:${entry})`,
  )
}

/** All receivers of the step, `chat-id` entries first, then `receive-id`, each once, and the duplicates left out. */
export function readReceivers(chatIds: string, receiveIds: string): { receivers: Receiver[]; duplicates: string[] } {
  const all: Receiver[] = []
  for (const entry of splitList(chatIds)) {
    if (!entry.startsWith('oc_')) {
      throw new InputError(
        'chat-id',
        `"${entry}" is not a chat id (chat ids start with oc_); put users and other ids in \`receive-id\``,
      )
    }
    all.push(checked({ receiveId: entry, receiveIdType: 'chat_id' }, entry, 'chat-id'))
  }
  for (const entry of splitList(receiveIds)) all.push(parseReceiver(entry, 'receive-id'))
  const seen = new Set<string>()
  const receivers: Receiver[] = []
  const duplicates: string[] = []
  for (const receiver of all) {
    const key = `${receiver.receiveIdType}:${receiver.receiveId}`
    if (seen.has(key)) duplicates.push(key)
    else receivers.push(receiver)
    seen.add(key)
  }
  return { receivers, duplicates }
}

/** How a target is named in log lines and messages: `chat_id oc_...`, `reply to om_...`. */
export function describeReceiver(target: Target): string {
  switch (target.receiveIdType) {
    case 'webhook':
      return 'custom bot webhook'
    case 'update_message_id':
      return `update of ${target.receiveId}`
    case 'reply_to':
      return `reply to ${target.receiveId}`
    default:
      return `${target.receiveIdType} ${target.receiveId}`
  }
}
