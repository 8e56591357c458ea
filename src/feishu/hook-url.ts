// A custom bot's hook URL (§7.1), once the inputs layer has checked it: its token, its host, and the
// only form of it that may be shown. The token in its path is a credential. Pure; no I/O.

export const HOOK_PATH = '/open-apis/bot/v2/hook/'

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
