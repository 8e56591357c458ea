// A picture of a card before anyone receives it: the card JSON the action sends (1.0 or 2.0) as one
// self-contained HTML page laid out like a card in a Feishu chat. A dry run writes it to a file and
// names the file in the log, so a workflow can upload it as an artifact; scripts/pictures.mjs
// screenshots it for the README. It is an approximation of Feishu's layout, colours and markdown
// subset, not Feishu's renderer.
//
// Card content comes from commit messages, pull request titles and release notes, which anyone who
// can push writes: every string is HTML-escaped on the way out, a link keeps its URL only when it is
// http(s), colours come from fixed tables, and the page forbids scripts through its CSP.
//
// Pure rendering, plus one file write for the dry run.

import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Environment as Env } from '../base/runner.js'

type Component = Record<string, unknown>

/** Deeper nesting than this is drawn as a placeholder: a preview must not recurse without end. */
const MAX_DEPTH = 16

function isObject(value: unknown): value is Component {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : ''
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text as HTML text or attribute value: nothing in it can open a tag or leave a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}

/** The URL when it is http(s), as the browser would normalise it; undefined for anything else. */
export function previewUrl(raw: unknown): string | undefined {
  const text = asText(raw).trim()
  // A control character or a space makes no sense in a link Feishu would open.
  if (!text || /[\s\p{Cc}]/u.test(text)) return undefined
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Colours, after Feishu's palette: a header template's light tint, a text tag's chip and a
// markdown <font color>. Values not in these tables are ignored, so no card text reaches CSS.

const HEADER_TINTS: Record<string, [string, string]> = {
  blue: ['#d6e4ff', '#eef3ff'],
  wathet: ['#cdeefb', '#ecf8fd'],
  turquoise: ['#c8f2ec', '#eafaf7'],
  green: ['#d0f0cb', '#ecf9ea'],
  yellow: ['#f8ebbd', '#fcf6e3'],
  orange: ['#fde2c3', '#fef3e6'],
  red: ['#fcd6d5', '#fef0ef'],
  carmine: ['#fbd3ea', '#fdeff7'],
  violet: ['#f4d5f4', '#fbeffb'],
  purple: ['#e3d5fd', '#f4effe'],
  indigo: ['#d6dcfc', '#eff1fe'],
  grey: ['#e4e6e9', '#f4f5f6'],
  default: ['#ffffff', '#ffffff'],
}

const TAG_COLORS: Record<string, [string, string]> = {
  neutral: ['#eff0f1', '#51565d'],
  blue: ['#e1eaff', '#245bdb'],
  wathet: ['#d9f3fd', '#037eaa'],
  turquoise: ['#d5f6f2', '#067c6c'],
  green: ['#d9f5d6', '#237b19'],
  lime: ['#eef6c6', '#667901'],
  yellow: ['#faf1d1', '#a16e00'],
  orange: ['#feead2', '#b85600'],
  red: ['#fde2e2', '#d83931'],
  carmine: ['#fdddef', '#c71077'],
  violet: ['#f8def8', '#a925a9'],
  purple: ['#ece2fe', '#6425d0'],
  indigo: ['#e0e3fc', '#3b45c4'],
}

const TEXT_COLORS: Record<string, string> = {
  default: '#1f2329',
  grey: '#8f959e',
  blue: '#245bdb',
  wathet: '#037eaa',
  turquoise: '#067c6c',
  green: '#2ea121',
  lime: '#667901',
  yellow: '#a16e00',
  orange: '#de7802',
  red: '#d83931',
  carmine: '#c71077',
  violet: '#a925a9',
  purple: '#6425d0',
  indigo: '#3b45c4',
}

/** Text and tag colours may be given as `red`, `red-500` or `red_500` in cards: the hue is what counts. */
function hue(value: unknown): string {
  return asText(value)
    .toLowerCase()
    .replace(/[-_]\d+$/, '')
}

function tagChip(text: string, color: unknown): string {
  const [background, foreground] = TAG_COLORS[hue(color)] ?? TAG_COLORS.neutral ?? ['#eff0f1', '#51565d']
  return `<span class="tag" style="background:${background};color:${foreground}">${escapeHtml(text)}</span>`
}

// ---------------------------------------------------------------------------------------------
// Card markdown: the subset Feishu documents for the markdown component (headings, lists, quotes,
// tables, code, emphasis, links, <at>, <font>, <text_tag>), with HTML entities decoded as text.

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/** An entity at the start of `text` (`&#91;`, `&#x5f;`, `&amp;`): the character and the length taken. */
function entityAt(text: string): [string, number] | undefined {
  const match = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));/.exec(text)
  if (!match) return undefined
  if (match[3] !== undefined) {
    const named = NAMED_ENTITIES[match[3].toLowerCase()]
    return named === undefined ? undefined : [named, match[0].length]
  }
  const code = match[1] !== undefined ? Number(match[1]) : parseInt(match[2] ?? '', 16)
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return ['\ufffd', match[0].length]
  return [String.fromCodePoint(code), match[0].length]
}

/** `name='value'` / `name="value"` / `name=value` attributes of a Feishu markdown tag. */
function tagAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const match of source.matchAll(/([a-zA-Z_]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g))
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? ''
  return attributes
}

function link(url: string | undefined, innerHtml: string): string {
  return url ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${innerHtml}</a>` : innerHtml
}

/** One paragraph's worth of inline markdown as HTML. */
export function renderInline(source: string, depth = 0, inLink = false): string {
  if (depth > MAX_DEPTH) return escapeHtml(source)
  let html = ''
  let i = 0
  // A bare URL is linked only where a word starts, as in Feishu.
  const wordStart = (at: number) => at === 0 || /[\s(（]/.test(source[at - 1] ?? '')
  while (i < source.length) {
    const rest = source.slice(i)
    const char = source[i] ?? ''

    if (char === '`') {
      const fence = /^`+/.exec(rest)?.[0] ?? '`'
      const end = rest.indexOf(fence, fence.length)
      if (end > 0) {
        html += `<code>${escapeHtml(rest.slice(fence.length, end))}</code>`
        i += end + fence.length
        continue
      }
    }
    if (char === '\\' && /^\\[!-/:-@[-`{-~]/.test(rest)) {
      html += escapeHtml(rest[1] ?? '')
      i += 2
      continue
    }
    if (char === '[') {
      const match = /^\[((?:[^\]\\]|\\.)*)\]\(\s*([^\s)]*)\s*\)/.exec(rest)
      if (match) {
        const url = previewUrl(decodeEntities(match[2] ?? ''))
        html += inLink
          ? renderInline(match[1] ?? '', depth + 1, true)
          : link(url, renderInline(match[1] ?? '', depth + 1, true))
        i += match[0].length
        continue
      }
    }
    if (char === '<') {
      const taken = inlineTag(rest, depth, inLink)
      if (taken) {
        html += taken[0]
        i += taken[1]
        continue
      }
    }
    const emphasis = /^(\*\*|~~|\*)(?=\S)([\s\S]*?\S)\1/.exec(rest)
    if (emphasis && (emphasis[1] !== '*' || rest[1] !== '*')) {
      const element = emphasis[1] === '**' ? 'strong' : emphasis[1] === '~~' ? 'del' : 'em'
      html += `<${element}>${renderInline(emphasis[2] ?? '', depth + 1, inLink)}</${element}>`
      i += emphasis[0].length
      continue
    }
    if (char === '&') {
      const entity = entityAt(rest)
      if (entity) {
        html += escapeHtml(entity[0])
        i += entity[1]
        continue
      }
    }
    if (char === 'h' && !inLink && wordStart(i)) {
      const bare = /^https?:\/\/[^\s<>()[\]"'`]+[^\s<>()[\]"'`.,;:!?。，]/.exec(rest)
      const url = bare && previewUrl(bare[0])
      if (bare && url) {
        html += link(url, escapeHtml(bare[0]))
        i += bare[0].length
        continue
      }
    }
    html += escapeHtml(char)
    i += 1
  }
  return html
}

function decodeEntities(text: string): string {
  return text.replace(/&[#a-zA-Z0-9]+;/g, (found) => entityAt(found)?.[0] ?? found)
}

/** Feishu's own tags inside markdown; anything else stays text. Returns the HTML and the length taken. */
function inlineTag(rest: string, depth: number, inLink: boolean): [string, number] | undefined {
  const br = /^<br\s*\/?>/i.exec(rest)
  if (br) return ['<br>', br[0].length]
  const at = /^<at\s+([^>]*)>([^<]*)<\/at>/i.exec(rest)
  if (at) {
    const attributes = tagAttributes(at[1] ?? '')
    const who = attributes.id ?? attributes.user_id ?? attributes.ids ?? attributes.email ?? at[2] ?? ''
    return [`<span class="at">@${escapeHtml(who)}</span>`, at[0].length]
  }
  const paired = /^<(a|font|text_tag|link)(\s[^>]*)?>([\s\S]*?)<\/\1>/i.exec(rest)
  if (!paired) return undefined
  const attributes = tagAttributes(paired[2] ?? '')
  const inner = paired[3] ?? ''
  const name = (paired[1] ?? '').toLowerCase()
  let html: string
  if (name === 'a' || name === 'link') {
    const url = previewUrl(decodeEntities(attributes.href ?? attributes.url ?? ''))
    const text = renderInline(inner || (url ?? ''), depth + 1, true)
    html = inLink ? text : link(url, text)
  } else if (name === 'font') {
    const color = TEXT_COLORS[hue(attributes.color)]
    html = color
      ? `<span style="color:${color}">${renderInline(inner, depth + 1, inLink)}</span>`
      : renderInline(inner, depth + 1, inLink)
  } else {
    html = tagChip(decodeEntities(inner), attributes.color)
  }
  return [html, paired[0].length]
}

interface ListItem {
  indent: number
  ordered: boolean
  start: number
  text: string
}

const LIST_ITEM = /^(\s*)([-*+]|(\d{1,9})[.)])\s+(.*)$/
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/

/** A markdown component's content as HTML blocks. */
export function renderMarkdown(source: string, depth = 0): string {
  if (depth > MAX_DEPTH) return `<p>${escapeHtml(source)}</p>`
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: string[] = []
  let paragraph: string[] = []
  const flush = () => {
    if (paragraph.length) blocks.push(`<p>${paragraph.map((line) => renderInline(line, depth)).join('<br>')}</p>`)
    paragraph = []
  }
  for (let i = 0; i < lines.length;) {
    const line = lines[i] ?? ''
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line)
    if (fence) {
      flush()
      const code: string[] = []
      i += 1
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(fence[1] ?? '```')) code.push(lines[i++] ?? '')
      i += 1
      blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`)
      continue
    }
    if (!line.trim()) {
      flush()
      i += 1
      continue
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line)
    if (heading) {
      flush()
      const level = heading[1]?.length ?? 1
      blocks.push(`<div class="h h${level}">${renderInline(heading[2] ?? '', depth)}</div>`)
      i += 1
      continue
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush()
      blocks.push('<hr>')
      i += 1
      continue
    }
    if (/^\s{0,3}>/.test(line)) {
      flush()
      const quoted: string[] = []
      while (i < lines.length && /^\s{0,3}>/.test(lines[i] ?? ''))
        quoted.push((lines[i++] ?? '').replace(/^\s{0,3}> ?/, ''))
      blocks.push(`<blockquote>${renderMarkdown(quoted.join('\n'), depth + 1)}</blockquote>`)
      continue
    }
    if (line.includes('|') && TABLE_DELIMITER.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('|')) {
      flush()
      const rows: string[] = [line]
      const delimiter = lines[i + 1] ?? ''
      i += 2
      while (i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim()) rows.push(lines[i++] ?? '')
      blocks.push(renderTable(rows, delimiter, depth))
      continue
    }
    if (LIST_ITEM.test(line)) {
      flush()
      const items: ListItem[] = []
      while (i < lines.length && (lines[i] ?? '').trim()) {
        const current = lines[i] ?? ''
        const match = LIST_ITEM.exec(current)
        const last = items[items.length - 1]
        if (match) {
          items.push({
            indent: (match[1] ?? '').replace(/\t/g, '    ').length,
            ordered: match[3] !== undefined,
            start: Number(match[3] ?? 1),
            text: match[4] ?? '',
          })
        } else if (last) {
          last.text += `\n${current.trim()}`
        }
        i += 1
      }
      blocks.push(renderList(items, depth))
      continue
    }
    paragraph.push(line.trim())
    i += 1
  }
  flush()
  return blocks.join('')
}

/** Items at the smallest indent are siblings; deeper ones belong to the item above them. */
function renderList(items: readonly ListItem[], depth: number): string {
  let html = ''
  let i = 0
  while (i < items.length) {
    const first = items[i]
    if (!first) break
    const level = first.indent
    const tag = first.ordered ? 'ol' : 'ul'
    html += first.ordered && first.start !== 1 ? `<ol start="${first.start}">` : `<${tag}>`
    while (i < items.length) {
      const item = items[i]
      if (!item || item.indent < level || item.ordered !== first.ordered) break
      const children: ListItem[] = []
      i += 1
      while (i < items.length && (items[i]?.indent ?? 0) > level) children.push(items[i++] as ListItem)
      html += `<li>${listItemContent(item.text, depth)}${children.length ? renderList(children, depth) : ''}</li>`
    }
    html += `</${tag}>`
  }
  return html
}

/** One line is inline text; lines under it (a quote, code, more text) are blocks of the item. */
function listItemContent(text: string, depth: number): string {
  if (!text.includes('\n')) return renderInline(text, depth)
  const html = renderMarkdown(text, depth + 1)
  const single = /^<p>((?:(?!<p>)[\s\S])*)<\/p>$/.exec(html)
  return single ? (single[1] ?? '') : html
}

function splitRow(row: string): string[] {
  const trimmed = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim())
}

function renderTable(rows: readonly string[], delimiter: string, depth: number): string {
  const aligns = splitRow(delimiter).map((cell) =>
    cell.startsWith(':') && cell.endsWith(':') ? 'center' : cell.endsWith(':') ? 'right' : 'left',
  )
  const cells = (row: string, element: 'th' | 'td') =>
    splitRow(row)
      .map(
        (cell, index) =>
          `<${element} style="text-align:${aligns[index] ?? 'left'}">${renderInline(cell, depth)}</${element}>`,
      )
      .join('')
  const [head = '', ...body] = rows
  return `<table><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${body.map((row) => `<tr>${cells(row, 'td')}</tr>`).join('')}</tbody></table>`
}

// ---------------------------------------------------------------------------------------------
// Components

/** A text object (`{tag: plain_text | lark_md, content}`), or a bare string, as HTML. */
function textObject(value: unknown, depth: number): string {
  const content = plainOf(value)
  return isObject(value) && value.tag === 'lark_md'
    ? renderInlineLines(content, depth)
    : escapeHtml(content).replace(/\n/g, '<br>')
}

function renderInlineLines(source: string, depth: number): string {
  return source
    .split(/\r?\n/)
    .map((line) => renderInline(line, depth))
    .join('<br>')
}

/** A translation table that localizeCard left without a pick (none for the locale, no content): its first words. */
function firstI18n(value: unknown): string {
  if (!isObject(value)) return ''
  return asText(value.zh_cn) || asText(value.en_us) || asText(Object.values(value).find((text) => asText(text)))
}

/** The words of a text object (its content, else its translations), or of a bare string. */
function plainOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (!isObject(value)) return ''
  return asText(value.content) || firstI18n(value.i18n_content) || firstI18n(value.i18n)
}

const TEXT_SIZES: Record<string, string> = {
  heading: 'font-size:18px;line-height:26px;font-weight:600',
  'heading-0': 'font-size:26px;line-height:34px;font-weight:600',
  'heading-1': 'font-size:22px;line-height:30px;font-weight:600',
  'heading-2': 'font-size:20px;line-height:28px;font-weight:600',
  'heading-3': 'font-size:18px;line-height:26px;font-weight:600',
  'heading-4': 'font-size:16px;line-height:24px;font-weight:600',
  notation: 'font-size:12px;line-height:18px;color:#646a73',
}

/** text_align, text_size and text_color of a text component, from fixed tables only. */
function textStyle(component: Component): string {
  const styles: string[] = []
  const align = asText(component.text_align)
  if (align === 'center' || align === 'right') styles.push(`text-align:${align}`)
  const size = TEXT_SIZES[asText(component.text_size)]
  if (size) styles.push(size)
  const color = TEXT_COLORS[hue(component.text_color)]
  if (color && hue(component.text_color) !== 'default') styles.push(`color:${color}`)
  return styles.length ? ` style="${styles.join(';')}"` : ''
}

/** A button's link: the open_url behaviour (2.0), else the legacy url / multi_url (1.0). */
function buttonUrl(button: Component): string | undefined {
  const behaviors = Array.isArray(button.behaviors) ? button.behaviors : []
  for (const behavior of behaviors) {
    if (isObject(behavior) && behavior.type === 'open_url') {
      const url = previewUrl(behavior.default_url) ?? previewUrl(behavior.pc_url)
      if (url) return url
    }
  }
  const multi = isObject(button.multi_url) ? button.multi_url : {}
  return previewUrl(button.url) ?? previewUrl(multi.url) ?? previewUrl(multi.pc_url)
}

const BUTTON_TYPES = new Set([
  'default',
  'primary',
  'danger',
  'text',
  'primary_text',
  'danger_text',
  'primary_filled',
  'danger_filled',
  'laser',
])

function renderButton(button: Component, depth: number): string {
  const type = BUTTON_TYPES.has(asText(button.type)) ? asText(button.type) : 'default'
  const label = textObject(button.text, depth) || 'Button'
  const width = button.width === 'fill' ? ' fill' : ''
  const url = buttonUrl(button)
  const classes = `btn btn-${type}${width}${button.disabled === true ? ' disabled' : ''}`
  return url
    ? `<a class="${classes}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`
    : `<span class="${classes}">${label}</span>`
}

/** A component in a row (an action module, a div's extra): a button as it is, anything else as a block. */
function rowItem(component: unknown, depth: number): string {
  return isObject(component) && component.tag === 'button'
    ? renderButton(component, depth)
    : renderComponent(component, depth)
}

function placeholder(text: string): string {
  return `<div class="unknown">${escapeHtml(text)}</div>`
}

const INPUT_LIKE = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'multi_select_person',
  'select_img',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'overflow',
  'checker',
])

function renderComponent(component: unknown, depth: number): string {
  if (!isObject(component)) return ''
  if (depth > MAX_DEPTH) return placeholder('… nested too deep to preview')
  const tag = asText(component.tag)
  switch (tag) {
    case 'markdown':
    case 'lark_md':
      return `<div class="md"${textStyle(component)}>${renderMarkdown(plainOf(component), depth)}</div>`
    case 'plain_text':
      return `<div class="text"${textStyle(component)}>${textObject(component, depth)}</div>`
    case 'div':
      return renderDiv(component, depth)
    case 'hr':
      return '<hr class="divider">'
    case 'button':
      return `<div class="actions">${renderButton(component, depth)}</div>`
    case 'action': {
      const actions = Array.isArray(component.actions) ? component.actions : []
      return `<div class="actions">${actions.map((action) => rowItem(action, depth + 1)).join('')}</div>`
    }
    case 'column_set':
      return renderColumnSet(component, depth)
    case 'column':
    case 'form':
    case 'interactive_container':
      return `<div class="stack">${renderElements(component.elements, depth + 1)}</div>`
    case 'collapsible_panel': {
      const header = isObject(component.header) ? component.header : {}
      return `<div class="panel"><div class="panel-title">${textObject(header.title, depth)} ▾</div><div class="stack">${renderElements(component.elements, depth + 1)}</div></div>`
    }
    case 'note': {
      const parts = Array.isArray(component.elements) ? component.elements : []
      const shown = parts.map((part) =>
        isObject(part) && (part.tag === 'img' || part.tag === 'standard_icon')
          ? '<span class="note-icon"></span>'
          : `<span>${textObject(part, depth)}</span>`,
      )
      return `<div class="note">${shown.join(' ')}</div>`
    }
    case 'img':
    case 'image': {
      const alt = plainOf(component.alt) || plainOf(component.title)
      return `<div class="img">Image${alt ? `: ${escapeHtml(alt)}` : ''}</div>`
    }
    case 'person':
    case 'person_list': {
      const people = Array.isArray(component.persons) ? component.persons : [component]
      return `<div>${people.map((person) => `<span class="at">@${escapeHtml(asText(isObject(person) ? (person.user_id ?? person.id) : '') || 'someone')}</span>`).join(' ')}</div>`
    }
    case 'table':
      return renderTableComponent(component, depth)
    default:
      if (INPUT_LIKE.has(tag)) return `<div class="input">${escapeHtml(plainOf(component.placeholder) || tag)}</div>`
      return placeholder(`Not shown in this preview: ${tag || 'a component without a tag'}`)
  }
}

function renderDiv(component: Component, depth: number): string {
  const fields = Array.isArray(component.fields) ? component.fields : []
  const text =
    component.text === undefined
      ? ''
      : `<div class="text"${textStyle(isObject(component.text) ? component.text : {})}>${textObject(component.text, depth)}</div>`
  const grid = fields.length
    ? `<div class="fields">${fields
        .map((field) =>
          isObject(field)
            ? `<div class="field${field.is_short === true ? ' short' : ''}">${textObject(field.text, depth)}</div>`
            : '',
        )
        .join('')}</div>`
    : ''
  const extra = isObject(component.extra) ? `<div class="extra">${rowItem(component.extra, depth + 1)}</div>` : ''
  return `<div class="div${extra ? ' with-extra' : ''}"><div class="stack">${text}${grid}</div>${extra}</div>`
}

function renderColumnSet(component: Component, depth: number): string {
  const columns = Array.isArray(component.columns) ? component.columns : []
  const background = component.background_style === 'grey' ? ' grey' : ''
  const html = columns
    .map((column) => {
      if (!isObject(column)) return ''
      const weight = Number(column.weight)
      const flex = column.width === 'weighted' && weight >= 1 && weight <= 5 ? `flex:${weight} 1 0` : 'flex:0 1 auto'
      return `<div class="column" style="${flex}"><div class="stack">${renderElements(column.elements, depth + 1)}</div></div>`
    })
    .join('')
  return `<div class="columns${background}">${html}</div>`
}

function renderTableComponent(component: Component, depth: number): string {
  const columns = (Array.isArray(component.columns) ? component.columns : []).filter(isObject)
  const rows = (Array.isArray(component.rows) ? component.rows : []).filter(isObject)
  const head = columns.map((column) => `<th>${escapeHtml(asText(column.display_name) || asText(column.name))}</th>`)
  const body = rows.map(
    (row) =>
      `<tr>${columns.map((column) => `<td>${renderInline(asText(row[asText(column.name)]), depth)}</td>`).join('')}</tr>`,
  )
  return `<div class="md"><table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`
}

function renderElements(elements: unknown, depth: number): string {
  if (!Array.isArray(elements)) return ''
  return elements.map((element) => renderComponent(element, depth)).join('')
}

function renderHeader(header: unknown): string {
  if (!isObject(header)) return ''
  const title = textObject(header.title, 0)
  const subtitle = textObject(header.subtitle, 0)
  const tags = (Array.isArray(header.text_tag_list) ? header.text_tag_list : [])
    .filter(isObject)
    .slice(0, 3)
    .map((tag) => tagChip(plainOf(tag.text), tag.color))
    .join('')
  if (!title && !subtitle && !tags) return ''
  const template = asText(header.template).toLowerCase()
  const [from, to] = HEADER_TINTS[template] ?? HEADER_TINTS.default ?? ['#ffffff', '#ffffff']
  const plain = from === '#ffffff' ? ' plain' : ''
  return `<div class="header${plain}" style="background:linear-gradient(135deg,${from},${to})"><div class="title-row"><div class="title">${title}</div>${tags}</div>${subtitle ? `<div class="subtitle">${subtitle}</div>` : ''}</div>`
}

/** The elements of a 2.0 card (body.elements) or a 1.0 card (elements, else i18n_elements in the locale). */
function cardElements(card: Component, locale: string): unknown {
  if (isObject(card.body)) return card.body.elements
  if (Array.isArray(card.elements)) return card.elements
  if (isObject(card.i18n_elements))
    return Object.hasOwn(card.i18n_elements, locale) && Array.isArray(card.i18n_elements[locale])
      ? card.i18n_elements[locale]
      : Object.values(card.i18n_elements).find(Array.isArray)
  return []
}

// ---------------------------------------------------------------------------------------------
// Translations: a card JSON 2.0 field carries its words per locale (`i18n_content` on a text
// object, `header.i18n_text_tag_list`, `config.summary.i18n_content`; `i18n` on a 1.0 text) and
// each reader's Feishu shows its own. The preview shows one locale, as one reader would see it.

/** How deep the translation walk goes; deeper parts are drawn as placeholders anyway. */
const MAX_JSON_DEPTH = 8 * MAX_DEPTH

/** `translations[locale]` when it is there, else `fallback`, else the first translation. */
function translated(translations: Component, locale: string, fallback: unknown): unknown {
  const own = Object.hasOwn(translations, locale) ? translations[locale] : undefined
  if (own !== undefined && own !== null && own !== '') return own
  if (fallback !== undefined && fallback !== null && fallback !== '') return fallback
  return Object.values(translations).find((value) => value !== undefined && value !== null && value !== '')
}

/**
 * The card as a reader in `locale` sees it: every text object's `content` replaced by its
 * translation (`i18n_content`, or a 1.0 text's `i18n`) and the header's tags taken from
 * `i18n_text_tag_list`, each falling back to what is there without a translation, then to the
 * first translation. A copy: the card itself is not changed.
 */
function localizeCard(card: unknown, locale: string): unknown {
  const walk = (node: unknown, depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) return node
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1))
    if (!isObject(node)) return node
    // fromEntries defines own properties: a `__proto__` key in the card stays a plain key.
    const copy: Component = Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, walk(value, depth + 1)] as const),
    )
    for (const key of ['i18n_content', 'i18n']) {
      const translations = node[key]
      if (isObject(translations)) {
        const words = translated(translations, locale, node.content)
        if (words !== undefined) copy.content = words
        break
      }
    }
    if (isObject(node.i18n_text_tag_list)) {
      const tags = translated(node.i18n_text_tag_list, locale, node.text_tag_list)
      if (tags !== undefined) copy.text_tag_list = walk(tags, depth + 1)
    }
    return copy
  }
  return walk(card, 0)
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:24px;background:#f2f3f5;color:#1f2329;font:14px/22px -apple-system,BlinkMacSystemFont,"Helvetica Neue","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans",Arial,sans-serif,"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji"}
.card{width:600px;max-width:100%;background:#fff;border:1px solid #dee0e3;border-radius:8px;overflow:hidden;box-shadow:0 2px 8px rgba(31,35,41,.06)}
.header{padding:12px 16px}
.header.plain{border-bottom:1px solid #eff0f1}
.title-row{display:flex;align-items:center;gap:6px;flex-wrap:wrap}
.title{font-size:16px;line-height:24px;font-weight:600;color:#1f2329;word-break:break-word}
.subtitle{margin-top:2px;font-size:12px;line-height:18px;color:#646a73}
.tag{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;line-height:20px;font-weight:500;white-space:nowrap}
.body{padding:12px 16px 16px}
.stack{display:flex;flex-direction:column;gap:12px;min-width:0}
.body>.stack{gap:12px}
.md p{margin:0 0 8px}
.md>:last-child,.md blockquote>:last-child,.md li>:last-child{margin-bottom:0}
.md .h{font-weight:600;margin:4px 0 8px}
.md .h1{font-size:24px;line-height:32px}.md .h2{font-size:20px;line-height:28px}.md .h3{font-size:18px;line-height:26px}
.md .h4{font-size:16px;line-height:24px}.md .h5{font-size:15px;line-height:22px}.md .h6{font-size:14px;line-height:22px}
.md ul,.md ol{margin:0 0 8px;padding-left:22px}
.md li{margin:2px 0}
.md blockquote{margin:0 0 8px;padding:0 0 0 10px;border-left:2px solid #bbbfc4;color:#646a73}
.md pre{margin:0 0 8px;padding:8px 12px;background:#f5f6f7;border-radius:6px;white-space:pre-wrap;word-break:break-all;font-size:12px;line-height:20px}
.md table{border-collapse:collapse;margin:0 0 8px;font-size:13px}
.md th,.md td{border:1px solid #dee0e3;padding:4px 8px}
.md th{background:#f5f6f7;font-weight:600}
code{font-family:Menlo,Consolas,"Liberation Mono","Noto Sans Mono CJK SC",monospace;font-size:12px}
p code,li code,td code,.text code{padding:1px 4px;background:#f2f3f5;border:1px solid #e4e5e7;border-radius:4px}
a{color:#245bdb;text-decoration:none}
.md hr,.divider{border:0;border-top:1px solid #dee0e3;margin:0}
.md hr{margin:0 0 8px}
.at{color:#245bdb}
.text{word-break:break-word}
.fields{display:flex;flex-wrap:wrap;gap:8px 16px}
.field{flex:1 1 100%}.field.short{flex:1 1 calc(50% - 8px)}
.div.with-extra{display:flex;gap:12px;align-items:flex-start}.div.with-extra>.stack{flex:1}
.columns{display:flex;gap:8px;align-items:flex-start}
.columns.grey{background:#f5f6f7;border-radius:6px;padding:8px}
.actions{display:flex;gap:8px;flex-wrap:wrap}
.btn{display:inline-flex;align-items:center;justify-content:center;height:32px;padding:0 12px;border-radius:6px;border:1px solid #d0d3d6;background:#fff;color:#1f2329;font-size:14px;white-space:nowrap}
.btn.fill{display:flex;width:100%}
.btn-primary{color:#245bdb;border-color:#245bdb}
.btn-danger{color:#d83931;border-color:#d83931}
.btn-text,.btn-primary_text,.btn-danger_text{border-color:transparent;padding:0 4px}
.btn-primary_text{color:#245bdb}.btn-danger_text{color:#d83931}
.btn-primary_filled{background:#3370ff;border-color:#3370ff;color:#fff}
.btn-danger_filled{background:#f54a45;border-color:#f54a45;color:#fff}
.btn-laser{background:linear-gradient(90deg,#e1eaff,#f8def8);border-color:#c4cffa}
.btn.disabled{opacity:.5}
.note{font-size:12px;line-height:18px;color:#646a73}
.note-icon{display:inline-block;width:14px;height:14px;border-radius:3px;background:#dee0e3;vertical-align:-2px}
.img{padding:24px;text-align:center;background:#f5f6f7;border-radius:6px;color:#8f959e;font-size:12px}
.input{padding:4px 11px;border:1px solid #d0d3d6;border-radius:6px;color:#8f959e}
.panel{border:1px solid #dee0e3;border-radius:6px;padding:8px 12px}
.panel-title{font-weight:600;margin-bottom:8px}
.unknown{padding:6px 10px;border:1px dashed #bbbfc4;border-radius:6px;color:#8f959e;font-size:12px}
.caption{width:600px;max-width:100%;margin-top:12px;color:#8f959e;font-size:12px;line-height:18px}
`

export interface PreviewOptions {
  /** A line under the card, e.g. where the card came from. */
  readonly caption?: string
  /** The reader's language, whose translations the card shows (`zh_cn`, `en_us`, `ja_jp`); default en_us. */
  readonly locale?: string
  /** Trusted HTML under the card (tests-section.ts: the test results, for a card that does not show them). */
  readonly appendix?: string
}

/** `zh_cn` as an HTML lang (`zh-CN`); anything else that is not a locale is English. */
function htmlLang(locale: string): string {
  const match = /^([a-z]{2})_([a-z]{2})$/i.exec(locale)
  return match ? `${(match[1] ?? '').toLowerCase()}-${(match[2] ?? '').toUpperCase()}` : 'en'
}

/**
 * The card as a self-contained HTML page (no script, no request: CSS inline, images drawn as
 * placeholders). Anything that is not a card becomes a card that says so.
 */
export function renderCardPreview(card: unknown, options: PreviewOptions = {}): string {
  const locale = options.locale || 'en_us'
  const localized = localizeCard(card, locale)
  const root = isObject(localized) ? localized : {}
  const isTemplate = root.type === 'template'
  const header = renderHeader(root.header)
  const body = isTemplate
    ? placeholder(
        `A card-builder template (${asText(isObject(root.data) ? root.data.template_id : '') || 'no id'}): Feishu fills it in, so there is no preview.`,
      )
    : isObject(card)
      ? renderElements(cardElements(root, locale), 0)
      : placeholder('Not a card: nothing to preview.')
  const title = plainOf(isObject(root.header) ? root.header.title : undefined) || 'Card preview'
  const config = isObject(root.config) ? root.config : {}
  const summary = plainOf(config.summary)
  const captions = [
    'Preview of the card JSON this step builds, drawn in the style of a Feishu card; Feishu draws the real one.',
    summary ? `Chat list shows: ${summary}` : '',
    options.caption ?? '',
  ].filter(Boolean)
  return `<!DOCTYPE html>
<html lang="${escapeHtml(htmlLang(locale))}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="card">${header}<div class="body"><div class="stack">${body}</div></div></div>
<div class="caption">${captions.map(escapeHtml).join('<br>')}</div>
${options.appendix ?? ''}
</body>
</html>
`
}

/**
 * Writes the page under RUNNER_TEMP (the OS temp directory outside a runner) and returns its path.
 * The name carries the step (GITHUB_ACTION) and never overwrites: several dry runs in one job each
 * keep their own file, for an upload-artifact step to pick up as `feishu-card-preview-*.html`.
 */
export function writeCardPreview(html: string, env: Env): string {
  const directory = env.RUNNER_TEMP || tmpdir()
  const step = (env.GITHUB_ACTION ?? '').replace(/[^\w.-]+/g, '_').slice(0, 60)
  const base = `feishu-card-preview${step ? `-${step}` : ''}`
  for (let attempt = 1; ; attempt += 1) {
    const path = join(directory, `${base}${attempt > 1 ? `-${attempt}` : ''}.html`)
    try {
      writeFileSync(path, html, { encoding: 'utf8', flag: 'wx' })
      return path
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 1000) throw error
    }
  }
}

/**
 * For a dry run: writes the preview of a card message and logs where it is; other message types
 * have no preview. A preview that cannot be written is logged, never fatal: it is only a picture.
 */
export function logCardPreview(
  message: { readonly msgType: string; readonly content: unknown },
  log: (line: string) => void,
  env: Env,
  appendix = '',
): void {
  if (message.msgType !== 'interactive') return
  try {
    log(
      `Card preview (HTML; upload it as an artifact to look at it): ${writeCardPreview(renderCardPreview(message.content, { appendix }), env)}`,
    )
  } catch (error) {
    log(`Card preview not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}
