// Release notes (GitHub-flavoured markdown, written by anyone who can publish a release) to the
// content of a card JSON 2.0 markdown element, within a byte budget. The markdown parser is loaded
// here, dynamically, so ncc puts it in its own chunk that a plain send never loads.
// Conversion is bounded in time, depth and memory: notes too long, too deep or too slow to parse
// are not converted but shown as plain escaped text, cut to fit, with a link to the full release,
// so the card always goes out.
// Must not: do I/O, log, or build cards.

import { ActionError } from '../../base/errors.js'
import { jsonStringBytes } from '../../base/json.js'
import { escapeCardMarkdown } from '../../markup/escape.js'
import { safeHttpUrl } from '../../markup/safe-url.js'
import { fitBudget, group, type Piece } from './budget.js'
import { Renderer } from './render.js'
import { resolveLinks } from './references.js'

export interface NotesOptions {
  /** https://github.com/OWNER/REPO: #123 -> <repo>/issues/123, shas -> <repo>/commit/<sha>; '' when unknown (then leave refs as text) */
  repositoryUrl: string
  /** https://github.com (or a GHES host): @user -> <server>/<user> */
  serverUrl: string
  /** Budget in bytes of JSON.stringify(markdown) in UTF-8 (what the markdown adds to the card JSON, escaping counted). */
  maxBytes: number
  /** Where the full notes are (the release page); linked at the end when the notes were cut. */
  fullNotesUrl: string
  /** Milliseconds the parser may take before the notes are shown as plain text (tests lower it). */
  timeLimitMs?: number
  /** Replaces the English "… [Full release notes](url)" at a cut, for a card that links the rest itself. */
  cutMark?: string
}

export interface ConvertedNotes {
  markdown: string
  /** Something of the notes was left out. */
  truncated: boolean
  /** The notes could not be converted within the bounds and are shown as plain text. */
  plain?: true
}

/**
 * The bounds. No card holds more than 30 KB, so notes are read up to MAX_SOURCE characters (cut at
 * a line end, and marked as cut). A line opening more than MAX_CONTAINERS quotes or lists, or
 * indented deeper than MAX_INDENT columns, would nest the parser (and its output) that deep: not
 * parsed. Emphasis costs the parser time that grows with the cube of the delimiters in one
 * paragraph: a paragraph with more than MAX_DELIMITERS of them, or longer than MAX_INLINE, is not
 * parsed. And all inline parsing stops after TIME_LIMIT_MS.
 */
const MAX_SOURCE = 64 * 1024
/**
 * Nor is more read than can fit: converted notes are rarely smaller than their markdown (links to
 * references and escapes add, HTML comments and tags take away: 1.05 times the source in the
 * median over Node.js's releases and the test notes, two thirds at the least), so the source is
 * cut at one and a quarter times the budget, which keeps parsing time in step with what the card
 * can show; notes made mostly of HTML may show a little less than would fit, and link the rest.
 */
const SOURCE_PER_BUDGET_BYTE = 1.25
const MAX_CONTAINERS = 16
const MAX_INDENT = 64
const MAX_DELIMITERS = 400
const MAX_INLINE = 16 * 1024
const TIME_LIMIT_MS = 2000

/** Raised inside the bounded conversion; any other error (a RangeError from a stack) gives up the same way. */
class TooComplex extends ActionError {
  override readonly name = 'TooComplex'
}

/** Loads marked lazily (dynamic import inside, so ncc puts it in a separate chunk that a plain text message never loads). */
export async function releaseNotesToCardMarkdown(body: string, options: NotesOptions): Promise<ConvertedNotes> {
  if (body.trim() === '') return { markdown: '', truncated: false }
  const source = cutSource(
    body,
    Math.min(MAX_SOURCE, Math.max(4096, Math.ceil(options.maxBytes * SOURCE_PER_BUDGET_BYTE))),
  )
  try {
    if (tooDeep(source)) throw new TooComplex('the release notes are too complex to convert in time')
    const { Lexer } = await import('marked')
    const lexer = new Lexer({ gfm: true, breaks: false })
    // What Lexer.lex does, with the inline pass bounded: blocks first, then each block's inline text.
    // (lexer.tokens carries the link reference definitions that the inline pass looks up).
    const tokens = lexer.blockTokens(source.replace(/\r\n?/g, '\n'), lexer.tokens)
    const deadline = Date.now() + (options.timeLimitMs ?? TIME_LIMIT_MS)
    for (const { src, tokens: into } of lexer.inlineQueue) {
      if (Date.now() > deadline || src.length > MAX_INLINE || delimiters(src) > MAX_DELIMITERS)
        throw new TooComplex('the release notes are too complex to convert in time')
      lexer.state.inRawBlock = false
      lexer.inlineTokens(src, into)
    }
    lexer.inlineQueue = []
    const renderer = new Renderer(resolveLinks(options))
    const root = group(renderer.blocks(tokens, { cont: '', topLevel: true }), '\n\n')
    if (source.length === body.length) return fitBudget(root, options)
    // Notes cut before parsing: even when what is left fits, the rest is on the release page.
    const suffix = fullNotesSuffix(options)
    const fitted = fitBudget(root, { ...options, maxBytes: options.maxBytes - jsonStringBytes(`\n\n${suffix}`) })
    return fitted.truncated ? fitted : { markdown: `${fitted.markdown}\n\n${suffix}`, truncated: true }
  } catch {
    // Too long, deep or slow to convert (or a stack overflow in the parser): the notes as they were written.
    return asPlainText(source, options)
  }
}

/** The first `limit` characters, cut after the last line end within them. */
function cutSource(body: string, limit: number): string {
  if (body.length <= limit) return body
  const cut = body.lastIndexOf('\n', limit)
  return body.slice(0, cut > 0 ? cut : limit)
}

/** A line that opens more than MAX_CONTAINERS quotes and list items, or starts deeper than MAX_INDENT columns. */
function tooDeep(source: string): boolean {
  for (const line of source.split('\n')) {
    const prefix = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*/.exec(line)![0]
    let markers = 0
    for (const char of prefix) if (char !== ' ' && char !== '\t' && !/\d/.test(char)) markers += 1
    if (markers > MAX_CONTAINERS) return true
    const indent = /^[ \t]*/.exec(line)![0]
    if (indent.length > MAX_INDENT || indent.replace(/\t/g, '    ').length > MAX_INDENT) return true
  }
  return false
}

function delimiters(text: string): number {
  let count = 0
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index)
    if (char === 0x2a || char === 0x5f || char === 0x7e) count += 1
  }
  return count
}

/** Places an escaped line may be cut: never inside an entity, a neutralized `<`, or a character. */
const FRAGMENTS = /&#\d+;|[<&]\u200B|[^<&]{1,64}|[<&]/gu

const PLAIN_NOTE = '*(Shown as plain text: too long or too deeply nested to convert.)*'

/** The notes as plain escaped text, line by line, cut to fit, and the link to the full release. */
function asPlainText(source: string, options: NotesOptions): ConvertedNotes {
  const lines: Piece[] = source
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => group(escapeCardMarkdown(line.trim()).match(FRAGMENTS) ?? [], ''))
  const fullNotes = safeHttpUrl(options.fullNotesUrl)
  const note = fullNotes ? `${PLAIN_NOTE} [Full release notes](${fullNotes})` : PLAIN_NOTE
  const noteBytes = jsonStringBytes(`\n\n${note}`)
  const fitted = fitBudget(group(lines, '\n'), { ...options, maxBytes: options.maxBytes - noteBytes })
  if (fitted.truncated || noteBytes > options.maxBytes) return { ...fitted, plain: true }
  return { markdown: fitted.markdown ? `${fitted.markdown}\n\n${note}` : note, truncated: false, plain: true }
}

function fullNotesSuffix(options: NotesOptions): string {
  const fullNotes = safeHttpUrl(options.fullNotesUrl)
  return fullNotes ? `… [Full release notes](${fullNotes})` : '… (truncated)'
}
