// Card markdown, Feishu's dialect, as HTML for the preview. marked reads the markdown (headings,
// lists, quotes, tables, code, emphasis, links, bare URLs); one inline extension reads Feishu's own
// tags (<at>, <font color>, <text_tag>, <a>, <link>, <br>); the walk below writes HTML from the
// tokens, element by element, so nothing marked would pass through reaches the page.
//
// Card text is written by anyone who can push: marked's HTML tokenizers are off, so every other tag
// stays text; each text is decoded once (markup/entities.ts) and escaped (base/html.ts); a link
// keeps its URL only when it is http(s) (links.ts); a colour only when it is in the palette; an
// image is drawn as a placeholder and never loaded. Pure; marked is imported here, and this folder
// is loaded only by a dry run of a card (report/dry-run.ts imports it lazily).

import { Marked, type Token, type Tokens, type TokenizerExtension } from 'marked'
import { escapeHtml } from '../../base/html.js'
import { decodeEntities } from '../../markup/entities.js'
import { linkHtml, previewUrl } from './links.js'
import { tagChip, textColor } from './palette.js'

/** Deeper nesting than this (quotes in lists in quotes …) is drawn as text: a preview must not recurse without end. */
const MAX_DEPTH = 16
/** Feishu tags inside Feishu tags deeper than this stay text. */
const MAX_TAG_DEPTH = 8
/** Far above what a 30 KB card holds; a longer text is drawn as plain text, unparsed. */
const MAX_SOURCE = 64 * 1024

/** A Feishu tag, read by the extension below. */
interface FeishuTag extends Tokens.Generic {
  readonly type: 'feishuTag'
  readonly name: 'at' | 'br' | 'a' | 'link' | 'font' | 'text_tag'
  readonly attributes: Readonly<Record<string, string>>
  /** The text between the tags, as written. */
  readonly text: string
  /** The text between the tags as inline markdown (not for at and text_tag, whose content is plain). */
  readonly tokens: Token[]
}

/** `name='value'` / `name="value"` / `name=value` attributes of a Feishu markdown tag. */
function tagAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const match of source.matchAll(/([a-zA-Z_]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g))
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? ''
  return attributes
}

let tagDepth = 0

const feishuTags: TokenizerExtension = {
  name: 'feishuTag',
  level: 'inline',
  start(src) {
    return /<(?:at|br|a|link|font|text_tag)[\s/>]/i.exec(src)?.index
  },
  tokenizer(src): FeishuTag | undefined {
    const br = /^<br\s*\/?>/i.exec(src)
    if (br) return { type: 'feishuTag', raw: br[0], name: 'br', attributes: {}, text: '', tokens: [] }
    const at = /^<at\s+([^>]*)>([^<]*)<\/at>/i.exec(src)
    if (at) {
      const attributes = tagAttributes(at[1] ?? '')
      return { type: 'feishuTag', raw: at[0], name: 'at', attributes, text: at[2] ?? '', tokens: [] }
    }
    const paired = /^<(a|link|font|text_tag)(\s[^>]*)?>([\s\S]*?)<\/\1>/i.exec(src)
    if (!paired || tagDepth >= MAX_TAG_DEPTH) return undefined
    const name = (paired[1] ?? '').toLowerCase() as FeishuTag['name']
    const text = paired[3] ?? ''
    const tokens: Token[] = []
    if (name !== 'text_tag') {
      const { state } = this.lexer
      const wasInLink = state.inLink
      if (name === 'a' || name === 'link') state.inLink = true
      tagDepth += 1
      try {
        this.lexer.inlineTokens(text, tokens)
      } finally {
        tagDepth -= 1
        state.inLink = wasInLink
      }
    }
    return { type: 'feishuTag', raw: paired[0], name, attributes: tagAttributes(paired[2] ?? ''), text, tokens }
  },
}

const feishuMarkdown = new Marked({
  gfm: true,
  // One line per line, as Feishu draws a card's markdown.
  breaks: true,
  extensions: [feishuTags],
  tokenizer: {
    // No raw HTML: a tag that is not Feishu's is text.
    html: () => undefined,
    tag: () => undefined,
    // ~~strike~~ only; a single ~ is a character.
    del: (src) => (src.startsWith('~~') ? false : undefined),
  },
})

/** A markdown component's content as HTML blocks. */
export function renderMarkdown(source: string, depth = 0): string {
  if (depth > MAX_DEPTH || source.length > MAX_SOURCE) return asPlainText(source)
  try {
    return blocks(feishuMarkdown.lexer(source), depth)
  } catch {
    // Too deep for the parser's stack: the text as it was written.
    return asPlainText(source)
  }
}

/** One paragraph's worth of inline markdown as HTML. */
export function renderInline(source: string, depth = 0): string {
  if (depth > MAX_DEPTH || source.length > MAX_SOURCE) return escapeHtml(source)
  try {
    return inline(feishuMarkdown.Lexer.lexInline(source, feishuMarkdown.defaults), { depth, inLink: false })
  } catch {
    return escapeHtml(source)
  }
}

function asPlainText(source: string): string {
  return `<p>${escapeHtml(source).replace(/\r?\n/g, '<br>')}</p>`
}

function blocks(tokens: readonly Token[], depth: number): string {
  return tokens.map((token) => block(token as Tokens.Generic, depth)).join('')
}

function block(token: Tokens.Generic, depth: number): string {
  if (depth > MAX_DEPTH) return asPlainText(token.raw)
  const inner = (): string => inline(token.tokens ?? [], { depth, inLink: false })
  switch (token.type) {
    case 'paragraph':
      return `<p>${inner()}</p>`
    case 'heading':
      return `<div class="h h${Math.min(6, Math.max(1, Number((token as Tokens.Heading).depth) || 1))}">${inner()}</div>`
    case 'code':
      return `<pre><code>${escapeHtml((token as Tokens.Code).text)}</code></pre>`
    case 'blockquote':
      return `<blockquote>${blocks(token.tokens ?? [], depth + 1)}</blockquote>`
    case 'list':
      return list(token as Tokens.List, depth)
    case 'table':
      return table(token as Tokens.Table, depth)
    case 'hr':
      return '<hr>'
    case 'space':
    case 'def':
      return ''
    case 'text':
      // A tight list item's text.
      return token.tokens ? inner() : text(token)
    default:
      return asPlainText(token.raw)
  }
}

function list(token: Tokens.List, depth: number): string {
  const tag = token.ordered ? 'ol' : 'ul'
  const start = Number(token.start)
  const open = token.ordered && Number.isSafeInteger(start) && start !== 1 ? `<ol start="${start}">` : `<${tag}>`
  return `${open}${token.items.map((item) => `<li>${listItem(item, depth + 1)}</li>`).join('')}</${tag}>`
}

/** A tight item's text is inline, or a paragraph when blocks other than lists sit under it (a quote, code). */
function listItem(item: Tokens.ListItem, depth: number): string {
  if (item.loose) return blocks(item.tokens, depth)
  const onlyLists = item.tokens.every((token) => token.type === 'text' || token.type === 'list')
  return item.tokens
    .map((token) => {
      const html = block(token, depth)
      return token.type === 'text' && !onlyLists ? `<p>${html}</p>` : html
    })
    .join('')
}

const ALIGNS = new Set(['left', 'center', 'right'])

function table(token: Tokens.Table, depth: number): string {
  const cell = (element: 'th' | 'td', value: Tokens.TableCell): string => {
    const align = value.align && ALIGNS.has(value.align) ? value.align : 'left'
    return `<${element} style="text-align:${align}">${inline(value.tokens, { depth, inLink: false })}</${element}>`
  }
  const head = token.header.map((value) => cell('th', value)).join('')
  const body = token.rows.map((row) => `<tr>${row.map((value) => cell('td', value)).join('')}</tr>`).join('')
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

interface InlineContext {
  readonly depth: number
  /** Inside a link: no link opens in it. */
  readonly inLink: boolean
}

/** Text as marked gives it (numeric references resolved, `&` as `&amp;`), decoded once and escaped. */
function text(token: Tokens.Generic): string {
  return escapeHtml(decodeEntities(typeof token.text === 'string' ? token.text : token.raw))
}

function inline(tokens: readonly Token[], context: InlineContext): string {
  if (context.depth > MAX_DEPTH) return escapeHtml(tokens.map((token) => token.raw).join(''))
  const deeper = { ...context, depth: context.depth + 1 }
  let html = ''
  tokens.forEach((generic, index) => {
    const token = generic as Tokens.Generic
    const children = (): string => inline(token.tokens ?? [], deeper)
    switch (token.type) {
      case 'text':
        html += token.tokens ? children() : text(token)
        break
      case 'escape':
        html += escapeHtml(String(token.text))
        break
      case 'strong':
        html += `<strong>${children()}</strong>`
        break
      case 'em':
        html += `<em>${children()}</em>`
        break
      case 'del':
        html += `<del>${children()}</del>`
        break
      case 'codespan':
        html += `<code>${escapeHtml(String(token.text))}</code>`
        break
      case 'br':
        html += '<br>'
        break
      case 'link':
        html += link(token as Tokens.Link, tokens[index - 1], context)
        break
      case 'image':
        // Never loaded: the page makes no request, and a card's image is an image_key anyway.
        html += `<span class="md-img">🖼 ${escapeHtml(decodeEntities(String(token.text)))}</span>`
        break
      case 'feishuTag':
        html += feishuTag(token as FeishuTag, deeper)
        break
      default:
        html += token.tokens ? children() : escapeHtml(decodeEntities(token.raw))
    }
  })
  return html
}

/** Characters after which a bare URL starts a link, as in Feishu: a space or an opening bracket. */
const WORD_BOUNDARY = /[\s(（]$/u
/** Punctuation that ends a sentence around a bare URL and is not part of it. */
const TRAILING_PUNCTUATION = /[。，、；：！？）」』]+$/u

function link(token: Tokens.Link, previous: Token | undefined, context: InlineContext): string {
  const bare = token.autolink === true && !token.raw.startsWith('<')
  if (bare) {
    // A bare URL inside a word (`src="https://…`) stays text; so does a mail address.
    const atWordStart = !previous || WORD_BOUNDARY.test(previous.raw)
    const rest = TRAILING_PUNCTUATION.exec(token.raw)?.[0] ?? ''
    const shown = token.raw.slice(0, token.raw.length - rest.length)
    const url = atWordStart && !context.inLink ? previewUrl(shown) : undefined
    return linkHtml(url, escapeHtml(shown)) + escapeHtml(rest)
  }
  const inner = inline(token.tokens, { depth: context.depth + 1, inLink: true })
  if (context.inLink) return inner
  // An autolink's destination is literal; a link's may carry entities, decoded as CommonMark does.
  return linkHtml(previewUrl(token.autolink ? token.href : decodeEntities(token.href)), inner)
}

function feishuTag(token: FeishuTag, context: InlineContext): string {
  const { attributes } = token
  switch (token.name) {
    case 'br':
      return '<br>'
    case 'at': {
      const who = attributes.id ?? attributes.user_id ?? attributes.ids ?? attributes.email ?? token.text
      return `<span class="at">@${escapeHtml(decodeEntities(who))}</span>`
    }
    case 'a':
    case 'link': {
      const url = previewUrl(decodeEntities(attributes.href ?? attributes.url ?? attributes.pc_url ?? ''))
      const inner = token.tokens.length ? inline(token.tokens, { ...context, inLink: true }) : escapeHtml(url ?? '')
      return context.inLink ? inner : linkHtml(url, inner)
    }
    case 'font': {
      const color = textColor(attributes.color)
      const inner = inline(token.tokens, context)
      return color ? `<span style="color:${color}">${inner}</span>` : inner
    }
    case 'text_tag':
      return tagChip(decodeEntities(token.text), attributes.color)
  }
}
