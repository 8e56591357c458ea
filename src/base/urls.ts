// The one rule for the URLs the action talks to: http or https only, and https wherever a
// credential travels, except on a loopback host (tests, local runs, a fake server). Pure.

/** 127.x.x.x, localhost and [::1], as `URL.hostname` gives them. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/** An http: or https: URL; any other scheme (javascript:, file:, ftp:) is none of the action's. */
export function isWebUrl(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'http:'
}

/** Where a token or a message may be sent: https, or http on a loopback host only. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))
}
