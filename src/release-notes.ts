// Owns turning untrusted GitHub text into something safe to put in a Feishu message: release
// notes (GitHub-flavoured markdown) into the content of a card JSON 2.0 `markdown` element, and
// the escaping every other untrusted string needs (neutralizeMarkup, escapeCardMarkdown).
// Must not: do I/O, log, build cards, or load the markdown parser on a path that never converts
// notes (marked is imported dynamically so ncc puts it in its own chunk).
//
// The notes are parsed with marked's Lexer and the token tree is walked here; nothing is done with
// regular expressions over the raw markdown (that is how "safe" converters end up with a mention
// hidden in a link title). Regular expressions are only used on decoded plain text (references,
// emoji) and on single HTML tags.
//
// What Feishu documents for card JSON 2.0 markdown (飞书卡片 > 富文本（Markdown）组件, JSON 2.0,
// https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text,
// read in the wxkingstar/doc-hub-mcp mirror; the 1.0 page .../card-components/content-components/rich-text
// updated 2025-04):
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
import { EMOJI_SHORTCODES } from './emoji.js'

export interface NotesOptions {
  /** https://github.com/OWNER/REPO: #123 -> <repo>/issues/123, shas -> <repo>/commit/<sha>; '' when unknown (then leave refs as text) */
  repositoryUrl: string
  /** https://github.com (or a GHES host): @user -> <server>/<user> */
  serverUrl: string
  /** Budget in bytes of JSON.stringify(markdown) in UTF-8 (what the markdown adds to the card JSON, escaping counted). */
  maxBytes: number
  /** Where the full notes are (the release page); linked at the end when the notes were cut. */
  fullNotesUrl: string
}

// Neutralizing: a zero-width space (U+200B) right after every `<`, and after every `&` that could
// start an entity. A tag needs its name right after `<`, so `<\u200Bat id=all>` can never become a
// mention, whatever Feishu's parser accepts; and with no `&` directly followed by `#` or a letter,
// no entity is left for Feishu to decode into a `<` (once or twice). Escaping `<` as `&lt;` would
// rely on Feishu never decoding entities before it looks for tags, which nothing documents; a
// look-alike such as `＜` would change what people read and copy. The invisible character is the
// price: it is also inside code, where `a<b` copied from a card carries it along.
const ZWSP = '\u200B'

/** For any untrusted string placed into any Feishu field (text message, post, card plain_text or markdown): makes Feishu markup inert so it can never form a tag such as <at id=all>, <at user_id="all">, <at email=...>, <font>, <a>, <link>, <text_tag>; keeps the text readable. */
export function neutralizeMarkup(text: string): string {
  return text.replace(/</g, `<${ZWSP}`).replace(/&(?=[#A-Za-z]|$)/g, `&${ZWSP}`)
}

/** Untrusted plain text (a commit message line, a PR title, a branch name) to place inside card markdown: neutralized, and markdown syntax characters made literal so it cannot turn into links, headings, lists etc. */
export function escapeCardMarkdown(text: string): string {
  const state: LineState = { atLineStart: true }
  return escapeLiteral(text, state, '\n')
}

/** Loads marked lazily (dynamic import inside, so ncc puts it in a separate chunk that a plain text message never loads). */
export async function releaseNotesToCardMarkdown(
  body: string,
  options: NotesOptions,
): Promise<{ markdown: string; truncated: boolean }> {
  if (body.trim() === '') return { markdown: '', truncated: false }
  const { Lexer } = await import('marked')
  const tokens = new Lexer({ gfm: true, breaks: false }).lex(body)
  const renderer = new Renderer(resolveLinks(options))
  const root = group(renderer.blocks(tokens, { cont: '', topLevel: true }), '\n\n')
  return fitBudget(root, options)
}

// ---------------------------------------------------------------------------------------------
// Pieces: the rendered notes as a tree whose joins are the only places a cut may happen. A string
// is atomic (a code block, a table row, a link); a group may be cut between its parts, or inside
// its last kept part when that part is a group too. Text (a `words` group) is only cut between
// words when nothing at all has been kept yet: a paragraph cut mid-sentence is worth showing only
// when the alternative is an empty card.

type Piece = string | Group
interface Group {
  readonly parts: readonly Piece[]
  readonly sep: string
  /** Fewer kept parts than this and the group is dropped (a table needs its header and a row; a list marker needs content). */
  readonly minParts: number
  /** Literal text: its strings may be cut after a space. */
  readonly words: boolean
}

function group(parts: readonly Piece[], sep: string, minParts = 1, words = false): Piece {
  const kept = parts.filter((part) => part !== '')
  return kept.length === 0 ? '' : { parts: kept, sep, minParts, words }
}

/**
 * Bytes JSON.stringify(text) adds inside its quotes, in UTF-8, counted without building the string
 * (this runs on every piece). JSON escapes each code unit on its own, so the size of a join is the
 * sum of the sizes; a lone surrogate becomes a six-byte \uXXXX escape.
 */
function jsonBytes(text: string): number {
  let bytes = 0
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    if (code === 0x22 || code === 0x5c) bytes += 2
    else if (code < 0x20)
      bytes += code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6
    else if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      index + 1 < text.length &&
      (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4
      index += 1
    } else if (code >= 0xd800 && code <= 0xdfff) bytes += 6
    else bytes += 3
  }
  return bytes
}

/** The longest prefix of literal text that ends after a space and fits, or undefined. */
function cutAtSpace(text: string, budget: number): string | undefined {
  let lastCut = -1
  let bytes = 0
  let index = 0
  for (const char of text) {
    if (char === ' ') lastCut = index
    bytes += jsonBytes(char)
    if (bytes > budget) break
    index += char.length
  }
  return lastCut > 0 ? text.slice(0, lastCut) : undefined
}

const groupSizes = new WeakMap<Group, number>()
function sizeOf(piece: Piece): number {
  if (typeof piece === 'string') return jsonBytes(piece)
  const known = groupSizes.get(piece)
  if (known !== undefined) return known
  let size = jsonBytes(piece.sep) * (piece.parts.length - 1)
  for (const part of piece.parts) size += sizeOf(part)
  groupSizes.set(piece, size)
  return size
}

/** Trailing spaces would be a hard line break before whatever follows. */
function trimEnd(piece: Piece): Piece {
  if (typeof piece === 'string') return piece.trimEnd()
  const last = piece.parts.at(-1)
  if (last === undefined) return piece
  return group([...piece.parts.slice(0, -1), trimEnd(last)], piece.sep, piece.minParts, piece.words)
}

function flatten(piece: Piece): string {
  return typeof piece === 'string' ? piece : piece.parts.map(flatten).join(piece.sep)
}

/**
 * The longest clean prefix of the piece within budget bytes, or undefined when none is.
 * keptBefore: something precedes it in the output, so text is not cut inside.
 */
function fitPrefix(piece: Piece, budget: number, keptBefore: boolean, inWords = false): string | undefined {
  if (sizeOf(piece) <= budget) return flatten(piece)
  if (typeof piece === 'string') return inWords ? cutAtSpace(piece, budget) : undefined
  if (piece.words && !inWords && keptBefore) return undefined
  const sepBytes = jsonBytes(piece.sep)
  const kept: string[] = []
  let used = 0
  for (const part of piece.parts) {
    const sepCost = kept.length > 0 ? sepBytes : 0
    const partBytes = sizeOf(part)
    if (used + sepCost + partBytes <= budget) {
      kept.push(flatten(part))
      used += sepCost + partBytes
      continue
    }
    const partial = fitPrefix(part, budget - used - sepCost, keptBefore || kept.length > 0, piece.words)
    if (partial) kept.push(partial)
    break
  }
  return kept.length >= piece.minParts ? kept.join(piece.sep) : undefined
}

function fitBudget(root: Piece, options: NotesOptions): { markdown: string; truncated: boolean } {
  const budget = options.maxBytes - 2
  if (sizeOf(root) <= budget) return { markdown: flatten(root), truncated: false }
  const fullNotes = safeHttpUrl(options.fullNotesUrl)
  const suffix = fullNotes ? `… [Full release notes](${fullNotes})` : '… (truncated)'
  const kept = fitPrefix(root, budget - jsonBytes(suffix) - jsonBytes('\n\n'), false)?.trimEnd()
  if (kept) return { markdown: `${kept}\n\n${suffix}`, truncated: true }
  return { markdown: jsonBytes(suffix) <= budget ? suffix : '', truncated: true }
}

// ---------------------------------------------------------------------------------------------
// Links and references.

interface Links {
  /** https://host/owner/repo without a trailing slash, or '' */
  readonly repository: string
  /** owner/repo in lower case, for recognising links to this repository */
  readonly repositoryKey: string
  /** https://host without a trailing slash, or '' */
  readonly server: string
  /** hosts whose issue, pull, commit and compare URLs are shown the way GitHub shows them */
  readonly hosts: ReadonlySet<string>
}

function resolveLinks(options: NotesOptions): Links {
  const repositoryUrl = safeHttpUrl(options.repositoryUrl.replace(/\/+$/, ''))
  const repositoryPath = repositoryUrl ? /^\/([^/]+)\/([^/]+)$/.exec(new URL(repositoryUrl).pathname) : null
  const repository = repositoryUrl && repositoryPath ? repositoryUrl : ''
  const serverUrl = safeHttpUrl(options.serverUrl)
  const server = serverUrl ? new URL(serverUrl).origin : repository ? new URL(repository).origin : ''
  const hosts = new Set(['github.com'])
  if (server) hosts.add(new URL(server).host)
  if (repository) hosts.add(new URL(repository).host)
  const repositoryKey = repositoryPath ? `${repositoryPath[1]}/${repositoryPath[2]}`.toLowerCase() : ''
  return { repository, repositoryKey, server, hosts }
}

/**
 * An absolute http(s) URL that cannot break out of `(...)` or a table cell, or undefined.
 * Entities are decoded first (CommonMark does so in link destinations); `&` that would start an
 * entity again is percent-encoded so nothing decodes into `<` inside the URL either.
 */
export function safeHttpUrl(raw: string, decode = true): string | undefined {
  let url: URL
  try {
    url = new URL(decode ? decodeEntities(raw.trim()) : raw.trim())
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  return url.href
    .replace(/[()[\]<>"'`|\\\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/&(?=#|lt|gt|amp|quot|apos)/gi, '%26')
}

// One pass over plain text finds what GitHub would link. Boundaries follow GitHub's: nothing glued
// to a word, a path or an e-mail address; `@scope/package` and `@org/team` are left alone.
const REFERENCE =
  /(?<![\w@#/.-])(?:(?<owner>[A-Za-z0-9][A-Za-z0-9-]*)\/(?<repo>[A-Za-z0-9._-]+?)(?:#(?<crossNumber>\d+)|@(?<crossSha>[0-9a-f]{7,40}))|@(?<user>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*)(?<bot>\[bot\])?|#(?<number>\d+)|GH-(?<ghNumber>\d+)|(?<sha>[0-9a-f]{7,40}))(?![\w@/-])/g

const isSha = (text: string): boolean => /[0-9]/.test(text) && /[a-f]/.test(text)

interface Reference {
  readonly label: string
  readonly url: string
}

function referenceAt(match: RegExpExecArray, links: Links): Reference | undefined {
  const { owner, repo, crossNumber, crossSha, user, bot, number, ghNumber, sha } = match.groups ?? {}
  if (owner && repo && crossNumber && links.server)
    return { label: match[0], url: `${links.server}/${owner}/${repo}/issues/${crossNumber}` }
  if (owner && repo && crossSha && isSha(crossSha) && links.server) {
    return {
      label: `${owner}/${repo}@${crossSha.slice(0, 7)}`,
      url: `${links.server}/${owner}/${repo}/commit/${crossSha}`,
    }
  }
  // GitHub Apps sign as `name[bot]`; their page is /apps/name.
  if (user && links.server)
    return { label: match[0], url: bot ? `${links.server}/apps/${user}` : `${links.server}/${user}` }
  const issue = number ?? ghNumber
  if (issue && links.repository) return { label: match[0], url: `${links.repository}/issues/${issue}` }
  if (sha && isSha(sha) && links.repository) return { label: sha.slice(0, 7), url: `${links.repository}/commit/${sha}` }
  return undefined
}

/** How GitHub shows a bare URL to an issue, pull request, commit or comparison; undefined for others. */
function githubUrlLabel(href: string, links: Links): string | undefined {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return undefined
  }
  if (!links.hosts.has(url.host) || url.search || url.hash) return undefined
  const match = /^\/([^/]+)\/([^/]+)\/(pull|issues|commit|compare)\/([^/]+)\/?$/.exec(url.pathname)
  if (!match) return undefined
  const [, owner = '', repo = '', kind, rest = ''] = match
  const here = `${owner}/${repo}`.toLowerCase() === links.repositoryKey
  const prefix = here ? '' : `${owner}/${repo}`
  if ((kind === 'pull' || kind === 'issues') && /^\d+$/.test(rest)) return `${prefix}#${rest}`
  if (kind === 'commit' && /^[0-9a-f]{7,40}$/.test(rest))
    return here ? rest.slice(0, 7) : `${prefix}@${rest.slice(0, 7)}`
  if (kind === 'compare') {
    try {
      return decodeURIComponent(rest)
    } catch {
      return rest
    }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Plain text.

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', '\u00A0'],
  ['ensp', '\u2002'],
  ['emsp', '\u2003'],
  ['thinsp', '\u2009'],
  ['zwsp', '\u200B'],
  ['copy', '©'],
  ['reg', '®'],
  ['trade', '™'],
  ['hellip', '…'],
  ['mdash', '—'],
  ['ndash', '–'],
  ['lsquo', '‘'],
  ['rsquo', '’'],
  ['ldquo', '“'],
  ['rdquo', '”'],
  ['laquo', '«'],
  ['raquo', '»'],
  ['middot', '·'],
  ['bull', '•'],
  ['rarr', '→'],
  ['larr', '←'],
  ['uarr', '↑'],
  ['darr', '↓'],
  ['harr', '↔'],
  ['times', '×'],
  ['divide', '÷'],
  ['deg', '°'],
  ['plusmn', '±'],
  ['sect', '§'],
  ['para', '¶'],
  ['euro', '€'],
  ['pound', '£'],
  ['yen', '¥'],
  ['cent', '¢'],
  ['check', '✓'],
  ['star', '☆'],
])

/** Markdown and HTML text carry entities; decoding them first means the escaping below sees every `<` and `*`. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (whole, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return NAMED_ENTITIES.get(name) ?? whole
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16)
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(code)
    },
  )
}

const ALWAYS_ESCAPED: Readonly<Record<string, string>> = {
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '|': '&#124;',
}
// What opens a block at the start of a line (CommonMark): the first character is escaped.
const LINE_START_SYNTAX =
  /^(?:>|#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|-(?=[ \t]*-[ \t]*-)|=+[ \t]*$|\d{1,9}[.)](?=[ \t]|$))/

// What makes a GFM parser link bare text: `scheme://`, `www.` and e-mail addresses (mailto:).
// Text is text: the `:`, `.` or `@` that triggers it is written as an entity.
const AUTOLINK_TRIGGER = /:(?=\/\/)|(?<=(?<![\w.-])www)\.|(?<=[\w.+-])@(?=[\w-]+\.)/gi

interface LineState {
  atLineStart: boolean
}

/**
 * Literal text into card markdown: neutralized, markdown characters as entities, and at the start
 * of a line whatever would open a heading, quote, list or indented code block. Newlines become
 * `newline` (a line break followed by the container's continuation, or a space in a table cell).
 */
function escapeLiteral(text: string, state: LineState, newline: string): string {
  let out = ''
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    if (index > 0) {
      out += newline
      state.atLineStart = newline.startsWith('\n')
    }
    let body = line
    let lead = ''
    if (state.atLineStart) {
      body = body.replace(/^[ \t]+/, '')
      const syntax = LINE_START_SYNTAX.exec(body)?.[0]
      if (syntax !== undefined) {
        // An ordered-list number keeps its digits and loses its `.` or `)`; anything else loses its first character.
        const at = /^\d/.test(syntax) ? syntax.length - 1 : 0
        lead = `${body.slice(0, at)}&#${body.charCodeAt(at)};`
        body = body.slice(at + 1)
      }
    }
    if (lead === '' && body === '') return
    state.atLineStart = false
    out +=
      lead +
      neutralizeMarkup(body)
        .replace(/[\\`*_~[\]|]/g, (c) => ALWAYS_ESCAPED[c] ?? c)
        .replace(AUTOLINK_TRIGGER, (c) => `&#${c.charCodeAt(0)};`)
  })
  return out
}

function replaceEmoji(text: string): string {
  if (!text.includes(':')) return text
  return text.replace(/:([a-z0-9_+-]{1,40}):/g, (whole, name: string) => EMOJI_SHORTCODES.get(name) ?? whole)
}

// ---------------------------------------------------------------------------------------------
// Code.

const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  sh: 'shell',
  console: 'shell',
  zsh: 'shell',
  shellsession: 'shell',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  yml: 'yaml',
  md: 'markdown',
  kt: 'kotlin',
  'c++': 'cpp',
  cc: 'cpp',
  cs: 'c_sharp',
  csharp: 'c_sharp',
  objc: 'objective_c',
  dockerfile: 'docker_file',
  docker: 'docker_file',
  ps1: 'powershell',
  pwsh: 'powershell',
  golang: 'go',
  patch: 'diff',
  proto: 'protobuf',
  vb: 'visual_basic',
  coffee: 'coffee_script',
  tf: 'plain_text',
}

function codeLanguage(info: string | undefined): string {
  const word = (info ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? ''
  if (!/^[a-z0-9_+#.-]{1,30}$/.test(word)) return ''
  return LANGUAGE_ALIASES[word] ?? word
}

function longestRun(text: string, char: string): number {
  let longest = 0
  let current = 0
  for (const c of text) {
    current = c === char ? current + 1 : 0
    if (current > longest) longest = current
  }
  return longest
}

/** A fence longer than any backtick run inside, so no line of the code can close it. */
function codeBlock(code: string, language: string, cont: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1))
  const lines = neutralizeMarkup(code.replace(/\n+$/, '')).split('\n')
  return [fence + language, ...lines, fence].join(`\n${cont}`)
}

function codeSpan(code: string, inTable: boolean): string {
  let content = neutralizeMarkup(code.replace(/\n/g, ' '))
  if (content.trim() === '') return ''
  if (inTable) content = content.replace(/\|/g, '\\|')
  const fence = '`'.repeat(longestRun(content, '`') + 1)
  const pad =
    content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ')) ? ' ' : ''
  return `${fence}${pad}${content}${pad}${fence}`
}

// ---------------------------------------------------------------------------------------------
// HTML (GitHub keeps raw HTML in notes: <details>, <img>, <br>, anchors, comments).

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

function htmlAttribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes)
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined
}

interface HtmlTag {
  readonly closing: boolean
  readonly name: string
  readonly attributes: string
}

function parseTag(html: string): HtmlTag | undefined {
  const match = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>$/.exec(html.trim())
  return match
    ? { closing: match[1] === '/', name: (match[2] ?? '').toLowerCase(), attributes: match[3] ?? '' }
    : undefined
}

// ---------------------------------------------------------------------------------------------
// The walk over marked's tokens.

interface BlockContext {
  /** What follows every line break inside this block: list indentation and `> ` of quotes. */
  readonly cont: string
  readonly topLevel: boolean
}

interface InlineContext {
  readonly cont: string
  /** Link text and image alt: no nested links, so no references either. */
  readonly inLink: boolean
  readonly inStrong: boolean
  readonly inTable: boolean
  readonly state: LineState
}

const HEADING_PREFIX = ['', '### ', '#### ', '##### ', '###### ', '###### ', '###### ']
const MAX_TABLES = 4

class Renderer {
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
        return this.htmlBlock((token as Tokens.HTML).text, context)
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

  private htmlBlock(html: string, context: BlockContext): Piece {
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
        emit(flatten(this.plain(decodeEntities(part).replace(/\s+/g, ' '), inlineContext())))
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
          this.image(
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
          emit(this.link(href, linkText.trim(), inlineContext()))
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
    if (linkHref !== undefined) line += linkText
    if (bold > 0) line = line.slice(boldStart + 2).trim() === '' ? line.slice(0, boldStart) : `${line.trimEnd()}**`
    breakLine()
    const kept = lines.filter((text) => text !== '-')
    return group(kept, `\n${context.cont}`)
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

  private link(href: string, text: string, context: InlineContext, decode = true): string {
    const url = safeHttpUrl(href, decode)
    context.state.atLineStart = false
    if (!url) return text
    const label =
      text.trim() === '' ? escapeLiteral(githubUrlLabel(url, this.links) ?? url, { atLineStart: false }, ' ') : text
    return `[${label}](${url})`
  }

  private image(src: string, alt: string, context: InlineContext): string {
    const text = escapeLiteral(alt.replace(/\s+/g, ' ').trim() || 'image', { atLineStart: false }, ' ')
    context.state.atLineStart = false
    if (context.inLink) return text
    const url = safeHttpUrl(src)
    return url ? `[${text}](${url})` : text
  }

  /** Decoded plain text: references linked (outside link text), emoji shortcodes replaced, the rest escaped. */
  private plain(text: string, context: InlineContext): Piece {
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
