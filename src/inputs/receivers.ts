// Reads the receiver inputs (`chat-id`, `receive-id`) into the typed receivers the Feishu client
// sends to (§3.1 receive_id_type): each id's kind inferred from its prefix or written as
// type:value, its shape checked, duplicates left out. Pure; no I/O.

import { RECEIVE_ID_TYPES, type Receiver, type ReceiveIdType } from '../feishu/targets.js'
import { hasInvisible, InputError, invisibleIn, shown } from './errors.js'
import { checkIdLength, ID_SHAPES, shownId } from './ids.js'

/**
 * Splits a list input on newlines and commas, and on what people also type between ids: spaces,
 * semicolons, and the full-width comma and semicolon of Chinese keyboards. No id contains any.
 */
export function splitList(value: string): string[] {
  return value.split(/[\s,;\uff0c\uff1b\u3001]+/).filter(Boolean)
}

function checked(receiver: Receiver, entry: string, input: string): Receiver {
  checkIdLength(input, receiver.receiveId, receiver.receiveIdType)
  if (hasInvisible(receiver.receiveId)) {
    throw new InputError(
      input,
      `"${shownId(entry)}" is not a valid ${receiver.receiveIdType}: it holds an invisible character (${invisibleIn(entry)}), likely pasted along; type the id again`,
    )
  }
  if (!ID_SHAPES[receiver.receiveIdType].test(receiver.receiveId)) {
    throw new InputError(input, `"${shownId(entry)}" is not a valid ${receiver.receiveIdType}`)
  }
  return receiver
}

/** Infers the type from the prefix the way Feishu ids are shaped; `type:value` is explicit. */
export function parseReceiver(entry: string, input: string): Receiver {
  // Before any pattern, so a huge entry costs nothing.
  checkIdLength(input, entry, 'receiver id')
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
        `unknown receiver type "${shown(typed)}" in "${shownId(entry)}"; use one of ${RECEIVE_ID_TYPES.join(', ')}`,
      )
    }
  }
  if (entry.startsWith('oc_')) return checked({ receiveId: entry, receiveIdType: 'chat_id' }, entry, input)
  if (entry.startsWith('ou_')) return checked({ receiveId: entry, receiveIdType: 'open_id' }, entry, input)
  if (entry.startsWith('on_')) return checked({ receiveId: entry, receiveIdType: 'union_id' }, entry, input)
  if (entry.includes('@')) return checked({ receiveId: entry, receiveIdType: 'email' }, entry, input)
  throw new InputError(
    input,
    `cannot tell what kind of id "${shownId(entry)}" is; chat ids start with oc_, open_ids with ou_, union_ids with on_; write it as type:value (e.g. user_id:${shownId(entry)})`,
  )
}

/** All receivers of the step, `chat-id` entries first, then `receive-id`, each once, and the duplicates left out. */
export function readReceivers(chatIds: string, receiveIds: string): { receivers: Receiver[]; duplicates: string[] } {
  const all: Receiver[] = []
  for (const entry of splitList(chatIds)) {
    if (!entry.startsWith('oc_')) {
      throw new InputError(
        'chat-id',
        `"${shownId(entry)}" is not a chat id (chat ids start with oc_); put users and other ids in \`receive-id\``,
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
