// The preview's page: one self-contained HTML document with the card drawn in the middle, laid out
// like a card in a Feishu chat, any extra sections a caller adds under it (PreviewOptions.sections:
// the extension point for other parts of a dry run to show what they know), and a caption. It is an
// approximation of Feishu's layout, colours and markdown, not Feishu's renderer.
//
// The page makes no request and runs no script: CSS inline, images drawn as placeholders, and a
// Content-Security-Policy that forbids everything else (data: images only when a caller asks).
// Pure.

import { escapeHtml } from '../../base/html.js'
import { isPlainObject as isObject } from '../../base/objects.js'
import {
  asText,
  placeholder,
  plainOf,
  renderElements,
  renderHeader,
  type ComponentRenderer,
  type RenderContext,
} from './components.js'
import { cardElements, htmlLang, localizeCard, previewWords } from './localize.js'

/** The action's one name (action.yml `name`), in the page's title. */
const ACTION_NAME = 'Feishu Lark Card Courier'

/** A block under the card, for other parts of a dry run to show what they know (test results, attachments). */
export interface PreviewSection {
  /** Plain text; escaped here. */
  readonly title: string
  /** HTML, built by the caller with escapeHtml (base/html.ts) around every text it did not write itself. */
  readonly html: string
}

export interface PreviewOptions {
  /** A line under the card, e.g. where the card came from. */
  readonly caption?: string
  /** The reader's language, whose translations the card shows (`zh_cn`, `en_us`, `ja_jp`); default en_us. */
  readonly locale?: string
  /** Blocks drawn under the card, in order. */
  readonly sections?: readonly PreviewSection[]
  /** Components the caller draws itself, by tag (e.g. an image with a thumbnail); the built-in drawing for the rest. */
  readonly renderers?: Readonly<Record<string, ComponentRenderer>>
  /** Lets the page show images given inline as data: URLs (thumbnails of local files). Never a remote image. */
  readonly inlineImages?: boolean
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
.md-img{padding:0 4px;background:#f5f6f7;border-radius:4px;color:#8f959e;font-size:12px}
.img{padding:24px;text-align:center;background:#f5f6f7;border-radius:6px;color:#8f959e;font-size:12px}
.input{padding:4px 11px;border:1px solid #d0d3d6;border-radius:6px;color:#8f959e}
.panel{border:1px solid #dee0e3;border-radius:6px;padding:8px 12px}
.panel-title{cursor:pointer;list-style:none;display:flex;align-items:center;gap:4px}
.panel-title::-webkit-details-marker{display:none}
.panel-title::after{content:"";width:6px;height:6px;margin-left:4px;border-right:1.5px solid #646a73;border-bottom:1.5px solid #646a73;transform:rotate(45deg) translateY(-2px)}
.panel[open]>.panel-title{margin-bottom:8px}
.panel[open]>.panel-title::after{transform:rotate(-135deg) translateY(-1px)}
.unknown{padding:6px 10px;border:1px dashed #bbbfc4;border-radius:6px;color:#8f959e;font-size:12px}
.section{width:600px;max-width:100%;margin-top:12px;padding:12px 16px;background:#fff;border:1px solid #dee0e3;border-radius:8px}
.section-title{font-weight:600;margin-bottom:8px}
.caption{width:600px;max-width:100%;margin-top:12px;color:#8f959e;font-size:12px;line-height:18px}
`

/**
 * The card as a self-contained HTML page (no script, no request: CSS inline, images drawn as
 * placeholders). Anything that is not a card becomes a card that says so.
 */
export function renderCardPreview(card: unknown, options: PreviewOptions = {}): string {
  const locale = options.locale || 'en_us'
  const words = previewWords(locale)
  const context: RenderContext = { depth: 0, words, renderers: options.renderers ?? {} }
  const localized = localizeCard(card, locale)
  const root = isObject(localized) ? localized : {}
  const header = renderHeader(root.header, context)
  const body =
    root.type === 'template'
      ? placeholder(words.template(asText(isObject(root.data) ? root.data.template_id : '') || words.noTemplateId))
      : isObject(card)
        ? renderElements(cardElements(root, locale), context)
        : placeholder(words.notACard)
  const cardTitle = plainOf(isObject(root.header) ? root.header.title : undefined)
  const title = [cardTitle, words.cardPreview, ACTION_NAME].filter(Boolean).join(' · ')
  const config = isObject(root.config) ? root.config : {}
  const summary = plainOf(config.summary)
  const captions = [words.caption, summary ? words.chatList(summary) : '', options.caption ?? ''].filter(Boolean)
  const sections = (options.sections ?? [])
    .map(
      (section) =>
        `<div class="section"><div class="section-title">${escapeHtml(section.title)}</div>${section.html}</div>`,
    )
    .join('')
  const policy = `default-src 'none'; style-src 'unsafe-inline'${options.inlineImages ? '; img-src data:' : ''}`
  return `<!DOCTYPE html>
<html lang="${escapeHtml(htmlLang(locale))}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="card">${header}<div class="body"><div class="stack">${body}</div></div></div>
${sections}<div class="caption">${captions.map(escapeHtml).join('<br>')}</div>
</body>
</html>
`
}
