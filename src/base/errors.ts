// The one error hierarchy: every error the action raises on purpose is an ActionError, whose
// message is the whole line the user reads, with `cause` keeping what led to it (for the debug
// log, never shown by default). Anything else that reaches the top is a bug in the action, and is
// said so in one line. Pure.

/** A failure the action explains: input, Feishu, the runner's files, the GitHub API, a bound. */
export class ActionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ActionError'
  }
}

/** How the step reports a failure: the line to fail with, and for a bug its stack for the debug log. */
export function failureOf(error: unknown): { line: string; stack?: string } {
  if (error instanceof ActionError) return { line: error.message }
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const line = `internal error: ${what.split('\n')[0]} — please report it with this run's log`
  return error instanceof Error && error.stack ? { line, stack: error.stack } : { line }
}
