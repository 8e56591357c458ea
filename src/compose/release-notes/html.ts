// Raw HTML that GitHub keeps in release notes (<details>, <img>, <br>, anchors, comments) to card
// markdown: block tags break lines, bold tags become **, links and images go through the
// renderer's own (safe URLs only), script and style content is dropped, any other tag is left out.
// Pure; it never emits a tag.

import { decodeEntities } from '../../markup/entities.js'
import type { LineState } from '../../markup/escape.js'
import { flatten, group, type Piece } from './budget.js'

export interface BlockContext {
  /** What follows every line break inside this block: list indentation and `> ` of quotes. */
  readonly cont: string
  readonly topLevel: boolean
}

export interface InlineContext {
  readonly cont: string
  /** Link text and image alt: no nested links, so no references either. */
  readonly inLink: boolean
  readonly inStrong: boolean
  readonly inTable: boolean
  readonly state: LineState
}

/** What HTML shares with the markdown walk: text, images and links rendered the one way. */
export interface InlineRenderer {
  plain(text: string, context: InlineContext): Piece
  image(src: string, alt: string, context: InlineContext): string
  link(href: string, text: string, context: InlineContext): string
}

const HTML_PART = /<!--[\s\S]*?(?:-->|$)|<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<|[^<]+/g
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'details',
  'summary',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'blockquote',
  'pre',
  'section',
  'center',
  'picture',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'dl',
  'dt',
  'dd',
])
const BOLD_TAGS = new Set(['summary', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'b', 'strong', 'th'])
const DROPPED_CONTENT_TAGS = new Set(['script', 'style', 'template', 'textarea', 'title'])

export function htmlAttribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes)
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined
}

interface HtmlTag {
  readonly closing: boolean
  readonly name: string
  readonly attributes: string
}

export function parseTag(html: string): HtmlTag | undefined {
  const match = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>$/.exec(html.trim())
  return match
    ? { closing: match[1] === '/', name: (match[2] ?? '').toLowerCase(), attributes: match[3] ?? '' }
    : undefined
}

/** A block of raw HTML as card markdown lines, `context.cont` after each line break. */
export function htmlBlock(html: string, context: BlockContext, inline: InlineRenderer): Piece {
  const lines: string[] = []
  let line = ''
  let linkHref: string | undefined
  let linkText = ''
  let bold = 0
  let boldStart = 0
  let dropUntil: string | undefined
  const state: LineState = { atLineStart: true }
  const inlineContext = (): InlineContext => ({
    cont: context.cont,
    inLink: linkHref !== undefined,
    inStrong: bold > 0,
    inTable: false,
    state,
  })
  const emit = (text: string): void => {
    if (linkHref !== undefined) linkText += text
    else line += text
  }
  const breakLine = (): void => {
    if (bold > 0 && linkHref === undefined) {
      // Bold does not cross a line break in markdown: close it here and reopen on the next line.
      if (line.slice(boldStart + 2).trim() === '') line = line.slice(0, boldStart)
      else line = `${line.trimEnd()}**`
    }
    if (line.trim() !== '') lines.push(line.trim())
    line = ''
    state.atLineStart = true
    if (bold > 0 && linkHref === undefined) {
      boldStart = 0
      line = '**'
    }
  }
  for (const match of html.matchAll(HTML_PART)) {
    const part = match[0]
    const name = match[2]?.toLowerCase()
    if (dropUntil !== undefined) {
      if (match[1] === '/' && name === dropUntil) dropUntil = undefined
      continue
    }
    if (part.startsWith('<!--')) continue
    if (name === undefined) {
      emit(flatten(inline.plain(decodeEntities(part).replace(/\s+/g, ' '), inlineContext())))
      continue
    }
    const closing = match[1] === '/'
    const attributes = match[3] ?? ''
    if (DROPPED_CONTENT_TAGS.has(name)) {
      if (!closing && !attributes.trim().endsWith('/')) dropUntil = name
      continue
    }
    if (name === 'br' || name === 'hr') {
      breakLine()
      continue
    }
    if (name === 'img') {
      emit(
        inline.image(
          htmlAttribute(attributes, 'src') ?? '',
          decodeEntities(htmlAttribute(attributes, 'alt') ?? ''),
          inlineContext(),
        ),
      )
      continue
    }
    if (name === 'a') {
      if (!closing) {
        const href = htmlAttribute(attributes, 'href')
        if (href !== undefined && linkHref === undefined) {
          linkHref = href
          linkText = ''
        }
      } else if (linkHref !== undefined) {
        const href = linkHref
        linkHref = undefined
        emit(inline.link(href, linkText.trim(), inlineContext()))
      }
      continue
    }
    if (BOLD_TAGS.has(name)) {
      if (BLOCK_TAGS.has(name) && !closing) breakLine()
      const opensBold = bold === 0 && !closing
      const closesBold = bold === 1 && closing
      bold = Math.max(0, bold + (closing ? -1 : 1))
      if (opensBold && linkHref === undefined) {
        boldStart = line.length
        line += '**'
      } else if (closesBold && linkHref === undefined) {
        // An empty bold (`<b></b>`, a heading holding only an anchor) would show its asterisks.
        if (line.slice(boldStart + 2).trim() === '') line = line.slice(0, boldStart)
        else line = `${line.trimEnd()}**`
      }
      if (BLOCK_TAGS.has(name) && closing) breakLine()
      continue
    }
    if (BLOCK_TAGS.has(name)) {
      breakLine()
      if (name === 'li' && !closing) emit('- ')
      continue
    }
    if (name === 'td') emit(' ')
  }
  // An unclosed link keeps its text; breakLine closes a bold left open (once).
  if (linkHref !== undefined) line += linkText
  linkHref = undefined
  breakLine()
  const kept = lines.filter((text) => text !== '-')
  return group(kept, `\n${context.cont}`)
}
