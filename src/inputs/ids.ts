// The shapes of the ids a workflow gives (receivers, the message to update or reply to, people to
// mention): each kind's documented prefix and characters, and one length rule for all, so an id
// far beyond any real one is an input error naming its input before any request, and is never
// echoed, sent or matched against a pattern in full. Pure.
//
// Prefixes: Feishu's send-message reference names chat_id oc_, open_id ou_, union_id on_ and
// message ids om_ (https://open.feishu.cn/document/server-docs/im-v1/message/create); it gives no
// lengths, so the length rule is ours: real ids are a few dozen characters.

import { bounded } from '../base/bounded.js'
import { maskPersonal } from '../base/personal.js'
import { InputError, shown } from './errors.js'

/** Characters an id may have, at most: far above any real one (e-mail addresses end at 254, RFC 5321). */
export const MAX_ID_LENGTH = 256

/** What each kind of id looks like; anything else would only come back from Feishu as 230034 or 230001. */
export const ID_SHAPES = {
  chat_id: /^oc_[A-Za-z0-9_-]+$/,
  open_id: /^ou_[A-Za-z0-9_-]+$/,
  union_id: /^on_[A-Za-z0-9_-]+$/,
  user_id: /^[A-Za-z0-9_.-]+$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  message_id: /^om_[A-Za-z0-9_-]+$/,
} as const satisfies Record<string, RegExp>

export type IdKind = keyof typeof ID_SHAPES

/** How an id may be repeated in an error: cut, personal data masked, invisible characters as \uXXXX. */
export function shownId(id: string): string {
  // Cut first: the masking patterns are not meant for 100,000 characters.
  return shown(maskPersonal(bounded(id)))
}

/**
 * Throws an InputError naming `input` when `id` is longer than MAX_ID_LENGTH. Checked before any
 * pattern, so a huge id costs nothing.
 */
export function checkIdLength(input: string, id: string, kind: string): void {
  if (id.length > MAX_ID_LENGTH)
    throw new InputError(
      input,
      `"${shownId(id)}" is not a valid ${kind}: it is ${id.length} characters long, and no ${kind} is longer than ${MAX_ID_LENGTH}`,
    )
}

/** Whether `id` is within the length rule and has the shape of `kind`. */
export function isId(id: string, kind: IdKind): boolean {
  return id.length <= MAX_ID_LENGTH && ID_SHAPES[kind].test(id)
}

/**
 * `id` when it is a valid `kind`; else an InputError naming `input` (the length rule first, then
 * the shape, with `hint` after the shape's message). For other layers' id inputs too (approvers).
 */
export function checkId(input: string, id: string, kind: IdKind, hint = ''): string {
  checkIdLength(input, id, kind)
  if (!ID_SHAPES[kind].test(id))
    throw new InputError(input, `"${shownId(id)}" is not a valid ${kind}${hint ? `; ${hint}` : ''}`)
  return id
}
