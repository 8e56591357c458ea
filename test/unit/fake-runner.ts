// A Runner made of plain data, for testing modules and the whole run() at the src/ level: inputs
// read from an INPUT_* map the way @actions/core reads them, and everything the action tells the
// runner recorded in order.
import { redactSecrets, type Runner } from '../../src/base/runner.js'

export interface FakeRunner extends Runner {
  readonly log: string[]
  readonly secrets: string[]
  readonly outputs: Record<string, string>
  readonly warnings: string[]
  readonly notices: string[]
  readonly failures: string[]
  readonly summaries: string[]
  /** Every line the runner would show, masked as the runner masks it. */
  shown(): string
}

export function fakeRunner(
  env: Record<string, string | undefined>,
  options: { summaryFile?: boolean } = {},
): FakeRunner {
  const log: string[] = []
  const secrets: string[] = []
  const outputs: Record<string, string> = {}
  const warnings: string[] = []
  const notices: string[] = []
  const failures: string[] = []
  const summaries: string[] = []
  const getInput = (name: string): string => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
  return {
    log,
    secrets,
    outputs,
    warnings,
    notices,
    failures,
    summaries,
    getInput,
    getBooleanInput(name) {
      const value = getInput(name)
      if (['true', 'True', 'TRUE'].includes(value)) return true
      if (['false', 'False', 'FALSE'].includes(value)) return false
      throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`)
    },
    setSecret: (secret) => void secrets.push(secret),
    setOutput: (name, value) => void (outputs[name] = value),
    info: (message) => void log.push(message),
    debug: (message) => void log.push(`::debug::${message}`),
    notice: (message) => void (notices.push(message), log.push(`::notice::${message}`)),
    warning: (message) => void (warnings.push(message), log.push(`::warning::${message}`)),
    setFailed: (message) => void (failures.push(message), log.push(`::error::${message}`)),
    startGroup: (name) => void log.push(`::group::${name}`),
    endGroup: () => void log.push('::endgroup::'),
    appendSummary(markdown) {
      if (options.summaryFile === false) return Promise.resolve(false)
      summaries.push(markdown)
      return Promise.resolve(true)
    },
    redact: (text, options) => redactSecrets(text, secrets, options),
    shown() {
      const lines = [...log, ...Object.entries(outputs).map(([name, value]) => `${name}=${value}`), ...summaries]
      return redactSecrets(lines.join('\n'), secrets)
    },
  }
}
