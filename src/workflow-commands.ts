// The runner's side of the contract, and nothing else: inputs from INPUT_* variables, outputs and
// the job summary through the files the runner names (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), and
// workflow commands on stdout (::add-mask::, ::debug::, ::warning::, ...), as GitHub documents
// them ("Workflow commands for GitHub Actions"). The same functions, with the same behaviour, as
// @actions/core, which this replaces because its entry point imports @actions/http-client and
// with it all of undici: 45 ms of every cold start on Node 24, for an OIDC client this action
// never uses (BENCHMARKS.md). test/unit/workflow-commands.test.ts holds the two side by side.

import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

type Env = Record<string, string | undefined>

/** An input as the runner passes it: INPUT_<NAME>, spaces as underscores, trimmed. */
export function getInput(name: string, env: Env = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** true/True/TRUE or false/False/FALSE (the YAML 1.2 core schema's booleans); anything else throws. */
export function getBooleanInput(name: string, env: Env = process.env): boolean {
  const value = getInput(name, env)
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new TypeError(
    `Input does not meet YAML 1.2 "Core Schema" specification: ${name}\nSupport boolean input list: \`true | True | TRUE | false | False | FALSE\``,
  )
}

/** A command's message: %, CR and LF escaped, so a value can never start a line of its own. */
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function issue(command: string, message = ''): void {
  process.stdout.write(`::${command}::${escapeData(message)}${EOL}`)
}

/** The runner replaces the value with *** in every later line of the log. */
export function setSecret(secret: string): void {
  issue('add-mask', secret)
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

/** Shown only when step debug logging is on; the runner filters, so it is always written. */
export function debug(message: string): void {
  issue('debug', message)
}

export function notice(message: string): void {
  issue('notice', message)
}

export function warning(message: string): void {
  issue('warning', message)
}

export function error(message: string): void {
  issue('error', message)
}

/** Fails the step: exit code 1 and the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

export function startGroup(name: string): void {
  issue('group', name)
}

export function endGroup(): void {
  issue('endgroup')
}

/**
 * `name<<delimiter` blocks appended to GITHUB_OUTPUT, with a delimiter that occurs in neither
 * the name nor the value, so a value (a JSON array, a multi-line text) cannot forge an output.
 */
export function setOutput(name: string, value: string, env: Env = process.env): void {
  const file = env.GITHUB_OUTPUT
  if (!file) {
    // Outside a runner (a local run): shown, not stored.
    info(`${name}=${value}`)
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Unexpected input: the value of ${name} contains the delimiter`)
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

/** Appends markdown to the job summary; false when the runner gave no summary file (a local run). */
export async function appendSummary(markdown: string, env: Env = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY
  if (!file) return false
  await appendFile(file, markdown, 'utf8')
  return true
}
