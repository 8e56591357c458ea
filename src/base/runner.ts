// The runner's side of the contract as the modules see it: inputs, secrets, outputs, log lines,
// groups and the job summary. Modules take a Runner instead of importing @actions/core, so each
// can be tested with plain data; `actionsRunner` is the real one, on @actions/core.

import * as core from '@actions/core'
import { ActionError } from './errors.js'
import { MIN_SECRET_LENGTH, secretSpellings } from './secret-spellings.js'

/** The runner's environment: GITHUB_* variables, proxies, the workspace. */
export type Environment = Record<string, string | undefined>

export interface Runner {
  /** An input as the runner passes it (INPUT_<NAME>), trimmed; '' when not given. */
  getInput(name: string): string
  /** true/True/TRUE or false/False/FALSE; anything else throws. */
  getBooleanInput(name: string): boolean
  /** The runner replaces the value, in each of its spellings (secret-spellings.ts), with *** in every later line of the log. */
  setSecret(secret: string): void
  /** Throws an OutputFileError when the runner's output file cannot be written. */
  setOutput(name: string, value: string): void
  info(message: string): void
  /** Shown only when step debug logging is on. */
  debug(message: string): void
  notice(message: string): void
  warning(message: string): void
  /** Fails the step: exit code 1 and the message as an error annotation. */
  setFailed(message: string): void
  startGroup(name: string): void
  endGroup(): void
  /** Appends markdown to the job summary; false when the runner gave no summary file (a local run). */
  appendSummary(markdown: string): Promise<boolean>
  /**
   * `text` as the log would show it: every value given to setSecret replaced by ***. The runner
   * masks only the log; the job summary and files the action writes go through this first.
   */
  redact(text: string, options?: RedactOptions): string
}

export interface RedactOptions {
  /**
   * A secret shorter than this hides only a text that is nothing but the secret (a field that
   * holds it), not every place its characters occur: a one-letter "secret" would otherwise turn
   * every word with that letter into ***. Default 0: every secret everywhere, as the log.
   */
  readonly minLength?: number
}

/**
 * Replaces each secret, in every spelling of it (percent-encoded, JSON-escaped, base64:
 * secret-spellings.ts), with ***; longest first, so one containing another goes whole. Secrets
 * shorter than MIN_SECRET_LENGTH are left: hiding them would blank ordinary text; `minLength`
 * raises that floor (the card preview), where a shorter secret hides only a text that is exactly it.
 */
export function redactSecrets(text: string, secrets: readonly string[], options: RedactOptions = {}): string {
  const minLength = Math.max(options.minLength ?? 0, MIN_SECRET_LENGTH)
  if (options.minLength && secrets.some((secret) => secret.length < minLength && secret && text.trim() === secret))
    return '***'
  const spellings = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < minLength) continue
    for (const spelling of secretSpellings(secret)) spellings.add(spelling)
  }
  let redacted = text
  for (const spelling of [...spellings].sort((a, b) => b.length - a.length)) {
    if (redacted.includes(spelling)) redacted = redacted.split(spelling).join('***')
  }
  return redacted
}

/** Values handed to the runner's masking in this process. */
const masked: string[] = []

/** The runner's output file (GITHUB_OUTPUT) could not be written: read-only, missing, or a full disk. */
export class OutputFileError extends ActionError {
  constructor(name: string, cause: unknown) {
    const code = (cause as { code?: unknown } | undefined)?.code
    const reason = typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause)
    super(`the output \`${name}\` could not be written to the runner's output file, GITHUB_OUTPUT (${reason})`, {
      cause,
    })
    this.name = 'OutputFileError'
  }
}

export const actionsRunner: Runner = {
  getInput: (name) => core.getInput(name),
  getBooleanInput: (name) => core.getBooleanInput(name),
  setSecret(secret) {
    if (!secret) return
    if (!masked.includes(secret)) masked.push(secret)
    // The runner masks the log; each spelling a server could quote back is masked as well.
    for (const spelling of secretSpellings(secret)) core.setSecret(spelling)
  },
  setOutput(name, value) {
    // Outside a runner (a local run) there is no output file: the value is shown, not stored.
    if (!process.env.GITHUB_OUTPUT) return core.info(`${name}=${value}`)
    try {
      core.setOutput(name, value)
    } catch (error) {
      throw new OutputFileError(name, error)
    }
  },
  info: (message) => core.info(message),
  debug: (message) => core.debug(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
  setFailed: (message) => core.setFailed(message),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
  redact: (text, options) => redactSecrets(text, masked, options),
  async appendSummary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY) return false
    await core.summary.addRaw(markdown).write()
    return true
  },
}
