// Reads the `webhook` input (§7.1): a full hook URL or a bare token, into the URL to post to. The
// token in its path is a credential: nothing here ever puts it into an error message. Pure.

import { isSecureOrLoopback } from '../base/urls.js'
import { HOOK_PATH } from '../feishu/hook-url.js'
import { InputError } from './errors.js'

/** What hook tokens are made of (Feishu's are UUIDs); anything else in a bare value is a mistake. */
const TOKEN = /^[A-Za-z0-9_-]+$/

/**
 * The URL to post to: a full hook URL as given (https, or http on loopback; the path ends in
 * /open-apis/bot/v2/hook/<token>, after an optional gateway prefix), or a bare token appended to
 * `baseUrl` (from `domain`). Errors name the host at most.
 */
export function resolveWebhookUrl(webhook: string, baseUrl: string): string {
  const value = webhook.trim()
  if (TOKEN.test(value)) return `${baseUrl}${HOOK_PATH}${value}`
  // URL parsing silently drops tabs and newlines: a token broken by a line break would be posted,
  // rewritten, to a different hook. Refused, without showing where (the token is a secret).
  if (/[\s\p{Cc}\p{Cf}]/u.test(value))
    throw new InputError(
      'webhook',
      'contains a space, tab, newline or invisible character (a line break pasted into the secret?); store the hook URL again, on one line',
    )
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      'webhook',
      `is neither a hook URL (https://open.feishu.cn${HOOK_PATH}<token>, copied from the bot's settings) nor a bare token`,
    )
  }
  if (!isSecureOrLoopback(url)) {
    throw new InputError(
      'webhook',
      `must be an https:// URL (http is only accepted for loopback hosts), not ${url.protocol}//${url.host}`,
    )
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      'webhook',
      'must be the hook URL as Feishu shows it, without a user, password, ?query or #fragment',
    )
  }
  // One trailing slash, as a copy from a browser's address bar may add, is not part of the token.
  const token = /^(?:\/[^/]+)*\/open-apis\/bot\/v2\/hook\/([^/]+)\/?$/.exec(url.pathname)?.[1]
  if (token === undefined || !TOKEN.test(token)) {
    throw new InputError(
      'webhook',
      `is a URL on ${url.host}, but not a custom bot hook: its path must be ${HOOK_PATH}<token>`,
    )
  }
  return `${url.origin}${url.pathname.replace(/\/$/, '')}`
}

/** The token segment of whatever the `webhook` input holds, if any: it must be masked even when the input is malformed. */
export function hookTokenIn(webhook: string): string {
  return /\/hook\/([^/?#\s]+)/.exec(webhook)?.[1] ?? ''
}
