// Colours and sizes, after Feishu's palette: a header template's light tint, a text tag's chip, a
// markdown <font color> and a text component's size. Values not in these tables are ignored, so no
// card text ever reaches CSS. Pure.

import { escapeHtml } from '../../base/html.js'

type Component = Readonly<Record<string, unknown>>

const HEADER_TINTS: Readonly<Record<string, readonly [string, string]>> = {
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
}

const PLAIN_HEADER = ['#ffffff', '#ffffff'] as const

const TAG_COLORS: Readonly<Record<string, readonly [string, string]>> = {
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

const NEUTRAL_TAG = ['#eff0f1', '#51565d'] as const

const TEXT_COLORS: Readonly<Record<string, string>> = {
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

const TEXT_SIZES: Readonly<Record<string, string>> = {
  heading: 'font-size:18px;line-height:26px;font-weight:600',
  'heading-0': 'font-size:26px;line-height:34px;font-weight:600',
  'heading-1': 'font-size:22px;line-height:30px;font-weight:600',
  'heading-2': 'font-size:20px;line-height:28px;font-weight:600',
  'heading-3': 'font-size:18px;line-height:26px;font-weight:600',
  'heading-4': 'font-size:16px;line-height:24px;font-weight:600',
  notation: 'font-size:12px;line-height:18px;color:#646a73',
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** Text and tag colours may be given as `red`, `red-500` or `red_500` in cards: the hue is what counts. */
function hue(value: unknown): string {
  return asText(value)
    .toLowerCase()
    .replace(/[-_]\d+$/, '')
}

/** The CSS colour of a `<font color>` or `text_color` in the palette, else undefined. */
export function textColor(value: unknown): string | undefined {
  return Object.hasOwn(TEXT_COLORS, hue(value)) ? TEXT_COLORS[hue(value)] : undefined
}

/** The header's gradient from its template; an unknown or missing one is a plain white header. */
export function headerTint(template: unknown): { readonly from: string; readonly to: string; readonly plain: boolean } {
  const name = asText(template).toLowerCase()
  const [from, to] = (Object.hasOwn(HEADER_TINTS, name) ? HEADER_TINTS[name] : undefined) ?? PLAIN_HEADER
  return { from, to, plain: from === PLAIN_HEADER[0] }
}

/** A text tag as a coloured chip; an unknown colour is neutral. */
export function tagChip(text: string, color: unknown): string {
  const [background, foreground] =
    (Object.hasOwn(TAG_COLORS, hue(color)) ? TAG_COLORS[hue(color)] : undefined) ?? NEUTRAL_TAG
  return `<span class="tag" style="background:${background};color:${foreground}">${escapeHtml(text)}</span>`
}

/** text_align, text_size and text_color of a text component, as a style attribute, from the tables only. */
export function textStyle(component: Component): string {
  const styles: string[] = []
  const align = asText(component.text_align)
  if (align === 'center' || align === 'right') styles.push(`text-align:${align}`)
  const size = asText(component.text_size)
  if (Object.hasOwn(TEXT_SIZES, size)) styles.push(TEXT_SIZES[size] ?? '')
  const color = textColor(component.text_color)
  if (color && hue(component.text_color) !== 'default') styles.push(`color:${color}`)
  return styles.length ? ` style="${styles.join(';')}"` : ''
}
