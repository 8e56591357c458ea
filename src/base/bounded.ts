// Echoes of text someone else wrote (an input, a server's answer) are cut to a bounded length
// before they reach a log line, an output, an error or the summary: a 100,000-character id or
// message must not come back 100,000 characters long. The one cut the action uses; pure.

/** Characters of an input repeated in an error or a log line, at most. */
export const MAX_INPUT_ECHO = 120

/**
 * `text` when it has at most `max` characters; else its start, never half a surrogate pair, and
 * `… (N more characters)`.
 */
export function bounded(text: string, max: number = MAX_INPUT_ECHO): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max).replace(/[\ud800-\udbff]$/, '')
  return `${cut}… (${text.length - cut.length} more characters)`
}
