// GitHub-flavoured markdown (marked's token tree) to card JSON 2.0 markdown: the walk over the
// tokens, emoji and references; code is ./code.ts, raw HTML ./html.ts. Every piece of literal text
// goes through the markup library's escaping. Pure; marked's types only (the parser is loaded by
// index.ts).
//
// What Feishu documents for card JSON 2.0 markdown (飞书卡片 > 富文本（Markdown）组件, JSON 2.0,
// https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text;
// the 1.0 page .../card-components/content-components/rich-text updated 2025-04):
// - "supports all standard (CommonMark) markdown except HTMLBlock" plus a few HTML tags: <br>, <hr>,
//   <at>, <a>, <font>, <text_tag>, <link>, <person>, <local_datetime>, <raw>, <number_tag>, <audio>.
//   The 1.0 page says 2.0 also lacks SetextHeading and indented CodeBlock, so only ATX headings and
//   backtick fences are emitted here.
// - Headings # to ######: "从一级到六级的字号梯度为 26, 22, 20, 18, 17, 14px"; body text is 14px.
// - Tables (GFM pipe syntax): 2.0 only, at most four per markdown element, five rows a page.
// - Ordered and unordered lists: "4 个空格代表一层缩进"; block quotes `> `; `---` or <hr> on its own
//   line; fenced code with a language from a fixed list (case-insensitive; unknown = plain text).
// - Images are `![hover](image_key)`: an http URL is not an image there, so images become links.
// - Links: only http and https ("目前仅支持 HTTP 和 HTTPS"); `tel://` works on mobile but is never
//   produced here: every other scheme becomes plain text.
// - Feishu's own emoji are `:KEY:` in capitals (`:DONE:`); text written that way is left alone
//   (harmless), GitHub shortcodes in lower case are converted from ./emoji.ts.
// - Escaping: "需要对特殊字符进行 HTML 转义" with `&#NN;` (e.g. `*` as `&#42;`, `<` as `&#60;`), so
//   markdown characters in text are escaped as numeric entities. Backslash escapes: UNCONFIRMED
//   (standard CommonMark, not mentioned by Feishu), so not used except `\|` in table code spans.
// - Task list checkboxes: not mentioned; UNCONFIRMED, so tasks are shown as ☑ / ☐ text.
// Heading mapping (a card header already carries the release title): # -> ### (20px),
// ## -> #### (18px, so "## What's Changed" reads as a section title), ### -> ##### (17px),
// #### and deeper -> ###### (14px bold). Inside lists and quotes headings become bold lines.

import type { Token, Tokens } from 'marked'
import { decodeEntities } from '../../markup/entities.js'
import { escapeLiteral } from '../../markup/escape.js'
import { safeHttpUrl } from '../../markup/safe-url.js'
import { flatten, group, trimEnd, type Piece } from './budget.js'
import { codeBlock, codeLanguage, codeSpan } from './code.js'
import { EMOJI_SHORTCODES } from './emoji.js'
import {
  htmlAttribute,
  htmlBlock,
  parseTag,
  type BlockContext,
  type InlineContext,
  type InlineRenderer,
} from './html.js'
import { githubUrlLabel, REFERENCE, referenceAt, type Links } from './references.js'

function replaceEmoji(text: string): string {
  if (!text.includes(':')) return text
  return text.replace(/:([a-z0-9_+-]{1,40}):/g, (whole, name: string) => EMOJI_SHORTCODES.get(name) ?? whole)
}

const HEADING_PREFIX = ['', '### ', '#### ', '##### ', '###### ', '###### ', '###### ']
const MAX_TABLES = 4

export class Renderer implements InlineRenderer {
  private tables = 0

  constructor(private readonly links: Links) {}

  blocks(tokens: readonly Token[], context: BlockContext): Piece[] {
    const pieces: Piece[] = []
    for (const token of tokens) {
      const piece = this.block(token, context)
      if (piece !== '') pieces.push(piece)
    }
    return pieces
  }

  private block(token: Token, context: BlockContext): Piece {
    switch (token.type) {
      case 'space':
      case 'def':
        return ''
      case 'heading': {
        const heading = token as Tokens.Heading
        const text = this.inlineText(heading.tokens, context.cont, { inStrong: !context.topLevel })
        if (text === '') return ''
        return context.topLevel ? `${HEADING_PREFIX[heading.depth] ?? '###### '}${text}` : `**${text}**`
      }
      case 'paragraph':
      case 'text': {
        const withTokens = token as Tokens.Paragraph | Tokens.Text
        if (!withTokens.tokens) return trimEnd(this.plain(withTokens.text, this.inlineContext(context.cont)))
        return trimEnd(group(this.inline(withTokens.tokens, this.inlineContext(context.cont)), '', 1, true))
      }
      case 'list':
        return this.list(token as Tokens.List, context)
      case 'blockquote':
        return this.blockquote(token as Tokens.Blockquote, context)
      case 'code': {
        const code = token as Tokens.Code
        return codeBlock(code.text, code.codeBlockStyle === 'indented' ? '' : codeLanguage(code.lang), context.cont)
      }
      case 'table':
        return this.table(token as Tokens.Table, context)
      case 'hr':
        // A `---` under a line of text would make it a setext heading; containers join with one newline.
        return context.topLevel ? '---' : '———'
      case 'html':
        return htmlBlock((token as Tokens.HTML).text, context, this)
      default: {
        const generic = token as { tokens?: Token[]; text?: unknown }
        if (generic.tokens) return group(this.inline(generic.tokens, this.inlineContext(context.cont)), '', 1, true)
        return typeof generic.text === 'string' ? this.plain(generic.text, this.inlineContext(context.cont)) : ''
      }
    }
  }

  private list(list: Tokens.List, context: BlockContext): Piece {
    const start = typeof list.start === 'number' ? list.start : 1
    const cont = `${context.cont}    `
    const items = list.items.map((item, index) => {
      let marker = list.ordered ? `${start + index}. ` : '- '
      if (item.task) marker += item.checked ? '☑ ' : '☐ '
      const blocks = this.blocks(
        item.tokens.filter((child) => child.type !== 'checkbox'),
        { cont, topLevel: false },
      )
      const [first, ...rest] = blocks
      if (first === undefined) return marker.trimEnd()
      return group([group([marker, first], '', 2), ...rest], `\n${cont}`)
    })
    return group(items, `\n${context.cont}`)
  }

  private blockquote(quote: Tokens.Blockquote, context: BlockContext): Piece {
    const cont = `${context.cont}> `
    const alert = this.alertLabel(quote.tokens)
    const blocks = this.blocks(alert ? alert.tokens : quote.tokens, { cont, topLevel: false })
    if (alert) blocks.unshift(group([`**${alert.label}**`, blocks.shift() ?? ''], `\n${cont}`))
    const [first, ...rest] = blocks
    if (first === undefined) return ''
    return group([group(['> ', first], '', 2), ...rest], `\n${context.cont}>\n${cont}`)
  }

  /** GitHub alerts (`> [!WARNING]` alone on the quote's first line) as a bold label, not as literal brackets. */
  private alertLabel(tokens: readonly Token[]): { label: string; tokens: Token[] } | undefined {
    const [paragraph, ...others] = tokens
    if (paragraph?.type !== 'paragraph') return undefined
    const [marker, ...inline] = (paragraph as Tokens.Paragraph).tokens
    const match =
      marker?.type === 'text'
        ? /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i.exec((marker as Tokens.Text).text)
        : null
    if (!match || !marker || !match[1]) return undefined
    const rest = (marker as Tokens.Text).text.slice(match[0].length)
    const remaining: Token[] = rest === '' ? inline : [{ ...(marker as Tokens.Text), text: rest, raw: rest }, ...inline]
    const label = `${match[1].charAt(0)}${match[1].slice(1).toLowerCase()}`
    return {
      label,
      tokens: remaining.length > 0 ? [{ ...(paragraph as Tokens.Paragraph), tokens: remaining }, ...others] : others,
    }
  }

  private table(table: Tokens.Table, context: BlockContext): Piece {
    const cell = (tokens: Token[]): string => this.inlineText(tokens, context.cont, { inTable: true }) || ' '
    const header = table.header.map((headerCell) => cell(headerCell.tokens))
    const rows = table.rows.map((row) => header.map((_, column) => (row[column] ? cell(row[column].tokens) : ' ')))
    const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
    if (this.tables < MAX_TABLES) {
      this.tables += 1
      const delimiter = header.map((_, column) => {
        const align = table.align[column]
        return align === 'center' ? ':---:' : align === 'right' ? '---:' : align === 'left' ? ':---' : '---'
      })
      const head = `${line(header)}\n${context.cont}${line(delimiter)}`
      return group([head, ...rows.map(line)], `\n${context.cont}`, rows.length > 0 ? 2 : 1)
    }
    // Feishu renders at most four tables in one markdown element; later ones become lists.
    const title = `**${header.join(' · ')}**`
    return group(
      [title, ...rows.map((cells) => `- ${cells.join(' · ')}`)],
      `\n${context.cont}`,
      rows.length > 0 ? 2 : 1,
    )
  }

  private inlineContext(cont: string, overrides: Partial<Omit<InlineContext, 'cont' | 'state'>> = {}): InlineContext {
    return {
      cont,
      inLink: false,
      inStrong: false,
      inTable: false,
      ...overrides,
      state: { atLineStart: !overrides.inTable },
    }
  }

  private inlineText(
    tokens: readonly Token[],
    cont: string,
    overrides: Partial<Omit<InlineContext, 'cont' | 'state'>> = {},
  ): string {
    return flatten(group(this.inline(tokens, this.inlineContext(cont, overrides)), '')).trim()
  }

  /** Inline tokens to pieces a cut may fall between: whole links and spans, words of text. */
  private inline(tokens: readonly Token[], context: InlineContext): Piece[] {
    const pieces: Piece[] = []
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index] as Token
      switch (token.type) {
        case 'text':
        case 'escape': {
          let text = ''
          let end = index
          // Adjacent text and escapes are one string, so `&` + `lt;` split across tokens is still seen as one.
          for (; end < tokens.length; end += 1) {
            const next = tokens[end] as Token
            if (next.type === 'escape') text += (next as Tokens.Escape).text
            else if (next.type === 'text' && !(next as Tokens.Text).tokens)
              text += decodeEntities((next as Tokens.Text).text)
            else break
          }
          if (end === index) {
            pieces.push(...this.inline((token as Tokens.Text).tokens ?? [], context))
            continue
          }
          pieces.push(this.plain(text, context))
          index = end - 1
          continue
        }
        case 'strong':
        case 'em':
        case 'del': {
          const inner = this.inlineString((token as Tokens.Strong).tokens, {
            ...context,
            inStrong: context.inStrong || token.type === 'strong',
          })
          if (inner.trim() === '') {
            pieces.push(inner)
            continue
          }
          const marker = token.type === 'strong' ? (context.inStrong ? '' : '**') : token.type === 'em' ? '*' : '~~'
          pieces.push(`${marker}${inner}${marker}`)
          context.state.atLineStart = false
          continue
        }
        case 'codespan':
          pieces.push(codeSpan((token as Tokens.Codespan).text, context.inTable))
          context.state.atLineStart = false
          continue
        case 'br':
          pieces.push(context.inTable ? ' ' : `\n${context.cont}`)
          context.state.atLineStart = !context.inTable
          continue
        case 'link': {
          const link = token as Tokens.Link
          if (context.inLink) {
            pieces.push(this.inlineString(link.tokens, context))
            continue
          }
          // A bare URL is shown the way GitHub shows it: .../pull/12 as #12, .../compare/a...b as a...b.
          const label = link.autolink ? (githubUrlLabel(link.href, this.links) ?? link.text) : undefined
          const text =
            label !== undefined
              ? escapeLiteral(label, { atLineStart: false }, ' ')
              : this.inlineString(link.tokens, { ...context, inLink: true })
          pieces.push(this.link(link.href, text, context, !link.autolink))
          continue
        }
        case 'image': {
          const image = token as Tokens.Image
          pieces.push(this.image(image.href, decodeEntities(image.text), context))
          continue
        }
        case 'html': {
          const tag = parseTag((token as Tokens.Tag).text)
          if (!tag) continue
          if (tag.name === 'br') pieces.push(...this.inline([{ type: 'br', raw: '' }], context))
          else if (tag.name === 'img')
            pieces.push(
              this.image(
                htmlAttribute(tag.attributes, 'src') ?? '',
                decodeEntities(htmlAttribute(tag.attributes, 'alt') ?? ''),
                context,
              ),
            )
          else if (tag.name === 'a' && !tag.closing) {
            const close = tokens.findIndex(
              (candidate, at) =>
                at > index && candidate.type === 'html' && parseTag((candidate as Tokens.Tag).text)?.name === 'a',
            )
            const inner = tokens.slice(index + 1, close === -1 ? tokens.length : close)
            const href = htmlAttribute(tag.attributes, 'href')
            const text = this.inlineString(inner, { ...context, inLink: true })
            pieces.push(href !== undefined && !context.inLink ? this.link(href, text, context) : text)
            index = close === -1 ? tokens.length : close
          }
          continue
        }
        case 'checkbox':
          continue
        default: {
          const generic = token as { tokens?: Token[]; text?: unknown }
          if (generic.tokens) pieces.push(...this.inline(generic.tokens, context))
          else if (typeof generic.text === 'string') pieces.push(this.plain(decodeEntities(generic.text), context))
        }
      }
    }
    return pieces
  }

  private inlineString(tokens: readonly Token[] | undefined, context: InlineContext): string {
    return flatten(group(this.inline(tokens ?? [], context), ''))
  }

  link(href: string, text: string, context: InlineContext, decode = true): string {
    const url = safeHttpUrl(href, decode)
    context.state.atLineStart = false
    if (!url) return text
    const label =
      text.trim() === '' ? escapeLiteral(githubUrlLabel(url, this.links) ?? url, { atLineStart: false }, ' ') : text
    return `[${label}](${url})`
  }

  image(src: string, alt: string, context: InlineContext): string {
    const text = escapeLiteral(alt.replace(/\s+/g, ' ').trim() || 'image', { atLineStart: false }, ' ')
    context.state.atLineStart = false
    if (context.inLink) return text
    const url = safeHttpUrl(src)
    return url ? `[${text}](${url})` : text
  }

  /** Decoded plain text: references linked (outside link text), emoji shortcodes replaced, the rest escaped. */
  plain(text: string, context: InlineContext): Piece {
    const newline = context.inTable ? ' ' : `\n${context.cont}`
    const parts: string[] = []
    const literal = (chunk: string): void => {
      if (chunk !== '') parts.push(escapeLiteral(replaceEmoji(chunk), context.state, newline))
    }
    if (context.inLink) {
      literal(text)
      return group(parts, '', 1, true)
    }
    let last = 0
    for (const match of text.matchAll(REFERENCE)) {
      const reference = referenceAt(match, this.links)
      if (!reference) continue
      literal(text.slice(last, match.index))
      parts.push(`[${escapeLiteral(reference.label, { atLineStart: false }, ' ')}](${reference.url})`)
      context.state.atLineStart = false
      last = match.index + match[0].length
    }
    literal(text.slice(last))
    return group(parts, '', 1, true)
  }
}
