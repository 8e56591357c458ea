// @ts-check
/**
 * The fake Feishu server's message reactions, hooked into test/fake-feishu.mjs:
 * create (POST /open-apis/im/v1/messages/:message_id/reactions), list (GET, with page_size <= 50,
 * page_token, reaction_type and user_id_type), delete (DELETE .../reactions/:reaction_id, own
 * reactions only), as https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-reaction/list
 * and .../create document them: the bot's reactions carry operator_type app and the app_id, a
 * user's operator_type user and their id in the id type asked. Scopes are checked on every
 * request, so a test can withdraw one. A test adds or removes a user's reaction at a time it
 * chooses (`react`, `unreact`), and reads how often each message's reactions were listed.
 * Where the documentation is silent, the choice is marked UNCONFIRMED.
 */
import crypto from 'node:crypto'

const REACTIONS_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reactions$/
const REACTION_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reactions\/([^/]+)$/
/** Either suffices to read (the list page). */
const READ_SCOPES = ['im:message.reactions:read', 'im:message:readonly', 'im:message']
/** UNCONFIRMED which the create page names: either is accepted. */
const WRITE_SCOPES = ['im:message.reactions:write_only', 'im:message']
/** A part of the documented emoji keys (the emoji list has 185). */
const EMOJI_KEYS = new Set([
  'CheckMark',
  'CrossMark',
  'THUMBSUP',
  'ThumbsDown',
  'DONE',
  'OK',
  'LGTM',
  'Yes',
  'No',
  'SMILE',
  'HEART',
  'JIAYI',
  'MUSCLE',
])
const ID_TYPES = ['open_id', 'union_id', 'user_id']

/**
 * @typedef {{ reaction_id: string, message_id: string, operator_type: 'app' | 'user', app_id: string,
 *   user: import('./fake-feishu.mjs').FakeUser | undefined, emoji_type: string, action_time: number }} StoredReaction
 * @typedef {{ status: number, body: Record<string, any>, headers?: Record<string, string> }} Reply
 * @typedef {{ method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: any, rawBody: string }} Ctx
 */

/**
 * @param {object} deps what fake-feishu.mjs shares
 * @param {(ctx: Ctx, scopes: string[]) => ({ caller: { appId: string, scopes: string[] } } | { error: Reply })} deps.authenticate
 * @param {Map<string, any>} deps.messagesById
 * @param {(status: number, code: number, msg: string, extra?: Record<string, unknown>) => Reply} deps.fail
 * @param {Record<string, { secret: string, scopes?: string[] }>} deps.apps
 * @param {import('./fake-feishu.mjs').FakeUser[]} deps.users
 */
export function createReactions({ authenticate, messagesById, fail, apps, users }) {
  /** @type {StoredReaction[]} */
  const reactions = []
  /** @type {Map<string, number>} message id -> list requests answered */
  const listed = new Map()

  /** @param {string} messageId @returns {Reply | { message: any }} */
  function findMessage(messageId) {
    const message = messagesById.get(messageId)
    // UNCONFIRMED: the code for an unknown message; 230001 as for PATCH.
    if (!message) return fail(400, 230001, `invalid message_id ${messageId}`)
    if (message.recalled) return fail(400, 230011, 'The message has been recalled.')
    if (message.deleted) return fail(400, 230110, 'The message has been deleted.')
    return { message }
  }

  /** @param {StoredReaction} reaction @param {string} idType */
  function item(reaction, idType) {
    const operatorId =
      reaction.operator_type === 'app'
        ? reaction.app_id
        : reaction.user?.[/** @type {'open_id' | 'union_id' | 'user_id'} */ (idType)]
    return {
      reaction_id: reaction.reaction_id,
      operator: { operator_id: operatorId, operator_type: reaction.operator_type },
      action_time: String(reaction.action_time),
      reaction_type: { emoji_type: reaction.emoji_type },
    }
  }

  /** @param {Ctx} ctx @param {string} messageId @returns {Reply} */
  function create(ctx, messageId) {
    const auth = authenticate(ctx, WRITE_SCOPES)
    if ('error' in auth) return auth.error
    const found = findMessage(messageId)
    if (!('message' in found)) return found
    const emoji = ctx.body?.reaction_type?.emoji_type
    if (typeof emoji !== 'string' || !EMOJI_KEYS.has(emoji))
      // UNCONFIRMED: the code for an unknown emoji key.
      return fail(400, 231001, `reaction type is invalid: ${String(emoji)}`)
    // UNCONFIRMED: adding the same emoji twice; answered with the reaction already there.
    const existing = reactions.find(
      (r) =>
        r.message_id === messageId &&
        r.operator_type === 'app' &&
        r.app_id === auth.caller.appId &&
        r.emoji_type === emoji,
    )
    const reaction = existing ?? {
      reaction_id: `ZCaCIjUBVVWSrm5L-${crypto.randomBytes(6).toString('hex')}`,
      message_id: messageId,
      operator_type: /** @type {const} */ ('app'),
      app_id: auth.caller.appId,
      user: undefined,
      emoji_type: emoji,
      action_time: Date.now(),
    }
    if (!existing) reactions.push(reaction)
    return { status: 200, body: { code: 0, msg: 'success', data: item(reaction, 'open_id') } }
  }

  /** @param {Ctx} ctx @param {string} messageId @returns {Reply} */
  function list(ctx, messageId) {
    const auth = authenticate(ctx, READ_SCOPES)
    if ('error' in auth) return auth.error
    const found = findMessage(messageId)
    if (!('message' in found)) return found
    const idType = ctx.query.user_id_type ?? 'open_id'
    if (!ID_TYPES.includes(idType))
      return fail(400, 99992402, 'field validation failed', { field_violations: [{ field: 'user_id_type' }] })
    const pageSize = ctx.query.page_size === undefined ? 20 : Number(ctx.query.page_size)
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50)
      return fail(400, 99992402, 'field validation failed', {
        field_violations: [{ field: 'page_size', description: 'the max is 50' }],
      })
    let offset = 0
    if (ctx.query.page_token !== undefined) {
      const decoded = /^r(\d+)$/.exec(Buffer.from(ctx.query.page_token, 'base64url').toString('utf8'))
      if (!decoded)
        return fail(400, 99992402, 'field validation failed', { field_violations: [{ field: 'page_token' }] })
      offset = Number(decoded[1])
    }
    const type = ctx.query.reaction_type
    const all = reactions.filter((r) => r.message_id === messageId && (type === undefined || r.emoji_type === type))
    const page = all.slice(offset, offset + pageSize)
    const more = offset + pageSize < all.length
    listed.set(messageId, (listed.get(messageId) ?? 0) + 1)
    return {
      status: 200,
      body: {
        code: 0,
        msg: 'success',
        data: {
          items: page.map((r) => item(r, idType)),
          has_more: more,
          ...(more ? { page_token: Buffer.from(`r${offset + pageSize}`).toString('base64url') } : {}),
        },
      },
    }
  }

  /** @param {Ctx} ctx @param {string} messageId @param {string} reactionId @returns {Reply} */
  function remove(ctx, messageId, reactionId) {
    const auth = authenticate(ctx, WRITE_SCOPES)
    if ('error' in auth) return auth.error
    const index = reactions.findIndex((r) => r.message_id === messageId && r.reaction_id === reactionId)
    // UNCONFIRMED: the codes for an unknown reaction and for one that is someone else's.
    if (index < 0) return fail(400, 231002, 'reaction not found')
    const reaction = /** @type {StoredReaction} */ (reactions[index])
    if (reaction.operator_type !== 'app' || reaction.app_id !== auth.caller.appId)
      return fail(400, 231003, 'only your own reactions can be deleted')
    reactions.splice(index, 1)
    return { status: 200, body: { code: 0, msg: 'success', data: item(reaction, 'open_id') } }
  }

  /** @param {string} userOpenId */
  function userOf(userOpenId) {
    const user = users.find((u) => u.open_id === userOpenId)
    if (!user) throw new Error(`fake Feishu: no user ${userOpenId}`)
    return user
  }

  return {
    /** @param {Ctx} ctx @returns {Reply | undefined} */
    route(ctx) {
      const many = REACTIONS_PATH.exec(ctx.path)
      if (many) {
        if (ctx.method === 'POST') return create(ctx, many[1] ?? '')
        if (ctx.method === 'GET') return list(ctx, many[1] ?? '')
        return fail(405, 99991301, `http method ${ctx.method} is not allowed for ${ctx.path}`)
      }
      const one = REACTION_PATH.exec(ctx.path)
      if (one)
        return ctx.method === 'DELETE'
          ? remove(ctx, one[1] ?? '', one[2] ?? '')
          : fail(405, 99991301, `http method ${ctx.method} is not allowed for ${ctx.path}`)
      return undefined
    },
    api: {
      /** Every reaction stored, in order. */
      all: reactions,
      /** A user (by open_id) reacts to a message now, or `afterMs` later; `at` sets action_time. */
      react(/** @type {{ messageId: string, user: string, emoji: string, afterMs?: number, at?: number }} */ options) {
        const add = () =>
          reactions.push({
            reaction_id: `ZCaCIjUBVVWSrm5L-${crypto.randomBytes(6).toString('hex')}`,
            message_id: options.messageId,
            operator_type: 'user',
            app_id: '',
            user: userOf(options.user),
            emoji_type: options.emoji,
            action_time: options.at ?? Date.now(),
          })
        if (options.afterMs) setTimeout(add, options.afterMs).unref()
        else add()
      },
      /** A user withdraws their reaction. */
      unreact(/** @type {{ messageId: string, user: string, emoji: string }} */ options) {
        const index = reactions.findIndex(
          (r) =>
            r.message_id === options.messageId && r.user?.open_id === options.user && r.emoji_type === options.emoji,
        )
        if (index >= 0) reactions.splice(index, 1)
      },
      /** Messages the app `appId` reacted to with every one of `emojis`: the gates ready for answers. */
      reactedBy(/** @type {string} */ appId, /** @type {string[]} */ emojis) {
        const ids = [...new Set(reactions.map((r) => r.message_id))]
        return ids.filter((id) =>
          emojis.every((emoji) =>
            reactions.some(
              (r) => r.message_id === id && r.operator_type === 'app' && r.app_id === appId && r.emoji_type === emoji,
            ),
          ),
        )
      },
      /** How many list requests were answered for `messageId`. */
      listCount(/** @type {string} */ messageId) {
        return listed.get(messageId) ?? 0
      },
      /** Withdraws a scope from an app (the developer console's Permissions & Scopes). */
      revokeScope(/** @type {string} */ appId, /** @type {string} */ scope) {
        const app = apps[appId]
        if (app) app.scopes = (app.scopes ?? []).filter((s) => s !== scope)
      },
    },
    reset() {
      reactions.length = 0
      listed.clear()
    },
  }
}
