// The job summary's markdown, built so that text can never become markup: a `Markdown` value is
// made only by the `gfm` tag, whose literal parts (constants in the code) are markup and whose
// every interpolated string goes through `escapeText`, the one escaping of the summary; or by
// the few builders here (code spans, fenced code, links to http(s) URLs, Feishu markdown shown
// as its bold and links). A section of the summary is a list of Markdown values, so event or
// user text that reaches it has been through escapeText, whichever field it came from.
// Pure: no I/O.

let markup: (text: string) => Markdown

/** Markup for GitHub's markdown. Only this module makes one. */
export class Markdown {
  private constructor(readonly text: string) {}
  static {
    markup = (text) => new Markdown(text)
  }
  toString(): string {
    return this.text
  }
}

const WORD_JOINER = '\u2060'

/**
 * The one escaping of event and user text in the summary: GitHub shows it as the very text, on
 * one line: no HTML, entity, emphasis, code, link, image, table cell break, math, heading, list
 * or quote, no autolinked URL or e-mail address, no @mention (a word joiner after `@`, `:` of
 * `://` and `www`, which the reader does not see). Line breaks become spaces.
 */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ')
      // Indentation would make code: at most one space leads.
      .replace(/^\s+/, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Emphasis, code, links, images (also a `!` before a link built next to it), tables, math,
      // strikethrough, escapes: always literal.
      .replace(/[\\`*~[\]|$!]/g, '\\$&')
      // `_` makes emphasis only at a word's edge: inside snake_case it stays as it is.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
      // What opens a block at the start of a line: a heading, a list, a rule, a setext underline.
      .replace(/^(\s?)([#+=-])/, '$1\\$2')
      .replace(/^(\s?\d+)([.)])/, '$1\\$2')
      // GitHub links bare URLs, www. names, e-mail addresses and @mentions: the trigger is broken.
      .replace(/:(?=\/\/)/g, `:${WORD_JOINER}`)
      .replace(/\b(www)\./gi, `$1${WORD_JOINER}.`)
      .replace(/@(?=[\p{L}\p{N}_])/gu, `@${WORD_JOINER}`)
  )
}

type Value = string | number | Markdown

/** gfm`**${title}**`: the literal parts are markup; every string or number in it is escaped. */
export function gfm(strings: TemplateStringsArray, ...values: readonly Value[]): Markdown {
  // A template's literal parts are a frozen array the engine makes: not text from anywhere else.
  if (!Object.isFrozen(strings)) throw new TypeError('md: not a template literal')
  let out = strings[0] ?? ''
  values.forEach((value, index) => {
    out += (value instanceof Markdown ? value.text : escapeText(String(value))) + (strings[index + 1] ?? '')
  })
  return markup(out)
}

/** `text` as an inline code span: a fence longer than any run of backticks in it, one line, `|` escaped for tables. */
export function code(text: string): Markdown {
  const flat = text.replace(/[\r\n]+/g, ' ')
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  return markup(`${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`)
}

/** A fenced code block: shown verbatim; the fence is longer than any in the text, the language a plain word. */
function codeBlock(text: string, language = ''): Markdown {
  const longest = Math.max(2, ...(text.match(/^\s*(`{3,})/gm) ?? []).map((run) => run.trim().length))
  const fence = '`'.repeat(longest + 1 === 3 ? 3 : longest + 1)
  const lang = /^[\w+#.-]{1,20}$/.test(language) ? language : ''
  return markup(`${fence}${lang}\n${text.replace(/\n+$/, '')}\n${fence}`)
}

/** A link when `url` is http(s) (a button, a post link), its label escaped; else the label alone. */
export function link(label: string, url: string): Markdown {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return gfm`${label}`
  const target = url.replace(/[()<>"'`\\]/g, (char) => encodeURIComponent(char))
  return markup(`[${escapeText(label)}](${target})`)
}

/** Each line of a block prefixed with `> `. */
export function quote(block: Markdown): Markdown {
  return markup(
    block.text
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
  )
}

/** Joins markup with a separator that is itself markup. */
export function joinMarkdown(parts: readonly Markdown[], separator: Markdown = gfm`\n`): Markdown {
  return markup(parts.map((part) => part.text).join(separator.text))
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' }

/** HTML entities as the characters Feishu shows for them (the compose layer writes `[` as &#91;). */
function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi,
    (entity: string, dec?: string, hex?: string, name?: string) => {
      const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : undefined
      if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
      return ENTITIES[String(name).toLowerCase()] ?? entity
    },
  )
}

/** Feishu's mention tags (`<at id=ou_1></at>`, `<at user_id="all">`), as @id. */
const MENTION = /<at\s+(?:user_id|id|email)\s*=\s*["']?([^"'>\s]+)["']?\s*>[^<]*<\/at>/g
/** In Feishu markdown also `**bold**` and `[label](url)`. */
const MARKDOWN_TOKEN =
  /<at\s+(?:user_id|id|email)\s*=\s*["']?([^"'>\s]+)["']?\s*>[^<]*<\/at>|\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)/g

/**
 * Text someone wrote for Feishu, shown in the summary: every character literal, except Feishu
 * mentions (as @id) and, where Feishu reads markdown (`markdown: true`), **bold**, links to
 * http(s) URLs and fenced code blocks, rebuilt from escaped parts. Lines stay lines.
 */
export function feishuText(text: string, options: { markdown: boolean }): Markdown {
  const blocks: Markdown[] = []
  let paragraph: string[] = []
  const flush = (): void => {
    if (paragraph.length)
      blocks.push(
        joinMarkdown(
          paragraph.map((line) => inlineFeishu(line, options.markdown)),
          gfm`  \n`,
        ),
      )
    paragraph = []
  }
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!
    const fence = options.markdown ? /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line) : null
    if (fence) {
      flush()
      const body: string[] = []
      const closing = new RegExp(`^\\s*${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}\\s*$`)
      while (++index < lines.length && !closing.test(lines[index]!)) body.push(lines[index]!)
      blocks.push(codeBlock(body.join('\n'), fence[2]))
      continue
    }
    if (line.trim() === '') {
      flush()
      blocks.push(gfm``)
      continue
    }
    paragraph.push(line)
  }
  flush()
  return joinMarkdown(
    blocks.filter((block, index) => !(block.text === '' && (index === 0 || blocks[index - 1]!.text === ''))),
  )
}

function inlineFeishu(line: string, markdown: boolean): Markdown {
  const pattern = markdown ? MARKDOWN_TOKEN : MENTION
  const parts: Markdown[] = []
  let last = 0
  const plain = (text: string): Markdown => gfm`${markdown ? decodeEntities(text) : text}`
  for (const match of line.matchAll(new RegExp(pattern.source, 'g'))) {
    parts.push(plain(line.slice(last, match.index)))
    const [, mentioned, bold, label, url] = match
    if (mentioned !== undefined) parts.push(gfm`@${WORD_JOINER}${mentioned}`)
    else if (bold !== undefined) parts.push(gfm`**${decodeEntities(bold)}**`)
    else parts.push(link(decodeEntities(label ?? ''), decodeEntities(url ?? '')))
    last = match.index + match[0].length
  }
  parts.push(plain(line.slice(last)))
  return joinMarkdown(parts, gfm``)
}

/**
 * A long preview cut at the last line break before `max` characters, any code fence left open
 * closed (it would swallow the rest of the summary), and `… (preview cut)` after it.
 */
export function cutAtLine(block: Markdown, max: number): Markdown {
  if (block.text.length <= max) return block
  let text = block.text.slice(0, block.text.lastIndexOf('\n', max))
  const fences = text.match(/^\s*`{3,}/gm) ?? []
  if (fences.length % 2) text += `\n${fences.at(-1)!.trim()}`
  return markup(`${text}\n\n… (preview cut)`)
}
