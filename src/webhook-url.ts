// A custom bot's hook URL (§7.1): reading the `webhook` input into the URL to post to, and the
// only forms of it that may be shown. The token in its path is a credential: nothing here ever
// puts the token into an error message. Pure; no I/O.

import { InputError } from './errors.js'

export const HOOK_PATH = '/open-apis/bot/v2/hook/'

/** What hook tokens are made of (Feishu's are UUIDs); anything else in a bare value is a mistake. */
const TOKEN = /^[A-Za-z0-9_-]+$/

/** http is only for loopback hosts (tests, local runs), as for `domain`. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * The URL to post to: a full hook URL as given (https, or http on loopback; the path ends in
 * /open-apis/bot/v2/hook/<token>, after an optional gateway prefix), or a bare token appended to
 * `baseUrl` (from `domain`). Errors name the host at most.
 */
export function resolveWebhookUrl(webhook: string, baseUrl: string): string {
  const value = webhook.trim()
  if (TOKEN.test(value)) return `${baseUrl}${HOOK_PATH}${value}`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      'webhook',
      `is neither a hook URL (https://open.feishu.cn${HOOK_PATH}<token>, copied from the bot's settings) nor a bare token`,
    )
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
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

/** The token of a URL resolveWebhookUrl returned. */
export function hookToken(webhookUrl: string): string {
  return webhookUrl.slice(webhookUrl.lastIndexOf(HOOK_PATH) + HOOK_PATH.length)
}

/** The part before /open-apis/bot/v2/hook/: the host (and gateway prefix) actually used. */
export function hookBase(webhookUrl: string): string {
  return webhookUrl.slice(0, webhookUrl.lastIndexOf(HOOK_PATH))
}

/** The hook URL as it may be shown: host and path, token hidden. */
export function shownHookUrl(webhookUrl: string): string {
  return `${hookBase(webhookUrl)}${HOOK_PATH}***`
}
