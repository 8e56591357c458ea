// What a server says, made fit to repeat in a log line, an output or the summary: control
// characters replaced (a line the runner would read as a command), long text capped. Pure.

/** Characters of server text (msg and the like) repeated in a log line, an output or the summary. */
export const MAX_ECHO = 500

export function capped(text: string, max: number): string {
  if (text.length <= max) return text
  // Never half a surrogate pair.
  const cut = text.slice(0, max).replace(/[\ud800-\udbff]$/, '')
  return `${cut}… (${text.length - cut.length} more characters)`
}

/** Server text goes into logs: control characters could start a line that the runner reads as a command. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
}
