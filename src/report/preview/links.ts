// The only links the preview draws: http(s) URLs as the browser would normalise them, opening in a
// new tab without a referrer. Anything else (javascript:, data:, file:, a relative path) is shown
// as its text, never as a link. Pure.

import { escapeHtml } from '../../base/html.js'

/** The URL when it is http(s), as the browser would normalise it; undefined for anything else. */
export function previewUrl(raw: unknown): string | undefined {
  const text = typeof raw === 'string' ? raw.trim() : ''
  // A control character or a space makes no sense in a link Feishu would open.
  if (!text || /[\s\p{Cc}]/u.test(text)) return undefined
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

/** `innerHtml` as a link to `url`, or as it is when there is no URL. */
export function linkHtml(url: string | undefined, innerHtml: string): string {
  return url ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${innerHtml}</a>` : innerHtml
}
