// Builds the message to send from the config and the run's context: the msg_type and the
// content object of §4, a built-in card when no content input is given, and the mentions.
// Pure: no I/O, no logging (converting release notes loads the markdown parser, nothing else).
// Sizes are checked here, against the limit of the transport in `config.mode`, so an oversize
// message is an input error, not a request Feishu rejects. How the content is wrapped for each
// transport is the deliver layer's business.

import { buildCard, releaseCard } from './cards.js'
import { type RunContext } from '../github/context.js'
import type { Mention } from '../github/people.js'
import type { BuildFacts } from '../github/run-facts.js'
import type { Config, Content } from '../inputs/config.js'
import { imageVariables, withBanner } from './images.js'
import { fillString, fillTree } from './placeholders.js'
import { releaseNotesToCardMarkdown } from './release-notes/index.js'
import { InputError } from '../inputs/errors.js'
import { builtinVariables, untrusted } from './variables.js'
import { isPlainObject, kindOf } from '../base/objects.js'
import { neutralizeMarkup } from '../markup/escape.js'
import { SIZE_LIMITS, WEBHOOK_BODY_LIMIT, WEBHOOK_ENVELOPE_BYTES, type FeishuMessage } from '../feishu/message.js'
import { jsonBytes } from '../base/json.js'

/** A message ready for the delivery layer, and the input its content came from, for messages. */
export interface OutgoingMessage extends FeishuMessage {
  readonly input: Content['input']
}

/** `mentions`: the `mention` input resolved (github/people.ts), ids or text in their place. */
export type ComposeConfig = Pick<Config, 'content' | 'variables' | 'status' | 'title'> & {
  readonly mentions: readonly Mention[]
} & Partial<Pick<Config, 'mode' | 'updateMessageId' | 'untrustedVariables' | 'language' | 'files'>> & {
    /** `images` name -> uploaded image_key (compose/images.ts); stand-ins until the upload. */
    readonly imageKeys?: ReadonlyMap<string, string>
  }

/**
 * The variables a message can use: built-ins, then the `variables` input. String values inside
 * `variables` may themselves use built-ins (never other user variables). For text, post and card
 * a variable may not take a built-in's name: a workflow expression pasted into `variables` could
 * otherwise add a line such as `run_url: ...` and change a link without anyone noticing. Template
 * variables are the template's own names, so they may.
 */
function resolveVariables(
  config: Pick<Config, 'variables' | 'content'> & Partial<Pick<Config, 'untrustedVariables'>>,
  builtins: ReadonlyMap<string, unknown>,
): {
  all: Map<string, unknown>
  user: Record<string, unknown> | undefined
} {
  const user = config.variables
    ? (fillTree(config.variables, builtins, 'variables') as Record<string, unknown>)
    : undefined
  const all = new Map<string, unknown>(builtins)
  for (const [name, value] of Object.entries(user ?? {})) {
    if (builtins.has(name) && config.content.kind !== 'template') {
      throw new InputError('variables', `"${name}" is a built-in variable; give yours another name`)
    }
    all.set(name, value)
  }
  // Text someone else wrote: filled in like the built-ins that carry such text, never read for placeholders.
  for (const [name, value] of Object.entries(config.untrustedVariables ?? {})) {
    if (builtins.has(name) && config.content.kind !== 'template')
      throw new InputError('untrusted-variables', `"${name}" is a built-in variable; give yours another name`)
    all.set(name, untrusted(value))
  }
  return { all, user }
}

/** `release_body` as a variable: the notes as card markdown, cut to leave room in a 30 KB card (20 KB webhook body). */
const RELEASE_BODY_BYTES = 24 * 1024

/**
 * `config.mode` (default app) decides the size limit and whether a card is made shareable;
 * `updateMessageId`, whether it must be; `language` (default auto), the built-in cards' words.
 * `facts`: what the GitHub API said about the run ({} when nothing was read).
 */
export async function composeMessage(
  config: ComposeConfig,
  context: RunContext,
  facts: BuildFacts = {},
): Promise<OutgoingMessage> {
  const builtins = builtinVariables(context, config.status, facts)
  // Converting the notes loads the markdown parser: only when something asks for them.
  if (context.release && JSON.stringify([config.content, config.variables ?? null]).includes('release_body')) {
    const notes = await releaseNotesToCardMarkdown(context.release.body, {
      repositoryUrl: context.repositoryUrl,
      serverUrl: context.serverUrl,
      fullNotesUrl: context.release.url,
      maxBytes: config.mode === 'webhook' ? RELEASE_BODY_BYTES - 10 * 1024 : RELEASE_BODY_BYTES,
    })
    builtins.set('release_body', notes.markdown)
  } else {
    builtins.set('release_body', '')
  }
  const { all, user } = resolveVariables(config, builtins)
  const images = imageVariables(config.files?.images.map((image) => image.name) ?? [], config.imageKeys, builtins)
  for (const [name, key] of images) all.set(name, key)
  const content = config.content
  let message: OutgoingMessage
  switch (content.kind) {
    case 'text':
      message = {
        msgType: 'text',
        input: 'text',
        content: { text: withTextMentions(fillString(content.text, all, 'text'), config.mentions) },
      }
      break
    case 'post':
      message = {
        msgType: 'post',
        input: 'post',
        content: withPostMentions(
          fillTree(normalizePost(content.post), all, 'post') as Record<string, unknown>,
          config.mentions,
        ),
      }
      break
    case 'preset': {
      const options = {
        status: config.status,
        title: fillString(config.title, all, 'title'),
        mentions: config.mentions,
        language: config.language ?? 'auto',
      }
      const maxBytes = config.mode === 'webhook' ? WEBHOOK_BODY_LIMIT - WEBHOOK_ENVELOPE_BYTES : SIZE_LIMITS.interactive
      if (content.preset === 'release' && !context.release) {
        throw new InputError(
          'preset',
          `release needs a release in the event payload, and this run's ${context.eventName || 'event'} payload has none`,
        )
      }
      const card =
        content.preset === 'release'
          ? await releaseCard(context, { ...options, maxBytes })
          : buildCard(context, { ...options, maxBytes, facts })
      message = { msgType: 'interactive', input: 'preset', content: withBanner(card, images.get('banner')) }
      break
    }
    case 'card':
      message = {
        msgType: 'interactive',
        input: content.input,
        content: fillTree(checkCard(content.card, content.input), all, content.input) as Record<string, unknown>,
      }
      break
    case 'template': {
      const data: Record<string, unknown> = { template_id: content.templateId }
      if (content.templateVersion) data.template_version_name = content.templateVersion
      // A template's variables go to Feishu as data; untrusted text goes in its plain, inert form.
      const texts = Object.entries(config.untrustedVariables ?? {}).map(([name, value]) => [
        name,
        untrusted(value).plain,
      ])
      if (user || texts.length || images.size)
        data.template_variable = { ...user, ...Object.fromEntries(texts), ...Object.fromEntries(images) }
      message = { msgType: 'interactive', input: 'template-id', content: { type: 'template', data } }
      break
    }
  }
  if (message.msgType === 'post' && config.mode === 'webhook') checkWebhookPost(message.content)
  if (message.msgType === 'interactive' && config.mode !== 'webhook') {
    message = { ...message, content: shared(message.content, message.input, Boolean(config.updateMessageId)) }
  }
  checkSize(message, config.mode ?? 'app')
  return message
}

/**
 * §4.1, §14.2: <at user_id="..."></at> mentions in a text message, on a line of their own at the
 * end; a person who could not be resolved is written as plain text, made inert.
 */
function withTextMentions(text: string, mentions: readonly Mention[]): string {
  if (mentions.length === 0) return text
  const written = mentions.map((mention) =>
    'id' in mention ? `<at user_id="${mention.id}"></at>` : neutralizeMarkup(mention.text),
  )
  return `${text}\n${written.join(' ')}`
}

/** §4.2, §14.2: a last paragraph of `at` nodes (text nodes for the unresolved) in every locale. */
function withPostMentions(post: Record<string, unknown>, mentions: readonly Mention[]): Record<string, unknown> {
  if (mentions.length === 0) return post
  const paragraph = mentions.flatMap((mention, index) => [
    ...(index > 0 ? [{ tag: 'text', text: ' ' }] : []),
    'id' in mention ? { tag: 'at', user_id: mention.id } : { tag: 'text', text: mention.text },
  ])
  return Object.fromEntries(
    Object.entries(post).map(([locale, body]) => {
      const { content, ...rest } = body as { content: unknown[][] }
      return [locale, { ...rest, content: [...content, paragraph] }]
    }),
  )
}

/**
 * §4.5, §5.2: a sent card can be updated only when it and the new card are shared cards
 * (config.update_multi true). JSON 2.0 cards and templates are shared already; a 1.0 card is not
 * unless it says so, so the app bot sends it with update_multi: true and a later step can update
 * it. A card that sets update_multi itself keeps it, and cannot be used for an update if false.
 * Custom bots never update (no message id), so webhook cards are left as written.
 */
function shared(card: Record<string, unknown>, input: Content['input'], updating: boolean): Record<string, unknown> {
  if (card.schema === '2.0' || card.type === 'template' || card.type === 'card') return card
  if (card.config !== undefined && !isPlainObject(card.config)) {
    if (updating)
      throw new InputError(
        input,
        'has a config that is not a mapping, so it cannot say update_multi: true, and only shared cards can be updated',
      )
    return card
  }
  const config = card.config ?? {}
  if (!('update_multi' in config)) return { ...card, config: { ...config, update_multi: true } }
  if (updating && config.update_multi !== true) {
    throw new InputError(
      input,
      'sets config.update_multi to something other than true, but only shared cards (update_multi: true) can be updated; remove it',
    )
  }
  return card
}

/** §7.2: a custom bot's post takes only these node tags; anything else Feishu answers with 9499. */
const WEBHOOK_POST_TAGS = new Set(['text', 'a', 'at', 'img'])

function checkWebhookPost(post: Record<string, unknown>): void {
  for (const [locale, body] of Object.entries(post)) {
    ;(body as { content: unknown[][] }).content.forEach((paragraph, row) =>
      paragraph.forEach((node, column) => {
        const tag = (node as { tag: string }).tag
        if (!WEBHOOK_POST_TAGS.has(tag)) {
          throw new InputError(
            'post',
            `${locale}.content[${row}][${column}] is a ${tag} node, which a custom bot's post does not take (only text, a, at and img); use an app bot, or a card`,
          )
        }
      }),
    )
  }
}

/**
 * A post is `{locale: {title, content: [[node, ...], ...]}}` (§4.2). Also accepted, because
 * users copy them from docs: the custom-bot shape `{post: {...}}` and a bare `{title, content}`
 * (taken as zh_cn).
 */
function normalizePost(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value))
    throw new InputError('post', `must be a mapping of locales such as {zh_cn: {title, content}}, not ${kindOf(value)}`)
  let post = value
  if (isPlainObject(post.post) && Object.keys(post).length === 1) post = post.post
  if ('content' in post) post = { zh_cn: post }
  const locales = Object.entries(post)
  if (locales.length === 0)
    throw new InputError('post', 'has no locale; write {zh_cn: {title, content}} or {en_us: ...}')
  for (const [locale, body] of locales) {
    if (!isPlainObject(body))
      throw new InputError('post', `${locale} must be a mapping with title and content, not ${kindOf(body)}`)
    if (body.title !== undefined && typeof body.title !== 'string')
      throw new InputError('post', `${locale}.title must be a string`)
    const paragraphs = body.content
    if (!Array.isArray(paragraphs) || !paragraphs.every(Array.isArray)) {
      throw new InputError(
        'post',
        `${locale}.content must be a list of paragraphs, each a list of nodes such as {tag: text, text: "..."}`,
      )
    }
    paragraphs.forEach((paragraph: unknown[], row) =>
      paragraph.forEach((node, column) => {
        if (!isPlainObject(node) || typeof node.tag !== 'string')
          throw new InputError(
            'post',
            `${locale}.content[${row}][${column}] needs a tag (text, a, at, img, md, code_block, hr, ...)`,
          )
      }),
    )
  }
  return post
}

/** Catches the card mistakes that are clear before sending; Feishu validates the rest. */
function checkCard(card: unknown, input: 'card' | 'card-file'): Record<string, unknown> {
  if (!isPlainObject(card)) throw new InputError(input, `must be a card object, not ${kindOf(card)}`)
  if ('msg_type' in card)
    throw new InputError(input, 'looks like a whole request body (it has msg_type); give only the card object')
  if (card.schema === '2.0' && 'elements' in card)
    throw new InputError(
      input,
      'is a card JSON 2.0 (schema "2.0"), whose elements go under body.elements, not at the top level',
    )
  if (card.type === 'template' && !(isPlainObject(card.data) && typeof card.data.template_id === 'string')) {
    throw new InputError(input, 'is a template envelope without data.template_id; or use the `template-id` input')
  }
  return card
}

function checkSize(message: OutgoingMessage, mode: Config['mode']): void {
  const content = JSON.stringify(message.content)
  if (mode === 'webhook') {
    const bytes = Buffer.byteLength(content, 'utf8') + WEBHOOK_ENVELOPE_BYTES
    if (bytes > WEBHOOK_BODY_LIMIT) {
      throw new InputError(
        message.input,
        `the message is ${(bytes / 1024).toFixed(1)} KB after filling placeholders; a custom bot webhook accepts at most ${WEBHOOK_BODY_LIMIT / 1024} KB for the whole request`,
      )
    }
    return
  }
  // Text is limited by the request body, where the content string is escaped once more (a
  // newline becomes \\n): measured that way, with room for the other fields of the body.
  const bytes = message.msgType === 'text' ? jsonBytes(content) + 256 : Buffer.byteLength(content, 'utf8')
  const limit = SIZE_LIMITS[message.msgType as keyof typeof SIZE_LIMITS]
  if (bytes > limit) {
    throw new InputError(
      message.input,
      `the message is ${(bytes / 1024).toFixed(1)} KB after filling placeholders; Feishu accepts at most ${limit / 1024} KB for ${message.msgType} messages`,
    )
  }
}
