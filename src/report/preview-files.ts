// The dry run's picture of a step's files in the card preview (issue 20): each `images` entry as an
// embedded thumbnail wherever the card uses its key, each attachment as a chip with its name and
// size under the card. The dry run registers them (report/attachments.ts) before the preview is
// drawn; a plain send registers nothing and this draws nothing. No I/O here.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)

interface PreviewFiles {
  /** image key (a dry run's stand-in) -> data: URL, or '' when too large to embed. */
  readonly images: ReadonlyMap<string, { readonly dataUrl: string; readonly label: string }>
  readonly chips: readonly { readonly name: string; readonly detail: string }[]
}

let registered: PreviewFiles = { images: new Map(), chips: [] }

export function registerPreviewFiles(files: PreviewFiles): void {
  registered = files
}

/** The thumbnail of the image `key` names, or undefined when no registered image has it. */
export function previewImage(key: unknown): string | undefined {
  const image = typeof key === 'string' ? registered.images.get(key) : undefined
  if (!image) return undefined
  if (!image.dataUrl) return `<div class="img">Image: ${escapeHtml(image.label)} (too large to embed)</div>`
  return `<div class="img"><img src="${escapeHtml(image.dataUrl)}" alt="${escapeHtml(image.label)}" style="max-width:100%;max-height:240px"></div>`
}

/** The attachments, one chip each, sent after the card; '' when there are none. */
export function previewChips(): string {
  if (registered.chips.length === 0) return ''
  const chips = registered.chips.map(
    (chip) =>
      `<span style="display:inline-block;margin:4px;padding:4px 10px;border:1px solid #dee0e3;border-radius:12px;font-size:12px">📎 ${escapeHtml(chip.name)} · ${escapeHtml(chip.detail)}</span>`,
  )
  return `<div class="caption">Sent after the card, one message each:<br>${chips.join('')}</div>`
}
