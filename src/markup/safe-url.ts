// The project's markup library, part two: the only URLs that become links in a message. Pure.

import { isWebUrl } from '../base/urls.js'
import { decodeEntities } from './entities.js'

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
  if (!isWebUrl(url)) return undefined
  return url.href
    .replace(/[()[\]<>"'`|\\\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/&(?=#|lt|gt|amp|quot|apos)/gi, '%26')
}
