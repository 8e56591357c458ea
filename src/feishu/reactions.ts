// Message reactions as the app bot (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-reaction/list
// and .../message-reaction/create): add one reaction to a message, and read every reaction of
// one emoji key, page by page, as plain data. One attempt per request: the caller (the approval
// wait) paces, retries and backs off itself. Knows nothing of approvals or GitHub.

import type { AppRequest, FeishuClient } from './client.js'
import { FeishuError } from './errors.js'

/** The documented emoji keys the approval gate uses (message-reaction emoji list). */
export const APPROVE_EMOJI = 'CheckMark'
export const REJECT_EMOJI = 'CrossMark'

/** Scopes: reading reactions, and adding them (the page names either for create; UNCONFIRMED which one). */
export const REACTIONS_READ_SCOPE = 'im:message.reactions:read'
export const REACTIONS_WRITE_SCOPE = 'im:message.reactions:write_only'

/** The list page size at most (page_size <= 50). */
const PAGE_SIZE = 50
/** Pages read at most per look: 50 x 20 = 1000 reactions of one emoji on one card is far beyond any team. */
const MAX_PAGES = 20

/** One reaction as listed: who (a user or an app), which emoji, and when (ms since epoch, 0 when not given). */
export interface Reaction {
  readonly operatorType: string
  readonly operatorId: string
  readonly emoji: string
  readonly actionTime: number
}

/** Which id type the operators are read in (the list's user_id_type). */
export type OperatorIdType = 'open_id' | 'user_id'

const path = (baseUrl: string, messageId: string): string =>
  `${baseUrl}/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/reactions`

/** POST .../reactions with one emoji key. */
export async function addReaction(
  client: FeishuClient,
  options: { baseUrl: string; messageId: string; emoji: string },
): Promise<void> {
  const request: AppRequest = {
    method: 'POST',
    url: path(options.baseUrl, options.messageId),
    body: { reaction_type: { emoji_type: options.emoji } },
    limitKey: `message:${options.messageId}`,
  }
  await client.call(`reaction ${options.emoji}`, request)
}

/**
 * Every reaction on the message (of one emoji key when `emoji` is given: the reaction_type
 * filter), all pages (page_token, has_more), one attempt per page. Entries that are not shaped as
 * the list documents are skipped, never trusted.
 */
export async function listReactions(
  client: FeishuClient,
  options: { baseUrl: string; messageId: string; emoji?: string; idType: OperatorIdType },
): Promise<{ reactions: Reaction[]; requests: number }> {
  const reactions: Reaction[] = []
  let pageToken = ''
  let requests = 0
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ page_size: String(PAGE_SIZE), user_id_type: options.idType })
    if (options.emoji) query.set('reaction_type', options.emoji)
    if (pageToken) query.set('page_token', pageToken)
    requests++
    const answer = await client.callOnce({
      method: 'GET',
      url: `${path(options.baseUrl, options.messageId)}?${query.toString()}`,
      body: undefined,
      limitKey: `reactions:${options.messageId}`,
    })
    const data = answer.data ?? {}
    const items = Array.isArray(data.items) ? (data.items as unknown[]) : []
    for (const item of items) {
      const reaction = readReaction(item)
      if (reaction && (!options.emoji || reaction.emoji === options.emoji)) reactions.push(reaction)
    }
    const next = typeof data.page_token === 'string' ? data.page_token : ''
    if (data.has_more !== true || !next || next === pageToken) return { reactions, requests }
    pageToken = next
  }
  throw new FeishuError({
    code: null,
    msg: '',
    httpStatus: 200,
    logId: '',
    meaning: `the reactions list of ${options.messageId} went on past ${MAX_PAGES} pages`,
    fix: 'check `domain` points at the Feishu/Lark Open Platform',
  })
}

/** An item of the list: operator {operator_id, operator_type}, reaction_type {emoji_type}, action_time (ms, a string). */
function readReaction(item: unknown): Reaction | undefined {
  if (typeof item !== 'object' || item === null) return undefined
  const { operator, reaction_type: type, action_time: time } = item as Record<string, unknown>
  if (typeof operator !== 'object' || operator === null) return undefined
  const { operator_id: id, operator_type: operatorType } = operator as Record<string, unknown>
  const emoji = typeof type === 'object' && type !== null ? (type as Record<string, unknown>).emoji_type : undefined
  if (typeof id !== 'string' || !id || typeof operatorType !== 'string' || typeof emoji !== 'string') return undefined
  const at = Number(time)
  return { operatorType, operatorId: id, emoji, actionTime: Number.isFinite(at) && at > 0 ? at : 0 }
}
