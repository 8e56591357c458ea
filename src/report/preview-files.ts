// The dry run's picture of a step's files in the card preview: each `images` entry as an embedded
// thumbnail wherever the card uses its key, each attachment as a chip with its name and size under
// the card. The dry run registers them (report/attachments.ts) before the preview is drawn; a plain
// send registers nothing and this adds nothing to the page. No I/O here.

import { escapeHtml } from '../base/html.js'
import type { PreviewOptions } from './preview/page.js'

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
function previewImage(key: unknown): string | undefined {
  const image = typeof key === 'string' ? registered.images.get(key) : undefined
  if (!image) return undefined
  if (!image.dataUrl) return `<div class="img">Image: ${escapeHtml(image.label)} (too large to embed)</div>`
  return `<div class="img"><img src="${escapeHtml(image.dataUrl)}" alt="${escapeHtml(image.label)}" style="max-width:100%;max-height:240px"></div>`
}

/** What the registered files add to the preview page: thumbnails for `img` components, a section of chips. */
export function previewFilesPage(): Pick<PreviewOptions, 'sections' | 'renderers' | 'inlineImages'> {
  if (registered.images.size === 0 && registered.chips.length === 0) return {}
  const drawImage = (component: Record<string, unknown>): string | undefined => previewImage(component.img_key)
  const chips = registered.chips.map(
    (chip) =>
      `<span style="display:inline-block;margin:4px;padding:4px 10px;border:1px solid #dee0e3;border-radius:12px;font-size:12px">📎 ${escapeHtml(chip.name)} · ${escapeHtml(chip.detail)}</span>`,
  )
  return {
    inlineImages: registered.images.size > 0,
    renderers: { img: drawImage, image: drawImage },
    sections: chips.length ? [{ title: 'Sent after the card, one message each', html: chips.join('') }] : [],
  }
}
