// @ts-check
/**
 * Fake Feishu / Lark Open Platform server for tests, listening on loopback.
 *
 * Owns: the tenant token endpoint, message send, reply and card patch, the open_id lookup by
 * e-mail or phone (batch_get_id, §14.1) — the parts of the Open API the Action talks to — and the custom bot webhook `POST /open-apis/bot/v2/hook/:token` (§7). Everything follows docs/feishu-api.md (section numbers below refer to
 * it). The fake validates requests the way Feishu documents it and answers with the documented
 * error codes, so a client that passes against it has at least honoured the written contract.
 * Where the doc is silent or UNCONFIRMED, the choice made here is marked "UNCONFIRMED" in a comment.
 *
 * Used from vitest and from plain `node` scripts, hence JavaScript + JSDoc, and only node: imports.
 */
import http from 'node:http'
import https from 'node:https'
import crypto from 'node:crypto'
import { URL } from 'node:url'
import { fakeUploads } from './fake-feishu-uploads.mjs'
import { createReactions } from './fake-feishu-reactions.mjs'

/**
 * @typedef {'string' | 'number' | 'boolean' | 'array' | 'object'} TemplateVarType
 *
 * @typedef {object} FakeApp
 * @property {string} secret
 * @property {string[]} [scopes] default ['im:message:send_as_bot', 'im:resource']
 * @property {boolean} [bot] false: the bot capability is off, uploads answer 234007
 *
 * @typedef {object} FakeUser
 * @property {string} open_id
 * @property {string} union_id
 * @property {string} user_id
 * @property {string} email
 * @property {string} name
 * @property {string} [mobile] with + and the country code (§14.1)
 * @property {boolean} [resigned] batch_get_id finds them only with include_resigned: true
 *
 * @typedef {object} FakeTemplate
 * @property {string[]} versions published version names, oldest first (the last one is "latest")
 * @property {Record<string, TemplateVarType>} [variables]
 * @property {string[]} [allowedApps] app ids (or custom bot hook tokens) allowed to send it; absent = every app
 *
 * @typedef {object} FakeOptions
 * @property {number} [port] default 0 (random)
 * @property {Record<string, FakeApp>} [apps]
 * @property {string[]} [chats] chat ids the bot is a member of
 * @property {FakeUser[]} [users] users inside the app's availability range
 * @property {string[]} [outOfRange] ids (any id type) of users that exist but are outside the range
 * @property {Record<string, FakeTemplate>} [templates]
 * @property {boolean} [requireUserIdScope] receive_id_type=user_id needs contact:user.employee_id:readonly
 * @property {number} [tokenTtlSeconds] lifetime of issued tenant tokens, default 7200
 * @property {number} [authErrorStatus] HTTP status for 99991661 / 99991663, default 400
 * @property {FakeLimits} [limits] Feishu's rate limits (§3.3, §3.4); off unless given
 * @property {Record<string, FakeBot>} [bots] custom bots by hook token (§7); default one bot, token 'demo-hook-token', no security options
 * @property {string[]} [noThreadChats] chats that do not support thread replies: reply_in_thread there answers 230071 (§5.1)
 * @property {{ key: string, cert: string }} [tls] serve https with this key and certificate (PEM)
 * @property {boolean} [checkMentions] a card whose markdown mentions (at tags with id or ids) an id that is no user's
 *   open_id, user_id or union_id fails with 230099 / 100290 (§4.6, §14.2); off unless given (other suites mention made-up ids)
 * @property {'entry' | 'absent'} [lookupMiss] how batch_get_id answers for someone it does not find (§14.1, UNCONFIRMED):
 *   an entry with the e-mail or mobile and no user_id (default), or no entry at all
 *
 * @typedef {object} FakeLimits
 * @property {number} [appPerSecond] messages per app in any 1000 ms, else HTTP 429 / 99991400 with x-ogw-ratelimit-reset
 * @property {number} [appPerMinute] messages per app in any 60 s, same answer
 * @property {number} [chatPerSecond] messages to one chat (a user's p2p chat included) in any 1000 ms, else HTTP 400 / 230020
 * @property {number} [patchPerSecond] updates (PATCH) of one message in any 1000 ms (§5.2: 5), else HTTP 400 / 230020
 * @property {number} [botPerSecond] requests to one custom bot in any 1000 ms, else 11232; default 5 (§3.3), always on
 * @property {number} [botPerMinute] requests to one custom bot in any 60 s, else 11232; default 100 (§3.3), always on
 * @property {number} [lookupPerSecond] batch_get_id requests per app in any 1000 ms (§14.1: 50), else HTTP 429 / 99991400
 * @property {number} [lookupPerMinute] batch_get_id requests per app in any 60 s (§14.1: 1000), same answer
 *
 * @typedef {object} FakeBot A group's custom bot (§7.1). Its limits (§3.3) apply: see FakeLimits.botPerSecond.
 * @property {string} [secret] signature verification on, with this secret (§7.3): a request without a valid sign answers 19021
 * @property {string[]} [keywords] custom keywords (§7.3): a message must contain one in a text or title, else 19024
 * @property {boolean} [ipAllowed] false: the IP allowlist is on and the caller is not on it, so every request answers 19022
 * @property {string} [chatId] the group the bot belongs to, default 'oc_demo'
 *
 * @typedef {object} WebhookMessage A message a custom bot delivered.
 * @property {string} token the hook token it came through
 * @property {string} chat_id the bot's group
 * @property {string} msg_type
 * @property {any} content the `content` object (text, post, image, share_chat); undefined for cards
 * @property {any} card the `card` object (interactive); undefined otherwise
 * @property {any} body the whole request body as received (timestamp and sign included)
 * @property {number} time Date.now() when it was stored
 *
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path pathname only
 * @property {Record<string, string>} query
 * @property {Record<string, string>} headers lowercased names
 * @property {string} rawBody
 * @property {any} body parsed JSON, or undefined when the body is empty or not JSON
 * @property {number} status status the fake answered; 0 when it did not answer (reset / hang)
 * @property {Record<string, any> | undefined} response body the fake answered
 * @property {number} time Date.now() when the request was complete
 *
 * @typedef {object} StoredMessage
 * @property {string} message_id
 * @property {string} chat_id
 * @property {string} receive_id for replies: the receive_id of the message replied to
 * @property {string} receive_id_type
 * @property {string} msg_type
 * @property {string} content the content string as received (updated by PATCH)
 * @property {any} parsedContent JSON.parse(content)
 * @property {string | undefined} uuid
 * @property {string} create_time ms since epoch, as a string like the API
 * @property {string} update_time
 * @property {boolean} updated true after a PATCH
 * @property {string} app_id the sending app
 * @property {string} [root_id] replies only
 * @property {string} [parent_id] replies only
 * @property {string} [thread_id] thread replies only
 * @property {boolean} [recalled] set by markMessage: reply and PATCH answer 230011
 * @property {boolean} [deleted] set by markMessage: reply and PATCH answer 230110
 *
 * @typedef {object} InjectRule
 * @property {string} [path] exact pathname or a substring of it; absent = any path
 * @property {string} [method] absent = any method
 * @property {number} [times] default 1
 * @property {number} [skip] let this many matching requests through first (default 0)
 * @property {number} [status] default 500 (ignored for reset / hang)
 * @property {Record<string, unknown>} [body] default {code, msg} derived from status
 * @property {Record<string, string>} [headers]
 * @property {number} [delayMs] with action delay: how long to hold the request before handling it normally (default 1000)
 * @property {'reset' | 'hang' | 'reset-after' | 'expire-token' | 'delay'} [action] delay: handled normally after delayMs; expire-token: the request's token expires just before it is handled; reset: drop the socket without processing;
 *   hang: never answer; reset-after: process normally (a message IS stored) then drop the socket,
 *   i.e. the "lost response" case that uuid de-duplication exists for (§3.5)
 *
 * @typedef {object} FakeFeishu
 * @property {string} url base URL without trailing slash
 * @property {RecordedRequest[]} requests
 * @property {StoredMessage[]} messages
 * @property {WebhookMessage[]} webhookMessages what custom bots delivered, in order
 * @property {string[]} tokens tenant tokens issued, in order
 * @property {number} connections TCP connections accepted since the server started
 * @property {(token: string) => void} expireToken
 * @property {(fields: { chat_id: string, msg_type: string, content: string, app_id?: string }) => StoredMessage} addMessage
 *   stores a message as if the app had sent it earlier (receive_id: the chat), for replies and updates
 * @property {(messageId: string, state: 'recalled' | 'deleted' | 'old') => void} markMessage
 *   recalled / deleted as by a user; old: sent 15 days ago, past the 14-day update window (§5.2)
 * @property {(rule: InjectRule) => void} inject
 * @property {ReturnType<typeof createReactions>['api']} reactions message reactions (test/fake-feishu-reactions.mjs)
 * @property {() => Promise<void>} close
 * @property {() => void} reset
 * @property {ReturnType<typeof fakeUploads>} files image and file uploads (fake-feishu-uploads.mjs): issued keys, uploads
 */

/**
 * @typedef {{ status: number, body: Record<string, any>, headers?: Record<string, string> }} Reply
 * @typedef {{ method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: any, rawBody: string, raw?: Buffer }} Ctx
 * @typedef {{ token: string, appId: string, expiresAt: number, expired: boolean }} TokenInfo
 * @typedef {{ appId: string, scopes: string[] }} Caller
 */

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'
const MESSAGES_PATH = '/open-apis/im/v1/messages'
const REPLY_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/
const MESSAGE_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/
const HOOK_PATH = /^\/open-apis\/bot\/v2\/hook\/([^/]*)$/
const BATCH_GET_ID_PATH = '/open-apis/contact/v3/users/batch_get_id'
/** §14.1 / §9: looking people up by e-mail or phone. */
const CONTACT_SCOPE = 'contact:user.id:readonly'
/** §14.1: at most 50 e-mails and 50 mobiles per request. */
const LOOKUP_MAX = 50

// §9: any one of these suffices.
const SEND_SCOPES = ['im:message', 'im:message:send_as_bot', 'im:message:send']
const PATCH_SCOPES = ['im:message', 'im:message:send_as_bot', 'im:message:update']
const USER_ID_SCOPE = 'contact:user.employee_id:readonly'

const RECEIVE_ID_TYPES = ['open_id', 'union_id', 'user_id', 'email', 'chat_id']
// §3.1 body table. `system` is Feishu-only but documented, so accepted.
const MSG_TYPES = [
  'text',
  'post',
  'image',
  'file',
  'audio',
  'media',
  'sticker',
  'interactive',
  'share_chat',
  'share_user',
  'system',
]
// §4.3 / §4.4: the key each simple message type must carry.
const REQUIRED_KEY = /** @type {Record<string, string>} */ ({
  image: 'image_key',
  file: 'file_key',
  audio: 'file_key',
  media: 'file_key',
  sticker: 'file_key',
  share_chat: 'chat_id',
  share_user: 'user_id',
})
// §4.2 node table: tag -> required string fields.
const POST_NODE_FIELDS = /** @type {Record<string, string[]>} */ ({
  text: ['text'],
  a: ['text', 'href'],
  at: ['user_id'],
  img: ['image_key'],
  media: ['file_key'],
  emotion: ['emoji_type'],
  code_block: ['text'],
  hr: [],
  md: ['text'],
})
// Card JSON 1.0 silently ignores unknown top-level keys; 2.0 rejects them (§4.5), so only 2.0's are listed.
const CARD2_KEYS = ['schema', 'config', 'card_link', 'header', 'body']
// Arrays that hold nested components; used to find 1.0-only tags and count elements (§4.5).
const COMPONENT_ARRAYS = ['elements', 'columns', 'actions']

const TEXT_LIMIT = 150 * 1024 // §3.1
const CARD_LIMIT = 30 * 1024 // §3.1, post and interactive
const UUID_WINDOW_MS = 60 * 60 * 1000 // §3.5
const REUSE_TOKEN_MS = 30 * 60 * 1000 // §1.1
const PATCH_WINDOW_MS = 14 * 24 * 60 * 60 * 1000 // §5.2
const HOOK_BODY_LIMIT = 20 * 1024 // §7.1
const HOOK_SIGN_WINDOW_S = 3600 // §7.3
// §7.2: what a custom bot can send.
const HOOK_MSG_TYPES = ['text', 'post', 'image', 'share_chat', 'interactive']
// §7.3: keywords are looked for in text-like values only (not in href, url, ...).
const HOOK_TEXT_KEYS = ['text', 'title', 'content']

/** @type {Required<Pick<FakeOptions, 'apps' | 'chats' | 'users' | 'outOfRange' | 'templates' | 'bots'>>} */
const DEFAULTS = {
  apps: { cli_test: { secret: 'test-secret', scopes: ['im:message:send_as_bot', 'im:resource'] } },
  chats: ['oc_demo', 'oc_1', 'oc_2', 'oc_3', 'oc_4', 'oc_5', 'oc_6'],
  users: [
    {
      open_id: 'ou_alice',
      union_id: 'on_alice',
      user_id: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      mobile: '+8613800000001',
    },
    {
      open_id: 'ou_bob',
      union_id: 'on_bob',
      user_id: 'bob',
      email: 'bob@example.com',
      name: 'Bob',
      mobile: '+14155550100',
    },
    { open_id: 'ou_carol', union_id: 'on_carol', user_id: 'carol', email: 'carol@example.com', name: 'Carol' },
  ],
  outOfRange: ['ou_outsider', 'on_outsider', 'outsider', 'outsider@example.com'],
  templates: {
    AAqTemplate1: {
      versions: ['1.0.0', '1.0.2'],
      variables: { version: 'string', run: 'string', count: 'number', services: 'array', ok: 'boolean' },
    },
  },
  bots: { 'demo-hook-token': {} },
}

/** @param {number} bytes */
function randomHex(bytes) {
  return crypto.randomBytes(bytes).toString('hex')
}

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** @param {unknown} value */
function jsonType(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** @param {string} value */
function isHttpUrl(value) {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/**
 * Error reply in the shape of §3.2: `{code, msg, error:{log_id, troubleshooter, ...}}`.
 * @param {number} status @param {number} code @param {string} msg @param {Record<string, unknown>} [extra]
 * @returns {Reply}
 */
function fail(status, code, msg, extra = {}) {
  const logId = randomHex(16).toUpperCase()
  return {
    status,
    body: {
      code,
      msg,
      error: {
        log_id: logId,
        troubleshooter: `Troubleshooting suggestions: https://open.feishu.cn/search?code=${code}&log_id=${logId}`,
        ...extra,
      },
    },
  }
}

/** @param {string} msg @param {string} [field] */
function invalidParam(msg, field) {
  const extra = field ? { field_violations: [{ field, description: msg }] } : {}
  return fail(400, 230001, msg, extra)
}

/** §4.6: card errors carry their sub-code inside msg. @param {number} sub @param {string} errMsg @param {string} errPath */
function cardError(sub, errMsg, errPath) {
  return fail(
    400,
    230099,
    `Failed to create card content, ext=ErrCode: ${sub}; ErrMsg: ${errMsg}; ErrPath: ${errPath}; `,
  )
}

/** @param {Ctx} ctx */
function isJsonRequest(ctx) {
  // §1.1 / §3.1 list Content-Type application/json as required. What Feishu does with another type is
  // UNCONFIRMED; the fake rejects it so a fetch() that forgot the header (text/plain) is caught.
  return (ctx.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')
}

// ---------------------------------------------------------------------------------------------
// Card and content validation (§4)
// ---------------------------------------------------------------------------------------------

/**
 * @param {unknown} list @param {string} path
 * @param {{ node: unknown, path: string }[]} out
 */
function collectComponents(list, path, out) {
  if (!Array.isArray(list)) return
  list.forEach((node, i) => {
    const here = `${path}[${i}]`
    out.push({ node, path: here })
    if (isObject(node)) {
      for (const key of COMPONENT_ARRAYS) collectComponents(node[key], `${here}.${key}`, out)
    }
  })
}

/**
 * Shape errors have no documented sub-code; 200621 ("card JSON cannot be parsed") is used because a
 * wrongly typed field fails the same decoding step as broken JSON. UNCONFIRMED.
 * @param {unknown} list @param {string} path @returns {Reply | undefined}
 */
function checkElementList(list, path) {
  if (list === undefined) return undefined
  if (!Array.isArray(list)) return cardError(200621, `${path} must be an array`, path)
  /** @type {{ node: unknown, path: string }[]} */
  const components = []
  collectComponents(list, path, components)
  for (const c of components) {
    if (!isObject(c.node) || typeof c.node.tag !== 'string' || c.node.tag === '') {
      return cardError(200621, 'component must be an object with a tag', c.path)
    }
  }
  return undefined
}

/** §4.5 (a), JSON 1.0. Unknown properties are ignored in 1.0. @param {Record<string, any>} card */
function validateCard1(card) {
  if (card.header !== undefined && !isObject(card.header))
    return cardError(200621, 'header must be an object', 'header')
  if (card.config !== undefined && !isObject(card.config))
    return cardError(200621, 'config must be an object', 'config')
  const bad = checkElementList(card.elements, 'elements')
  if (bad) return bad
  if (card.i18n_elements !== undefined) {
    if (!isObject(card.i18n_elements)) return cardError(200621, 'i18n_elements must be an object', 'i18n_elements')
    for (const [locale, list] of Object.entries(card.i18n_elements)) {
      const badLocale = checkElementList(list, `i18n_elements.${locale}`)
      if (badLocale) return badLocale
    }
  }
  return undefined
}

// §14.3: the locale keys of card translations.
const CARD_LOCALES = [
  'zh_cn',
  'en_us',
  'ja_jp',
  'zh_hk',
  'zh_tw',
  'id_id',
  'vi_vn',
  'th_th',
  'pt_br',
  'es_es',
  'ko_kr',
  'de_de',
  'fr_fr',
  'it_it',
  'ru_ru',
  'ms_my',
]

/**
 * §14.3, JSON 2.0 translations: `config.locales`, every `i18n_content` and `header.i18n_text_tag_list`
 * use the documented locale keys, and a locale has at most 3 header tags. The answer to a broken
 * rule is UNCONFIRMED: 200621, as for the other shape errors.
 * @param {Record<string, any>} card
 */
function checkCardLocales(card) {
  const locales = isObject(card.config) ? card.config.locales : undefined
  if (locales !== undefined && (!Array.isArray(locales) || locales.some((locale) => !CARD_LOCALES.includes(locale))))
    return cardError(200621, 'config.locales must be a list of locale keys', 'config.locales')
  const tags = isObject(card.header) ? card.header.i18n_text_tag_list : undefined
  if (tags !== undefined) {
    if (!isObject(tags)) return cardError(200621, 'i18n_text_tag_list must be an object', 'header.i18n_text_tag_list')
    for (const [locale, list] of Object.entries(tags)) {
      if (!CARD_LOCALES.includes(locale) || !Array.isArray(list) || list.length > 3)
        return cardError(
          200621,
          `i18n_text_tag_list.${locale}: a locale key with at most 3 tags`,
          'header.i18n_text_tag_list',
        )
    }
  }
  /** @type {string | undefined} */
  let bad
  /** @param {unknown} node @param {string} path */
  const walk = (node, path) => {
    if (bad || !node || typeof node !== 'object') return
    if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${path}[${index}]`))
    const value = /** @type {Record<string, unknown>} */ (node)
    if ('i18n_content' in value) {
      const i18n = value.i18n_content
      if (
        !isObject(i18n) ||
        Object.entries(i18n).some(([key, text]) => !CARD_LOCALES.includes(key) || typeof text !== 'string')
      )
        bad = `${path}.i18n_content`
    }
    for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key)
  }
  walk(card, '')
  return bad ? cardError(200621, 'i18n_content must map locale keys to strings', bad) : undefined
}

/** §4.5 (a), JSON 2.0: stricter than 1.0 — unknown properties are rejected. @param {Record<string, any>} card */
function validateCard2(card) {
  for (const key of Object.keys(card)) {
    if (!CARD2_KEYS.includes(key)) {
      return cardError(200621, `property ${key} is not supported in schema 2.0 (elements go under body)`, key)
    }
  }
  if (card.header !== undefined && !isObject(card.header))
    return cardError(200621, 'header must be an object', 'header')
  if (card.config !== undefined && !isObject(card.config))
    return cardError(200621, 'config must be an object', 'config')
  if (isObject(card.config) && card.config.update_multi === false) {
    return cardError(200621, 'update_multi can only be true in schema 2.0', 'config.update_multi')
  }
  const badLocale = checkCardLocales(card)
  if (badLocale) return badLocale
  if (card.body === undefined) return undefined
  if (!isObject(card.body)) return cardError(200621, 'body must be an object', 'body')
  const bad = checkElementList(card.body.elements, 'body.elements')
  if (bad) return bad

  /** @type {{ node: unknown, path: string }[]} */
  const components = []
  collectComponents(card.body.elements, 'body.elements', components)
  for (const c of components) {
    const tag = isObject(c.node) ? c.node.tag : undefined
    if (tag === 'note' || tag === 'action') {
      return cardError(200861, `tag ${tag} is not supported in schema 2.0`, c.path)
    }
  }
  if (components.length > 200) {
    return cardError(11310, `element exceeds the limit: ${components.length} > 200`, 'body.elements')
  }
  return undefined
}

/**
 * §4.5 (b). The 230099 size rule "includes the template's card data" is not modelled: the fake has
 * no card data for templates.
 * @param {unknown} data @param {string} appId @param {Record<string, FakeTemplate>} templates
 * @returns {Reply | undefined}
 */
function validateTemplate(data, appId, templates) {
  if (!isObject(data) || typeof data.template_id !== 'string' || data.template_id === '') {
    return invalidParam('template_id is required in content.data', 'content.data.template_id')
  }
  const id = data.template_id
  const template = Object.hasOwn(templates, id) ? templates[id] : undefined
  if (!template) return cardError(200380, `template ${id} does not exist or is not published`, 'template_id')
  if (template.allowedApps && !template.allowedApps.includes(appId)) {
    return cardError(200381, `template ${id} is not visible to app ${appId}`, 'template_id')
  }
  const version = data.template_version_name
  if (version !== undefined) {
    if (typeof version !== 'string' || !template.versions.includes(version)) {
      return cardError(
        200380,
        `template ${id} version ${String(version)} does not exist or is not published`,
        'template_version_name',
      )
    }
  } else if (template.versions.length === 0) {
    return cardError(200380, `template ${id} has no published version`, 'template_id')
  }

  const variables = data.template_variable
  if (variables === undefined) return undefined
  if (!isObject(variables)) return invalidParam('template_variable must be an object', 'content.data.template_variable')
  const declared = template.variables ?? {}
  for (const [name, value] of Object.entries(variables)) {
    if (!Object.hasOwn(declared, name)) continue // undeclared variables are ignored
    const expected = /** @type {TemplateVarType} */ (declared[name])
    if (!matchesVarType(expected, value)) {
      return cardError(
        200732,
        `variable type mismatch, varName: ${name}, expected type: ${expected}, actual type: ${jsonType(value)}`,
        `template_variable.${name}`,
      )
    }
  }
  return undefined
}

/** @param {TemplateVarType} expected @param {unknown} value */
function matchesVarType(expected, value) {
  if (expected === 'array') return Array.isArray(value)
  if (expected === 'object') return isObject(value)
  // §4.5 variable table: Integer accepts "number, or a string of digits".
  if (expected === 'number') return typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value))
  return typeof value === expected
}

/** §4.5: which card JSON the content is, and whether it validates. @param {Record<string, any>} card @param {string} appId @param {Record<string, FakeTemplate>} templates */
function validateInteractive(card, appId, templates) {
  if (card.type === 'template') return validateTemplate(card.data, appId, templates)
  if (card.type === 'card') {
    // §4.5 (c) card entities need the cardkit API, which the fake does not implement.
    return invalidParam('card entity (type "card") is not supported by the fake server', 'content.type')
  }
  if (card.schema === '2.0') return validateCard2(card)
  if (card.schema !== undefined && card.schema !== '1.0') {
    return cardError(200621, `unsupported schema ${String(card.schema)}`, 'schema')
  }
  return validateCard1(card)
}

/** §4.2. @param {Record<string, any>} post */
function validatePost(post) {
  if (Object.hasOwn(post, 'post')) {
    // The "post" wrapper belongs to custom-bot webhooks only (§4.2, §7.2).
    return invalidParam(
      'invalid post content: the "post" wrapper is only for custom bot webhooks; put the locale objects at the top level',
      'content',
    )
  }
  const locales = Object.keys(post)
  if (locales.length === 0)
    return invalidParam('invalid post content: at least one locale (zh_cn, en_us, ...) is required', 'content')
  for (const locale of locales) {
    if (!/^[a-z]{2}_[a-z]{2}$/.test(locale))
      return invalidParam(`invalid post content: ${locale} is not a locale`, 'content')
    const body = post[locale]
    if (!isObject(body)) return invalidParam(`invalid post content: ${locale} must be an object`, `content.${locale}`)
    if (body.title !== undefined && typeof body.title !== 'string') {
      return invalidParam('invalid post content: title must be a string', `content.${locale}.title`)
    }
    if (!Array.isArray(body.content)) {
      return invalidParam('invalid post content: content must be an array of paragraphs', `content.${locale}.content`)
    }
    // "img/media/md must be alone in their paragraph" (§4.2) is not enforced: the doc does not say
    // that violating it fails the send.
    for (const [p, paragraph] of body.content.entries()) {
      if (!Array.isArray(paragraph)) {
        return invalidParam(
          'invalid post content: each paragraph must be an array of nodes',
          `content.${locale}.content[${p}]`,
        )
      }
      for (const [n, node] of paragraph.entries()) {
        const bad = validatePostNode(node, `content.${locale}.content[${p}][${n}]`)
        if (bad) return bad
      }
    }
  }
  return undefined
}

/** @param {unknown} node @param {string} path */
function validatePostNode(node, path) {
  if (!isObject(node) || typeof node.tag !== 'string' || !Object.hasOwn(POST_NODE_FIELDS, node.tag)) {
    return invalidParam('invalid post content: unknown or missing node tag', path)
  }
  for (const field of POST_NODE_FIELDS[node.tag] ?? []) {
    if (typeof node[field] !== 'string') {
      return invalidParam(`invalid post content: ${node.tag} node needs a string ${field}`, `${path}.${field}`)
    }
  }
  if (node.tag === 'a' && !isHttpUrl(node.href)) {
    return invalidParam('invalid post content: href must be an http(s) URL', `${path}.href`)
  }
  return undefined
}

/**
 * Validates `content` for a msg_type (§3.1 size limits, §4 shapes).
 * @param {string} msgType @param {string} content @param {string} appId @param {Record<string, FakeTemplate>} templates
 * @returns {{ error: Reply } | { parsed: any }}
 */
function validateContent(msgType, content, appId, templates) {
  // §3.1 words the text limit as "request body ≤ 150 KB"; the fake measures the content string,
  // which is what a client can pre-check.
  const limit =
    msgType === 'text' ? TEXT_LIMIT : msgType === 'post' || msgType === 'interactive' ? CARD_LIMIT : Infinity
  const size = Buffer.byteLength(content, 'utf8')
  if (size > limit) {
    return {
      error: fail(400, 230025, `The message content is too long: ${size} bytes, limit ${limit} bytes for ${msgType}`),
    }
  }

  /** @type {unknown} */
  let parsed
  try {
    parsed = JSON.parse(content)
  } catch {
    parsed = undefined
  }
  if (!isObject(parsed)) {
    if (msgType === 'interactive') return { error: cardError(200621, 'card content is not a JSON object', 'content') }
    return { error: invalidParam('content is not a JSON object serialized to a string', 'content') }
  }

  /** @type {Reply | undefined} */
  let error
  if (msgType === 'text') {
    if (typeof parsed.text !== 'string')
      error = invalidParam('invalid text content: text must be a string', 'content.text')
  } else if (msgType === 'post') {
    error = validatePost(parsed)
  } else if (msgType === 'interactive') {
    error = validateInteractive(parsed, appId, templates)
  } else if (
    Object.hasOwn(REQUIRED_KEY, msgType) &&
    typeof parsed[/** @type {string} */ (REQUIRED_KEY[msgType])] !== 'string'
  ) {
    error = invalidParam(
      `invalid ${msgType} content: ${REQUIRED_KEY[msgType]} is required`,
      `content.${REQUIRED_KEY[msgType]}`,
    )
  }
  return error ? { error } : { parsed }
}

/** §5.2: a card is "shared" when updates reach every recipient. @param {any} card */
function isSharedCard(card) {
  if (!isObject(card)) return false
  if (card.type === 'template' || card.schema === '2.0') return true
  return isObject(card.config) && card.config.update_multi === true
}

// ---------------------------------------------------------------------------------------------
// Custom bot webhooks (§7)
// ---------------------------------------------------------------------------------------------

/**
 * §7.4: webhook errors carry only `code`, `msg` and `data:{}`. Their HTTP status is UNCONFIRMED
 * ("likely 200 with non-zero code"); the fake answers 200, so a client that trusts the status fails.
 * @param {number} code @param {string} msg @returns {Reply}
 */
function hookFail(code, msg) {
  return { status: 200, body: { code, msg, data: {} } }
}

/** §7.4, both clouds. @type {Reply} */
const HOOK_SUCCESS = {
  status: 200,
  body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' },
}

/** §7.3: base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")). @param {string} timestamp @param {string} secret */
export function hookSign(timestamp, secret) {
  return crypto.createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64')
}

/**
 * §7.3 signature: `timestamp` (seconds, as a string per the doc) within an hour of now, and `sign`.
 * @param {Record<string, any>} body @param {string} secret @returns {Reply | undefined}
 */
function checkHookSign(body, secret) {
  const refused = hookFail(19021, 'sign match fail or timestamp is not within one hour from current time')
  const timestamp = body.timestamp
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return refused
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > HOOK_SIGN_WINDOW_S) return refused
  return body.sign === hookSign(timestamp, secret) ? undefined : refused
}

/**
 * §7.2 payload shapes, which differ from the app API's: `content` is an object, not a string; cards
 * go in `card`; a post is wrapped in `post`; share_chat carries `share_chat_id`. The app API's shapes
 * are rejected as malformed (9499). A missing or unknown msg_type answers 19002 (legacy table;
 * UNCONFIRMED for v2 hooks). Cards and templates are checked as for the app API (§4.5), and their
 * errors keep the 230099 code and sub-code (§7.4 table).
 * @param {Record<string, any>} body @param {string} token @param {Record<string, FakeTemplate>} templates
 * @returns {Reply | undefined}
 */
function validateHookPayload(body, token, templates) {
  const malformed = hookFail(9499, 'Bad Request')
  if (typeof body.msg_type !== 'string' || !HOOK_MSG_TYPES.includes(body.msg_type)) {
    return hookFail(19002, "params error, msg_type need: incorrect input format or can't find msg_type")
  }
  if (body.msg_type === 'interactive') {
    // A card in `content` (string or object) is the app API's shape.
    if (!isObject(body.card)) return malformed
    const invalid = validateInteractive(body.card, token, templates)
    return invalid ? hookFail(invalid.body.code, invalid.body.msg) : undefined
  }
  const content = body.content
  // A JSON string in `content` is the app API's shape.
  if (!isObject(content)) return malformed
  switch (body.msg_type) {
    case 'text':
      return typeof content.text === 'string' ? undefined : malformed
    case 'post':
      // Locales at the top of `content`, without the `post` wrapper, are the app API's shape.
      return isObject(content.post) && Object.keys(content).length === 1 && !validatePost(content.post)
        ? undefined
        : malformed
    case 'image':
      return typeof content.image_key === 'string' ? undefined : malformed
    default: // share_chat: `share_chat_id`, where the app API has `chat_id`
      return typeof content.share_chat_id === 'string' ? undefined : malformed
  }
}

/**
 * The text-like strings of a webhook message, where keywords are looked for (§7.3): values of text,
 * title and content keys at any depth, and the string values of template variables (how Feishu
 * treats templates here is UNCONFIRMED).
 * @param {unknown} value @param {string[]} [out] @param {string} [key]
 */
function hookTexts(value, out = [], key = '') {
  if (typeof value === 'string') {
    if (HOOK_TEXT_KEYS.includes(key)) out.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) hookTexts(item, out, key)
  } else if (isObject(value)) {
    for (const [name, child] of Object.entries(value)) {
      if (name === 'template_variable' && isObject(child)) {
        for (const variable of Object.values(child)) hookTexts(variable, out, 'text')
      } else {
        hookTexts(child, out, name)
      }
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** @param {FakeOptions} [options] @returns {Promise<FakeFeishu>} */
export async function startFakeFeishu(options = {}) {
  const apps = options.apps ?? DEFAULTS.apps
  const chats = options.chats ?? DEFAULTS.chats
  const users = options.users ?? DEFAULTS.users
  const outOfRange = options.outOfRange ?? DEFAULTS.outOfRange
  const templates = options.templates ?? DEFAULTS.templates
  const bots = options.bots ?? DEFAULTS.bots
  const noThreadChats = options.noThreadChats ?? []
  const tokenTtlMs = (options.tokenTtlSeconds ?? 7200) * 1000
  // §8 leaves the HTTP status of auth errors UNCONFIRMED ("typically 400/401/403"); 400 matches
  // §3.2 ("every entry of the error table lists 400"). Configurable so clients can be tested on 401.
  const authStatus = options.authErrorStatus ?? 400

  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {StoredMessage[]} */
  const messages = []
  /** @type {string[]} */
  const tokens = []
  /** @type {Map<string, TokenInfo>} */
  const tokenInfo = new Map()
  /** @type {Map<string, TokenInfo>} app id -> newest token */
  const newestToken = new Map()
  /** @type {Map<string, { message: StoredMessage, at: number }>} `${appId} ${uuid}` -> first send */
  const uuidIndex = new Map()
  /** @type {Map<string, StoredMessage>} */
  const messagesById = new Map()
  /** @type {InjectRule[]} */
  let rules = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  const limits = options.limits ?? {}
  /** @type {Map<string, number[]>} app id -> times of accepted sends, for the gateway limits */
  const appSends = new Map()
  /** @type {Map<string, number[]>} chat id -> times of accepted sends, for the per-chat limit */
  const chatSends = new Map()
  /** @type {Map<string, number[]>} message id -> times of accepted updates, for the per-message limit */
  const patchTimes = new Map()
  /** @type {Map<string, number[]>} hook token -> times of requests, for the custom bot limits */
  const hookTimes = new Map()
  /** @type {WebhookMessage[]} */
  const webhookMessages = []
  /** @type {Map<string, number[]>} app id -> times of batch_get_id requests, for its own limits (§14.1) */
  const lookupTimes = new Map()
  const files = fakeUploads({ authenticate, fail, apps })
  // Message reactions (test/fake-feishu-reactions.mjs).
  const reactions = createReactions({ authenticate, messagesById, fail, apps, users })

  /**
   * §3.4: the gateway answers HTTP 429 / 99991400 with x-ogw-ratelimit-reset (seconds until the
   * window frees). Counted over sliding windows, which is at least as strict as Feishu's.
   * @param {string} appId @returns {Reply | undefined}
   */
  function gatewayLimit(appId) {
    const now = Date.now()
    const times = (appSends.get(appId) ?? []).filter((time) => time > now - 60_000)
    appSends.set(appId, times)
    for (const [count, windowMs] of [
      [limits.appPerSecond, 1000],
      [limits.appPerMinute, 60_000],
    ]) {
      if (count === undefined || windowMs === undefined) continue
      const inWindow = times.filter((time) => time > now - windowMs)
      if (inWindow.length >= count) {
        const resetSeconds = Math.max(
          1,
          Math.ceil(((inWindow[inWindow.length - count] ?? now) + windowMs - now) / 1000),
        )
        const reply = fail(429, 99991400, 'request trigger frequency limit')
        return {
          ...reply,
          headers: { 'x-ogw-ratelimit-limit': String(count), 'x-ogw-ratelimit-reset': String(resetSeconds) },
        }
      }
    }
    return undefined
  }

  /** §3.3/§3.4: 5 QPS per chat or user, as IM code 230020 with HTTP 400 and no reset header. @param {string} chatId */
  function chatLimit(chatId) {
    if (limits.chatPerSecond === undefined) return undefined
    const now = Date.now()
    const times = (chatSends.get(chatId) ?? []).filter((time) => time > now - 1000)
    chatSends.set(chatId, times)
    return times.length >= limits.chatPerSecond
      ? fail(400, 230020, 'This operation triggers the frequency limit.')
      : undefined
  }

  /**
   * §3.3 / §5.2: 5 updates a second per message; the answer is UNCONFIRMED, 230020 (the IM
   * frequency-limit code PATCH lists among its errors) is used.
   * @param {string} messageId @returns {Reply | undefined}
   */
  function patchLimit(messageId) {
    if (limits.patchPerSecond === undefined) return undefined
    const now = Date.now()
    const times = (patchTimes.get(messageId) ?? []).filter((time) => time > now - 1000)
    patchTimes.set(messageId, times)
    if (times.length >= limits.patchPerSecond) return fail(400, 230020, 'This operation triggers the frequency limit.')
    times.push(now)
    return undefined
  }

  /**
   * §3.3 / §7.1: a custom bot takes 5 requests a second and 100 a minute, strictly; beyond that,
   * 11232. Every request to a known token counts, throttled ones excepted.
   * @param {string} token @returns {Reply | undefined}
   */
  function hookLimit(token) {
    const now = Date.now()
    const times = (hookTimes.get(token) ?? []).filter((time) => time > now - 60_000)
    hookTimes.set(token, times)
    for (const [count, windowMs] of [
      [limits.botPerSecond ?? 5, 1000],
      [limits.botPerMinute ?? 100, 60_000],
    ]) {
      if (
        times.filter((time) => time > now - /** @type {number} */ (windowMs)).length >= /** @type {number} */ (count)
      ) {
        return hookFail(11232, 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]')
      }
    }
    times.push(now)
    return undefined
  }

  /** @param {string} appId @param {string} chatId */
  function countSend(appId, chatId) {
    const now = Date.now()
    appSends.set(appId, [...(appSends.get(appId) ?? []), now])
    chatSends.set(chatId, [...(chatSends.get(chatId) ?? []), now])
  }

  /** @param {FakeUser} user */
  function p2pChatId(user) {
    return `oc_p2p_${crypto.createHash('sha256').update(user.open_id).digest('hex').slice(0, 24)}`
  }

  /**
   * §4.6 / §14.2: an invalid user id in a card's `<at>` tag fails the card (230099, sub-code 100290).
   * @param {string} msgType @param {unknown} parsed @returns {Reply | undefined}
   */
  function cardMentionError(msgType, parsed) {
    if (!options.checkMentions || msgType !== 'interactive') return undefined
    const text = JSON.stringify(parsed)
    for (const match of text.matchAll(/<at\s+ids?=['"]?([^'"\s>]+)['"]?\s*>/g)) {
      for (const id of (match[1] ?? '').split(',')) {
        if (id === 'all' || users.some((u) => u.open_id === id || u.user_id === id || u.union_id === id)) continue
        return cardError(100290, `invalid user id ${id} in at tag`, 'at')
      }
    }
    return undefined
  }

  /** @param {string} appId */
  function scopesOf(appId) {
    return apps[appId]?.scopes ?? ['im:message:send_as_bot', 'im:resource']
  }

  /** 99991672, shaped per §8.1 / DOCS-99991672. @param {string} appId @param {string[]} required */
  function missingScope(appId, required) {
    // The least-privileged scope is listed first so permission_violations[0] is what to add.
    const preferred = required.includes('im:message:send_as_bot')
      ? ['im:message:send_as_bot', ...required.filter((s) => s !== 'im:message:send_as_bot')]
      : required
    return fail(400, 99991672, `Access denied. One of the following scopes is required: [${required.join(', ')}].`, {
      permission_violations: preferred.map((subject) => ({
        type: 'action_privilege_required',
        subject,
        description: `The app ${appId} has not been granted the scope ${subject}`,
      })),
      helps: [
        {
          url: `https://open.feishu.cn/app/${appId}/auth?q=${encodeURIComponent(preferred.join(','))}&op_from=openapi&token_type=tenant`,
          description: 'Enable the scope in the developer console, then create and publish a new app version',
        },
      ],
    })
  }

  /**
   * Authorization header -> calling app (§1.1 "Use", §8.1).
   * @param {Ctx} ctx @param {string[]} required @returns {{ caller: Caller } | { error: Reply }}
   */
  function authenticate(ctx, required) {
    const match = /^Bearer (\S+)$/.exec(ctx.headers.authorization ?? '')
    if (!match) {
      return {
        error: fail(
          authStatus,
          99991661,
          'Missing access token for authorization. Please make a request with token attached.',
        ),
      }
    }
    const info = tokenInfo.get(match[1] ?? '')
    if (!info || info.expired || info.expiresAt <= Date.now()) {
      return {
        error: fail(
          authStatus,
          99991663,
          'Invalid access token for authorization. Please make a request with token attached.',
        ),
      }
    }
    const scopes = scopesOf(info.appId)
    if (!required.some((s) => scopes.includes(s))) return { error: missingScope(info.appId, required) }
    return { caller: { appId: info.appId, scopes } }
  }

  /**
   * receive_id -> chat the message lands in (§3.1, §9).
   * @param {Caller} caller @param {string} type @param {string} id @returns {{ chatId: string } | { error: Reply }}
   */
  function resolveReceiver(caller, type, id) {
    if (type === 'chat_id') {
      if (!/^oc_[A-Za-z0-9_-]+$/.test(id)) {
        return { error: fail(400, 230034, `The receive_id ${id} is invalid for receive_id_type chat_id.`) }
      }
      if (chats.includes(id) || users.some((u) => p2pChatId(u) === id)) return { chatId: id }
      return { error: fail(400, 230002, 'Bot/User can NOT be out of the chat.') }
    }
    if (type === 'user_id' && options.requireUserIdScope && !caller.scopes.includes(USER_ID_SCOPE)) {
      return { error: missingScope(caller.appId, [USER_ID_SCOPE]) }
    }
    if (outOfRange.includes(id)) return { error: fail(400, 230013, 'Bot has NO availability to this user.') }
    const user = users.find((u) => u[/** @type {'open_id' | 'union_id' | 'user_id' | 'email'} */ (type)] === id)
    if (!user) return { error: fail(400, 230034, `The receive_id ${id} is invalid for receive_id_type ${type}.`) }
    return { chatId: p2pChatId(user) }
  }

  /**
   * Fields common to send and reply: msg_type, content (a string!), uuid.
   * @param {Record<string, any>} body @returns {Reply | undefined}
   */
  function checkMessageFields(body) {
    if (typeof body.msg_type !== 'string' || !MSG_TYPES.includes(body.msg_type)) {
      return invalidParam(`invalid msg_type: ${String(body.msg_type)}`, 'msg_type')
    }
    if (typeof body.content !== 'string') {
      return invalidParam('content must be a string: serialize the content JSON with JSON.stringify', 'content')
    }
    if (body.uuid !== undefined && (typeof body.uuid !== 'string' || body.uuid.length > 50)) {
      return invalidParam('uuid must be a string of at most 50 characters', 'uuid')
    }
    return undefined
  }

  /**
   * §3.5. The doc does NOT say what a repeated uuid returns (UNCONFIRMED); the fake answers with the
   * original message and stores nothing, which is what a retry after a lost response needs.
   * @param {string} appId @param {string | undefined} uuid
   */
  function findDuplicate(appId, uuid) {
    if (uuid === undefined) return undefined
    const hit = uuidIndex.get(`${appId} ${uuid}`)
    return hit && Date.now() - hit.at < UUID_WINDOW_MS ? hit.message : undefined
  }

  /** @param {Omit<StoredMessage, 'message_id' | 'create_time' | 'update_time' | 'updated'>} fields */
  function storeMessage(fields) {
    const now = String(Date.now())
    /** @type {StoredMessage} */
    const message = { message_id: `om_${randomHex(16)}`, create_time: now, update_time: now, updated: false, ...fields }
    messages.push(message)
    messagesById.set(message.message_id, message)
    if (message.uuid !== undefined) uuidIndex.set(`${message.app_id} ${message.uuid}`, { message, at: Date.now() })
    return message
  }

  /** §3.2 message object. @param {StoredMessage} m @returns {Reply} */
  function messageReply(m) {
    return {
      status: 200,
      body: {
        code: 0,
        msg: 'success',
        data: {
          message_id: m.message_id,
          root_id: m.root_id,
          parent_id: m.parent_id,
          thread_id: m.thread_id,
          msg_type: m.msg_type,
          create_time: m.create_time,
          update_time: m.update_time,
          deleted: false,
          updated: m.updated,
          chat_id: m.chat_id,
          sender: { id: m.app_id, id_type: 'app_id', sender_type: 'app', tenant_key: 'fake-tenant' },
          body: { content: m.content },
        },
      },
    }
  }

  /** §1.1. Failures are HTTP 200 with a non-zero code (the CLI fixtures; UNCONFIRMED live). @param {Ctx} ctx @returns {Reply} */
  function handleToken(ctx) {
    const body = ctx.body
    /** @param {number} code @param {string} msg */
    const tokenError = (code, msg) => fail(200, code, msg)
    if (
      !isJsonRequest(ctx) ||
      !isObject(body) ||
      typeof body.app_id !== 'string' ||
      typeof body.app_secret !== 'string'
    ) {
      return tokenError(10003, 'invalid param')
    }
    const app = Object.hasOwn(apps, body.app_id) ? apps[body.app_id] : undefined
    if (!app) return tokenError(10003, 'invalid param')
    if (app.secret !== body.app_secret) return tokenError(10014, 'app secret invalid')

    const now = Date.now()
    let info = newestToken.get(body.app_id)
    // ≥ 30 min left: same token with a smaller expire; otherwise a new one while the old keeps working.
    if (!info || info.expired || info.expiresAt - now < REUSE_TOKEN_MS) {
      info = { token: `t-${randomHex(20)}`, appId: body.app_id, expiresAt: now + tokenTtlMs, expired: false }
      tokenInfo.set(info.token, info)
      newestToken.set(body.app_id, info)
      tokens.push(info.token)
    }
    const expire = Math.floor((info.expiresAt - now) / 1000)
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: info.token, expire } }
  }

  /** §3. @param {Ctx} ctx @returns {Reply} */
  function handleSend(ctx) {
    const auth = authenticate(ctx, SEND_SCOPES)
    if ('error' in auth) return auth.error
    const { caller } = auth
    const throttled = gatewayLimit(caller.appId)
    if (throttled) return throttled

    const type = ctx.query.receive_id_type
    if (type === undefined || !RECEIVE_ID_TYPES.includes(type)) {
      return invalidParam(
        `invalid receive_id_type: ${type ?? '(missing)'}; expected one of ${RECEIVE_ID_TYPES.join(', ')}`,
        'receive_id_type',
      )
    }
    if (!isJsonRequest(ctx)) return invalidParam('Content-Type must be application/json')
    const body = ctx.body
    if (!isObject(body)) return invalidParam('request body must be a JSON object')
    if (typeof body.receive_id !== 'string' || body.receive_id === '')
      return invalidParam('receive_id is required', 'receive_id')
    const badField = checkMessageFields(body)
    if (badField) return badField

    const target = resolveReceiver(caller, type, body.receive_id)
    if ('error' in target) return target.error
    const content = validateContent(body.msg_type, body.content, caller.appId, templates)
    if ('error' in content) return content.error
    const badMention =
      cardMentionError(body.msg_type, content.parsed) ?? files.checkKeys(caller.appId, body.msg_type, content.parsed)
    if (badMention) return badMention

    const chatThrottled = chatLimit(target.chatId)
    if (chatThrottled) return chatThrottled
    countSend(caller.appId, target.chatId)
    const duplicate = findDuplicate(caller.appId, body.uuid)
    if (duplicate) return messageReply(duplicate)
    return messageReply(
      storeMessage({
        chat_id: target.chatId,
        receive_id: body.receive_id,
        receive_id_type: type,
        msg_type: body.msg_type,
        content: body.content,
        parsedContent: content.parsed,
        uuid: body.uuid,
        app_id: caller.appId,
      }),
    )
  }

  /** §5.1. @param {Ctx} ctx @param {string} messageId @returns {Reply} */
  function handleReply(ctx, messageId) {
    const auth = authenticate(ctx, SEND_SCOPES)
    if ('error' in auth) return auth.error
    const { caller } = auth

    // An unknown message_id has no documented code; 230001 (invalid parameter) is used. UNCONFIRMED.
    const parent = messagesById.get(messageId)
    if (!parent) return invalidParam(`message_id ${messageId} does not exist`, 'message_id')
    const gone = goneMessage(parent)
    if (gone) return gone
    if (!isJsonRequest(ctx)) return invalidParam('Content-Type must be application/json')
    const body = ctx.body
    if (!isObject(body)) return invalidParam('request body must be a JSON object')
    const badField = checkMessageFields(body)
    if (badField) return badField
    if (body.reply_in_thread !== undefined && typeof body.reply_in_thread !== 'boolean') {
      return invalidParam('reply_in_thread must be a boolean', 'reply_in_thread')
    }
    const content = validateContent(body.msg_type, body.content, caller.appId, templates)
    if ('error' in content) return content.error
    const badMention =
      cardMentionError(body.msg_type, content.parsed) ?? files.checkKeys(caller.appId, body.msg_type, content.parsed)
    if (badMention) return badMention
    if (body.reply_in_thread === true && !parent.thread_id && noThreadChats.includes(parent.chat_id)) {
      return fail(400, 230071, 'This chat does not support thread replies.')
    }

    const duplicate = findDuplicate(caller.appId, body.uuid)
    if (duplicate) return messageReply(duplicate)
    // A reply to a thread message stays in the thread even without reply_in_thread (§5.1).
    const threadId = parent.thread_id ?? (body.reply_in_thread === true ? `omt_${randomHex(12)}` : undefined)
    // The message replied to heads the thread it starts: later replies in thread join it.
    if (threadId && !parent.thread_id) parent.thread_id = threadId
    return messageReply(
      storeMessage({
        chat_id: parent.chat_id,
        receive_id: parent.receive_id,
        receive_id_type: parent.receive_id_type,
        msg_type: body.msg_type,
        content: body.content,
        parsedContent: content.parsed,
        uuid: body.uuid,
        app_id: caller.appId,
        root_id: parent.root_id ?? parent.message_id,
        parent_id: parent.message_id,
        thread_id: threadId,
      }),
    )
  }

  /** §5.2. @param {Ctx} ctx @param {string} messageId @returns {Reply} */
  function handlePatch(ctx, messageId) {
    const auth = authenticate(ctx, PATCH_SCOPES)
    if ('error' in auth) return auth.error
    const { caller } = auth

    // The doc names no code for "unknown / not mine / not a card"; 230001 is used for all. UNCONFIRMED.
    const message = messagesById.get(messageId)
    if (!message) return invalidParam(`message_id ${messageId} does not exist`, 'message_id')
    if (message.app_id !== caller.appId)
      return invalidParam('only the app that sent the card can update it', 'message_id')
    if (message.msg_type !== 'interactive')
      return invalidParam('only interactive (card) messages can be updated', 'message_id')
    const gone = goneMessage(message)
    if (gone) return gone
    if (Date.now() - Number(message.create_time) > PATCH_WINDOW_MS) {
      return fail(400, 230031, 'The message was sent more than 14 days ago and can no longer be updated.')
    }
    if (!isJsonRequest(ctx)) return invalidParam('Content-Type must be application/json')
    const body = ctx.body
    if (!isObject(body) || typeof body.content !== 'string') {
      return invalidParam('content must be a string: serialize the card JSON with JSON.stringify', 'content')
    }
    const content = validateContent('interactive', body.content, caller.appId, templates)
    if ('error' in content) return content.error
    const badMention = cardMentionError('interactive', content.parsed)
    if (badMention) return badMention
    // §5.2 names no code for a card that is not shared; 230001 is used. UNCONFIRMED.
    if (!isSharedCard(message.parsedContent) || !isSharedCard(content.parsed)) {
      return invalidParam(
        'both the sent card and the new card must be shared cards (config.update_multi: true)',
        'content',
      )
    }
    const throttled = patchLimit(messageId)
    if (throttled) return throttled

    message.content = body.content
    message.parsedContent = content.parsed
    message.update_time = String(Date.now())
    message.updated = true
    return { status: 200, body: { code: 0, msg: 'success', data: {} } }
  }

  /**
   * §5.1 / §5.2: 230011 recalled, 230110 deleted. §5.1 lists only 230011 for replies; answering a
   * reply to a deleted message with 230110 as PATCH does is UNCONFIRMED.
   * @param {StoredMessage} message @returns {Reply | undefined}
   */
  function goneMessage(message) {
    if (message.recalled) return fail(400, 230011, 'The message has been recalled.')
    if (message.deleted) return fail(400, 230110, 'The message has been deleted.')
    return undefined
  }

  /**
   * §7: a custom bot's hook. The order of the checks is not documented (UNCONFIRMED): token, IP
   * allowlist, rate limit, size, JSON, signature, payload shape, keywords.
   * @param {Ctx} ctx @param {string} token @returns {Reply}
   */
  function handleHook(ctx, token) {
    const bot = Object.hasOwn(bots, token) ? bots[token] : undefined
    // An unknown token is not documented (UNCONFIRMED). The fake answers like the other webhook
    // errors: HTTP 200, code 19001 with the text Feishu is reported to give.
    if (!bot) return hookFail(19001, 'param invalid: incoming webhook access token invalid')
    if (bot.ipAllowed === false) return hookFail(19022, 'Ip Not Allowed')
    const throttled = hookLimit(token)
    if (throttled) return throttled
    if (Buffer.byteLength(ctx.rawBody, 'utf8') > HOOK_BODY_LIMIT) return hookFail(9499, 'Bad Request')
    const body = ctx.body
    if (!isJsonRequest(ctx) || !isObject(body)) return hookFail(9499, 'Bad Request')
    if (bot.secret !== undefined) {
      const unsigned = checkHookSign(body, bot.secret)
      if (unsigned) return unsigned
    }
    const invalid =
      validateHookPayload(body, token, templates) ??
      files.checkKeys(null, body.msg_type, body.msg_type === 'interactive' ? body.card : body.content)
    if (invalid) return invalid
    const keywords = bot.keywords ?? []
    if (keywords.length > 0) {
      const texts = hookTexts(body.msg_type === 'interactive' ? body.card : body.content)
      if (!keywords.some((keyword) => texts.some((text) => text.includes(keyword))))
        return hookFail(19024, 'Key Words Not Found')
    }
    webhookMessages.push({
      token,
      chat_id: bot.chatId ?? 'oc_demo',
      msg_type: body.msg_type,
      content: body.content,
      card: body.card,
      body,
      time: Date.now(),
    })
    return HOOK_SUCCESS
  }

  /**
   * §14.1: 50 requests/s and 1000/min per app for batch_get_id, answered like the gateway (§3.4):
   * HTTP 429 / 99991400 with x-ogw-ratelimit-reset.
   * @param {string} appId @returns {Reply | undefined}
   */
  function lookupLimit(appId) {
    const now = Date.now()
    const times = (lookupTimes.get(appId) ?? []).filter((time) => time > now - 60_000)
    lookupTimes.set(appId, times)
    for (const [count, windowMs] of [
      [limits.lookupPerSecond, 1000],
      [limits.lookupPerMinute, 60_000],
    ]) {
      if (count === undefined || windowMs === undefined) continue
      const inWindow = times.filter((time) => time > now - windowMs)
      if (inWindow.length >= count) {
        const resetSeconds = Math.max(
          1,
          Math.ceil(((inWindow[inWindow.length - count] ?? now) + windowMs - now) / 1000),
        )
        return {
          ...fail(429, 99991400, 'request trigger frequency limit'),
          headers: { 'x-ogw-ratelimit-limit': String(count), 'x-ogw-ratelimit-reset': String(resetSeconds) },
        }
      }
    }
    times.push(now)
    return undefined
  }

  /** A number as Feishu reads it (§14.1): without + it is a mainland China number. @param {string} mobile */
  function fullMobile(mobile) {
    return mobile.startsWith('+') ? mobile : `+86${mobile}`
  }

  /**
   * §14.1: open_ids (or union_ids, user_ids) from e-mails and mobiles. Someone outside the app's
   * contact range (`outOfRange`), resigned (unless include_resigned), or unknown is a miss, not an
   * error. The code for more than 50 of either is UNCONFIRMED: 99992402 (field validation), HTTP 400.
   * @param {Ctx} ctx @returns {Reply}
   */
  function handleBatchGetId(ctx) {
    const auth = authenticate(ctx, [CONTACT_SCOPE])
    if ('error' in auth) return auth.error
    const { caller } = auth
    const throttled = lookupLimit(caller.appId)
    if (throttled) return throttled
    const idType = ctx.query.user_id_type ?? 'open_id'
    if (!['open_id', 'union_id', 'user_id'].includes(idType))
      return invalidParam(`invalid user_id_type: ${idType}`, 'user_id_type')
    if (idType === 'user_id' && !caller.scopes.includes(USER_ID_SCOPE))
      return missingScope(caller.appId, [USER_ID_SCOPE])
    if (!isJsonRequest(ctx)) return invalidParam('Content-Type must be application/json')
    const body = ctx.body
    if (!isObject(body)) return invalidParam('request body must be a JSON object')
    /** @type {Record<string, string[]>} */
    const asked = {}
    for (const field of ['emails', 'mobiles']) {
      const value = body[field] ?? []
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
        return fail(400, 99992402, 'field validation failed', {
          field_violations: [{ field, description: `${field} must be a list of strings` }],
        })
      if (value.length > LOOKUP_MAX)
        return fail(400, 99992402, 'field validation failed', {
          field_violations: [{ field, description: `the max len is ${LOOKUP_MAX}`, value: String(value.length) }],
        })
      asked[field] = value
    }
    const withResigned = body.include_resigned === true
    /** @param {FakeUser | undefined} user */
    const findable = (user) =>
      user !== undefined &&
      (withResigned || !user.resigned) &&
      !outOfRange.includes(user.email) &&
      !outOfRange.includes(user.open_id)
    const idOf = (/** @type {FakeUser} */ user) => user[/** @type {'open_id' | 'union_id' | 'user_id'} */ (idType)]
    /** @type {Record<string, string>[]} */
    const userList = []
    for (const email of asked.emails ?? []) {
      const user = users.find((u) => u.email.toLowerCase() === email.toLowerCase())
      if (findable(user)) userList.push({ user_id: idOf(/** @type {FakeUser} */ (user)), email })
      else if ((options.lookupMiss ?? 'entry') === 'entry') userList.push({ email })
    }
    for (const mobile of asked.mobiles ?? []) {
      const user = users.find((u) => u.mobile !== undefined && fullMobile(u.mobile) === fullMobile(mobile))
      if (findable(user)) userList.push({ user_id: idOf(/** @type {FakeUser} */ (user)), mobile })
      else if ((options.lookupMiss ?? 'entry') === 'entry') userList.push({ mobile })
    }
    return { status: 200, body: { code: 0, msg: 'success', data: { user_list: userList } } }
  }

  /** @param {Ctx} ctx @returns {Reply} */
  function route(ctx) {
    // HTTP status for 99991301 is UNCONFIRMED (§8.1 gives only the code); 405 is used.
    const wrongMethod = () => fail(405, 99991301, `http method ${ctx.method} is not allowed for ${ctx.path}`)
    if (files.handles(ctx.path))
      return ctx.method === 'POST' ? files.upload(ctx, ctx.raw ?? Buffer.alloc(0)) : wrongMethod()
    if (ctx.path === TOKEN_PATH) return ctx.method === 'POST' ? handleToken(ctx) : wrongMethod()
    if (ctx.path === MESSAGES_PATH) return ctx.method === 'POST' ? handleSend(ctx) : wrongMethod()
    const reply = REPLY_PATH.exec(ctx.path)
    if (reply) return ctx.method === 'POST' ? handleReply(ctx, reply[1] ?? '') : wrongMethod()
    // DELETE (recall, §5.3) and PUT (edit) exist on Feishu but are not implemented by the fake.
    const message = MESSAGE_PATH.exec(ctx.path)
    if (message) return ctx.method === 'PATCH' ? handlePatch(ctx, message[1] ?? '') : wrongMethod()
    if (ctx.path === BATCH_GET_ID_PATH) return ctx.method === 'POST' ? handleBatchGetId(ctx) : wrongMethod()
    const reacted = reactions.route(ctx)
    if (reacted) return reacted
    const hook = HOOK_PATH.exec(ctx.path)
    if (hook) return ctx.method === 'POST' ? handleHook(ctx, hook[1] ?? '') : wrongMethod()
    return fail(404, 99991201, '404 page not found')
  }

  /** A bug in the fake must fail the test loudly, not leave the client waiting for a timeout. @param {Ctx} ctx */
  function safeRoute(ctx) {
    try {
      return route(ctx)
    } catch (err) {
      return fail(
        500,
        1500,
        `fake Feishu internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      )
    }
  }

  /** @param {string} method @param {string} path */
  function takeRule(method, path) {
    const rule = rules.find(
      (r) =>
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (r.path === undefined || path === r.path || path.includes(r.path)),
    )
    if (!rule) return undefined
    if ((rule.skip ?? 0) > 0) {
      rule.skip = (rule.skip ?? 0) - 1
      return undefined
    }
    rule.times = (rule.times ?? 1) - 1
    if (rule.times <= 0) rules = rules.filter((r) => r !== rule)
    return rule
  }

  /** @param {InjectRule} rule @returns {Reply} */
  function injectedReply(rule) {
    const status = rule.status ?? 500
    const body =
      rule.body ??
      (status === 429
        ? { code: 99991400, msg: 'request trigger frequency limit' }
        : { code: 1500, msg: 'injected fault' })
    return { status, body, headers: rule.headers }
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} rawBody */
  function handle(req, res, rawBody, raw = Buffer.from(rawBody)) {
    const url = new URL(req.url ?? '/', 'http://fake.invalid')
    /** @type {Record<string, string>} */
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    /** @type {any} */
    let body
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody)
    } catch {
      body = undefined
    }
    /** @type {Ctx} */
    const ctx = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      rawBody,
    }
    // The bytes as received, for multipart uploads; not enumerable, so recorded requests do not hold them.
    Object.defineProperty(ctx, 'raw', { value: raw })
    /** @type {RecordedRequest} */
    const record = { ...ctx, status: 0, response: undefined, time: Date.now() }
    requests.push(record)

    const rule = takeRule(ctx.method, ctx.path)
    /** @param {InjectRule | undefined} applied */
    const answer = (applied) => respond(req, res, ctx, record, applied)
    if (rule?.action === 'reset') {
      req.socket.destroy()
      return
    }
    if (rule?.action === 'hang') return // close() destroys the socket
    if (rule?.action === 'delay') return void setTimeout(() => answer(undefined), rule.delayMs ?? 1000)
    answer(rule)
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {Ctx} ctx @param {RecordedRequest} record @param {InjectRule | undefined} rule */
  function respond(req, res, ctx, record, rule) {
    const headers = ctx.headers
    if (rule?.action === 'expire-token') {
      const info = tokenInfo.get(/^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1] ?? '')
      if (info) info.expired = true
    }
    const reply =
      rule && rule.action !== 'reset-after' && rule.action !== 'expire-token' ? injectedReply(rule) : safeRoute(ctx)
    if (rule?.action === 'reset-after') {
      req.socket.destroy()
      return
    }

    const logId = reply.body.error?.log_id ?? randomHex(16).toUpperCase()
    record.status = reply.status
    record.response = reply.body
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-tt-logid': String(logId),
      ...reply.headers,
    })
    res.end(JSON.stringify(reply.body))
  }

  /** @type {http.RequestListener} */
  const listener = (req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      handle(req, res, /^multipart\//i.test(req.headers['content-type'] ?? '') ? '' : raw.toString('utf8'), raw)
    })
  }
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener)
  let connections = 0
  server.on('connection', (socket) => {
    connections += 1
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('fake Feishu: unexpected server address')

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`,
    requests,
    messages,
    webhookMessages,
    tokens,
    files,
    reactions: reactions.api,
    get connections() {
      return connections
    },
    expireToken(token) {
      const info = tokenInfo.get(token)
      if (info) info.expired = true
    },
    addMessage(fields) {
      return storeMessage({
        chat_id: fields.chat_id,
        receive_id: fields.chat_id,
        receive_id_type: 'chat_id',
        msg_type: fields.msg_type,
        content: fields.content,
        parsedContent: JSON.parse(fields.content),
        uuid: undefined,
        app_id: fields.app_id ?? Object.keys(apps)[0] ?? '',
      })
    },
    markMessage(messageId, state) {
      const message = messagesById.get(messageId)
      if (!message) throw new Error(`fake Feishu: no message ${messageId}`)
      if (state === 'recalled') message.recalled = true
      else if (state === 'deleted') message.deleted = true
      else message.create_time = String(Date.now() - 15 * 24 * 60 * 60 * 1000)
    },
    inject(rule) {
      rules.push({ ...rule })
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
    },
    reset() {
      // In place, so arrays already handed out stay live.
      requests.length = 0
      messages.length = 0
      messagesById.clear()
      uuidIndex.clear()
      appSends.clear()
      chatSends.clear()
      patchTimes.clear()
      hookTimes.clear()
      lookupTimes.clear()
      reactions.reset()
      webhookMessages.length = 0
      files.reset()
      rules = []
    },
  }
}
