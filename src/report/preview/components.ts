// The components of a card (1.0 and 2.0) as HTML blocks laid out like Feishu's: header, markdown,
// text, div with fields, buttons and action rows, column sets, collapsible panels, notes, tables,
// and placeholders for what the preview cannot draw (images, inputs, unknown tags). A component
// the page's caller knows better (PreviewOptions.renderers) is drawn by that caller instead.
//
// Every string from the card is escaped (base/html.ts) or goes through the markdown renderer;
// colours and sizes come from the palette only; buttons link http(s) URLs only. Pure.

import { escapeHtml } from '../../base/html.js'
import { isPlainObject as isObject } from '../../base/objects.js'
import { previewUrl } from './links.js'
import type { PreviewWords } from './localize.js'
import { renderInline, renderMarkdown } from './markdown.js'
import { headerTint, tagChip, textStyle } from './palette.js'

type Component = Readonly<Record<string, unknown>>

/**
 * Draws one component as HTML, or returns undefined to leave it to the built-in drawing. What it
 * returns goes into the page as it is: every text from the card must go through escapeHtml
 * (base/html.ts), and nothing may load from elsewhere (the page's CSP forbids it anyway).
 */
export type ComponentRenderer = (component: Component, context: RenderContext) => string | undefined

export interface RenderContext {
  /** How deep in the card this component is; past MAX_DEPTH a placeholder is drawn. */
  readonly depth: number
  /** The preview's own words, in the reader's language. */
  readonly words: PreviewWords
  /** Renderers by component tag, tried before the built-in drawing. */
  readonly renderers: Readonly<Record<string, ComponentRenderer>>
}

/** Deeper nesting than this is drawn as a placeholder: a preview must not recurse without end. */
const MAX_DEPTH = 16

/** A string, number or boolean as text; anything else is ''. */
export function asText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : ''
}

function deeper(context: RenderContext): RenderContext {
  return { ...context, depth: context.depth + 1 }
}

/** A translation table that localizeCard left without a pick (none for the locale, no content): its first words. */
function firstI18n(value: unknown): string {
  if (!isObject(value)) return ''
  return asText(value.zh_cn) || asText(value.en_us) || asText(Object.values(value).find((text) => asText(text)))
}

/** The words of a text object (its content, else its translations), or of a bare string. */
export function plainOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (!isObject(value)) return ''
  return asText(value.content) || firstI18n(value.i18n_content) || firstI18n(value.i18n)
}

/** A text object (`{tag: plain_text | lark_md | markdown, content}`), or a bare string, as inline HTML. */
function textObject(value: unknown, context: RenderContext): string {
  const content = plainOf(value)
  if (isObject(value) && (value.tag === 'lark_md' || value.tag === 'markdown'))
    return content
      .split(/\r?\n/)
      .map((line) => renderInline(line, context.depth))
      .join('<br>')
  return escapeHtml(content).replace(/\n/g, '<br>')
}

/** A note where the preview cannot draw something. */
export function placeholder(text: string): string {
  return `<div class="unknown">${escapeHtml(text)}</div>`
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

function renderButton(button: Component, context: RenderContext): string {
  const type = BUTTON_TYPES.has(asText(button.type)) ? asText(button.type) : 'default'
  const label = textObject(button.text, context) || escapeHtml(context.words.button)
  const width = button.width === 'fill' ? ' fill' : ''
  const url = buttonUrl(button)
  const classes = `btn btn-${type}${width}${button.disabled === true ? ' disabled' : ''}`
  return url
    ? `<a class="${classes}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`
    : `<span class="${classes}">${label}</span>`
}

/** A component in a row (an action module, a div's extra): a button as it is, anything else as a block. */
function rowItem(component: unknown, context: RenderContext): string {
  return isObject(component) && component.tag === 'button'
    ? (drawnByCaller(component, 'button', context) ?? renderButton(component, context))
    : renderComponent(component, context)
}

/** What PreviewOptions.renderers draws for this component, if anything. */
function drawnByCaller(component: Component, tag: string, context: RenderContext): string | undefined {
  return Object.hasOwn(context.renderers, tag) ? context.renderers[tag]?.(component, context) : undefined
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

/** One component as HTML; what is not a component (a string, null) is nothing. */
function renderComponent(component: unknown, context: RenderContext): string {
  if (!isObject(component)) return ''
  if (context.depth > MAX_DEPTH) return placeholder(context.words.tooDeep)
  const tag = asText(component.tag)
  return drawnByCaller(component, tag, context) ?? builtIn(component, tag, context)
}

function builtIn(component: Component, tag: string, context: RenderContext): string {
  switch (tag) {
    case 'markdown':
    case 'lark_md':
      return `<div class="md"${textStyle(component)}>${renderMarkdown(plainOf(component), context.depth)}</div>`
    case 'plain_text':
      return `<div class="text"${textStyle(component)}>${textObject(component, context)}</div>`
    case 'div':
      return renderDiv(component, context)
    case 'hr':
      return '<hr class="divider">'
    case 'button':
      return `<div class="actions">${renderButton(component, context)}</div>`
    case 'action': {
      const actions = Array.isArray(component.actions) ? component.actions : []
      return `<div class="actions">${actions.map((action) => rowItem(action, deeper(context))).join('')}</div>`
    }
    case 'column_set':
      return renderColumnSet(component, context)
    case 'column':
    case 'form':
    case 'interactive_container':
      return `<div class="stack">${renderElements(component.elements, deeper(context))}</div>`
    case 'collapsible_panel':
      return renderPanel(component, context)
    case 'note': {
      const parts = Array.isArray(component.elements) ? component.elements : []
      const shown = parts.map((part) =>
        isObject(part) && (part.tag === 'img' || part.tag === 'standard_icon')
          ? '<span class="note-icon"></span>'
          : `<span>${textObject(part, context)}</span>`,
      )
      return `<div class="note">${shown.join(' ')}</div>`
    }
    case 'img':
    case 'image': {
      const alt = plainOf(component.alt) || plainOf(component.title)
      return `<div class="img">${escapeHtml(context.words.image)}${alt ? `: ${escapeHtml(alt)}` : ''}</div>`
    }
    case 'person':
    case 'person_list': {
      const people = Array.isArray(component.persons) ? component.persons : [component]
      const who = (person: unknown) =>
        asText(isObject(person) ? (person.user_id ?? person.id) : '') || context.words.someone
      return `<div>${people.map((person) => `<span class="at">@${escapeHtml(who(person))}</span>`).join(' ')}</div>`
    }
    case 'table':
      return renderTableComponent(component, context)
    default:
      if (INPUT_LIKE.has(tag)) return `<div class="input">${escapeHtml(plainOf(component.placeholder) || tag)}</div>`
      return placeholder(context.words.notShown(tag || context.words.noTag))
  }
}

/**
 * A collapsible panel as Feishu draws it: the header's text (markdown drawn, not shown raw), open
 * only when the card says `expanded: true` (Feishu's default is closed). A <details> element, so
 * the page opens and closes it without a script.
 */
function renderPanel(component: Component, context: RenderContext): string {
  const header = isObject(component.header) ? component.header : {}
  const open = component.expanded === true ? ' open' : ''
  const title = textObject(header.title, context)
  return `<details class="panel"${open}><summary class="panel-title">${title}</summary><div class="stack">${renderElements(component.elements, deeper(context))}</div></details>`
}

function renderDiv(component: Component, context: RenderContext): string {
  const fields = Array.isArray(component.fields) ? component.fields : []
  const text =
    component.text === undefined
      ? ''
      : `<div class="text"${textStyle(isObject(component.text) ? component.text : {})}>${textObject(component.text, context)}</div>`
  const grid = fields.length
    ? `<div class="fields">${fields
        .map((field) =>
          isObject(field)
            ? `<div class="field${field.is_short === true ? ' short' : ''}">${textObject(field.text, context)}</div>`
            : '',
        )
        .join('')}</div>`
    : ''
  const extra = isObject(component.extra) ? `<div class="extra">${rowItem(component.extra, deeper(context))}</div>` : ''
  return `<div class="div${extra ? ' with-extra' : ''}"><div class="stack">${text}${grid}</div>${extra}</div>`
}

function renderColumnSet(component: Component, context: RenderContext): string {
  const columns = Array.isArray(component.columns) ? component.columns : []
  const background = component.background_style === 'grey' ? ' grey' : ''
  const html = columns
    .map((column) => {
      if (!isObject(column)) return ''
      const weight = Number(column.weight)
      const flex = column.width === 'weighted' && weight >= 1 && weight <= 5 ? `flex:${weight} 1 0` : 'flex:0 1 auto'
      return `<div class="column" style="${flex}"><div class="stack">${renderElements(column.elements, deeper(context))}</div></div>`
    })
    .join('')
  return `<div class="columns${background}">${html}</div>`
}

function renderTableComponent(component: Component, context: RenderContext): string {
  const columns = (Array.isArray(component.columns) ? component.columns : []).filter(isObject)
  const rows = (Array.isArray(component.rows) ? component.rows : []).filter(isObject)
  const head = columns.map((column) => `<th>${escapeHtml(asText(column.display_name) || asText(column.name))}</th>`)
  const cell = (row: Component, column: Component) => {
    const name = asText(column.name)
    return `<td>${renderInline(Object.hasOwn(row, name) ? asText(row[name]) : '', context.depth)}</td>`
  }
  const body = rows.map((row) => `<tr>${columns.map((column) => cell(row, column)).join('')}</tr>`)
  return `<div class="md"><table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`
}

/** A list of components (a card's body, a column's elements) as HTML, one after another. */
export function renderElements(elements: unknown, context: RenderContext): string {
  if (!Array.isArray(elements)) return ''
  return elements.map((element) => renderComponent(element, context)).join('')
}

/** The header: title, subtitle and up to three tags on the template's tint; nothing when all are empty. */
export function renderHeader(header: unknown, context: RenderContext): string {
  if (!isObject(header)) return ''
  const title = textObject(header.title, context)
  const subtitle = textObject(header.subtitle, context)
  const tags = (Array.isArray(header.text_tag_list) ? header.text_tag_list : [])
    .filter(isObject)
    .slice(0, 3)
    .map((tag) => tagChip(plainOf(tag.text), tag.color))
    .join('')
  if (!title && !subtitle && !tags) return ''
  const tint = headerTint(header.template)
  return `<div class="header${tint.plain ? ' plain' : ''}" style="background:linear-gradient(135deg,${tint.from},${tint.to})"><div class="title-row"><div class="title">${title}</div>${tags}</div>${subtitle ? `<div class="subtitle">${subtitle}</div>` : ''}</div>`
}
