// The project's markup library, part one: making text that someone else wrote safe to put in any
// Feishu field. neutralizeMarkup for every field (no Feishu tag or mention can form), and
// escapeCardMarkdown / escapeLiteral for fields Feishu reads as markdown (card markdown, lark_md,
// post md nodes), where markdown syntax must stay literal too. Pure: no I/O, no imports.
//
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

export interface LineState {
  atLineStart: boolean
}

/**
 * Literal text into card markdown: neutralized, markdown characters as entities, and at the start
 * of a line whatever would open a heading, quote, list or indented code block. Newlines become
 * `newline` (a line break followed by the container's continuation, or a space in a table cell).
 */
export function escapeLiteral(text: string, state: LineState, newline: string): string {
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

/** Untrusted plain text (a commit message line, a PR title, a branch name) to place inside card markdown: neutralized, and markdown syntax characters made literal so it cannot turn into links, headings, lists etc. */
export function escapeCardMarkdown(text: string): string {
  const state: LineState = { atLineStart: true }
  return escapeLiteral(text, state, '\n')
}
