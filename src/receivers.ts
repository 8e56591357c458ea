// Reads the receiver inputs into typed receivers (§3.1 receive_id_type). Pure; no I/O.

import { InputError } from './errors.js'

export const RECEIVE_ID_TYPES = ['chat_id', 'open_id', 'union_id', 'user_id', 'email'] as const
export type ReceiveIdType = (typeof RECEIVE_ID_TYPES)[number]

export interface Receiver {
  readonly receiveId: string
  readonly receiveIdType: ReceiveIdType
}

/** Splits a list input on newlines and commas, trimming and dropping empty entries. */
export function splitList(value: string): string[] {
  return value.split(/[\n,]/).map((item) => item.trim()).filter(Boolean)
}

/** Infers the type from the prefix the way Feishu ids are shaped; `type:value` is explicit. */
export function parseReceiver(entry: string, input: string): Receiver {
  const explicit = /^([a-z_]+):(.+)$/.exec(entry)
  if (explicit) {
    const [, type, id] = explicit as unknown as [string, string, string]
    if ((RECEIVE_ID_TYPES as readonly string[]).includes(type)) return { receiveId: id.trim(), receiveIdType: type as ReceiveIdType }
    // A colon inside an e-mail address is not a type prefix; anything else is a typo in the type.
    if (!entry.includes('@')) {
      throw new InputError(input, `unknown receiver type "${type}" in "${entry}"; use one of ${RECEIVE_ID_TYPES.join(', ')}`)
    }
  }
  if (entry.startsWith('oc_')) return { receiveId: entry, receiveIdType: 'chat_id' }
  if (entry.startsWith('ou_')) return { receiveId: entry, receiveIdType: 'open_id' }
  if (entry.startsWith('on_')) return { receiveId: entry, receiveIdType: 'union_id' }
  if (/^[^@\s]+@[^@\s]+$/.test(entry)) return { receiveId: entry, receiveIdType: 'email' }
  throw new InputError(input, `cannot tell what kind of id "${entry}" is; chat ids start with oc_, open_ids with ou_, union_ids with on_; write it as type:value (e.g. user_id:${entry})`)
}

/** All receivers of the step: `chat-id` entries first, then `receive-id`, each once. */
export function readReceivers(chatIds: string, receiveIds: string): Receiver[] {
  const receivers: Receiver[] = []
  for (const entry of splitList(chatIds)) {
    if (!entry.startsWith('oc_')) {
      throw new InputError('chat-id', `"${entry}" is not a chat id (chat ids start with oc_); put users and other ids in \`receive-id\``)
    }
    receivers.push({ receiveId: entry, receiveIdType: 'chat_id' })
  }
  for (const entry of splitList(receiveIds)) receivers.push(parseReceiver(entry, 'receive-id'))
  const seen = new Set<string>()
  return receivers.filter((receiver) => {
    const key = `${receiver.receiveIdType}:${receiver.receiveId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
