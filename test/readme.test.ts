import { spawnSync } from 'node:child_process'
// The README's inputs and outputs tables are what users read; keep them equal to action.yml. Every
// `yaml` block is parsed, and every step or input fragment in it is run through the action's input
// rules and composed in a dry run, so a recipe that users paste works.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { splitList } from '../src/inputs/receivers.js'
import { run } from '../src/main.js'
import { makeJob, makeRun, startFakeGithub } from './fake-github.mjs'
import { examplePayload, eventEnv } from './github-events.mjs'
import { actionYml, CONTEXT, inputEnv } from './run-action.mjs'
import { fakeRunner } from './unit/fake-runner.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

function tableAfter(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| input |') && !line.startsWith('| output |'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
}

describe('README', () => {
  it('lists every input of action.yml, in order, with its default', () => {
    const rows = tableAfter('Inputs').map(([name, defaultValue]) => [name, defaultValue === '""' ? '' : defaultValue])
    expect(rows).toEqual(Object.entries(actionYml.inputs).map(([name, spec]) => [name, spec.default ?? '']))
  })

  it('has the tables scripts/readme-tables.mjs writes from action.yml', () => {
    const check = spawnSync(process.execPath, ['scripts/readme-tables.mjs', '--check'], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    })
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
  })

  it('lists every output of action.yml, in order', () => {
    expect(tableAfter('Outputs').map(([name]) => name)).toEqual(Object.keys(actionYml.outputs))
  })

  it('gives the two commands a newcomer runs, and CI runs the first', () => {
    expect(readme).toContain('npm ci && npm run check')
    expect(readme).toContain('npm run demo')
    expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/npm ci[^\n]*\nnpm run check/)
  })
})

/** Every ```yaml block of the README, its common indentation removed, with the line it starts on. */
function yamlBlocks(): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = []
  for (const match of readme.matchAll(/^( *)```yaml\n([\s\S]*?)\n\1```$/gm)) {
    const lines = (match[2] ?? '').split('\n')
    const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length))
    blocks.push({
      line: readme.slice(0, match.index).split('\n').length,
      text: lines.map((line) => line.slice(indent)).join('\n'),
    })
  }
  return blocks
}

/**
 * What GitHub pastes for each `${{ }}` expression the README uses, the way a real run would: an
 * expression not listed here fails the test, so a new recipe says what it expects.
 */
const HOSTILE_COMMIT = 'Fix: "quoted", a colon\nrun_url: https://evil.example\n<at id=all></at>'
const EXPRESSIONS: [RegExp, string][] = [
  [/^secrets\.FEISHU_APP_ID$/, 'cli_a1b2c3d4e5f60708'],
  [/^secrets\.FEISHU_APP_SECRET$/, 'readme-app-secret'],
  [/^secrets\.FEISHU_WEBHOOK$/, 'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-readme-token'],
  [/^secrets\.FEISHU_WEBHOOK_SECRET$/, 'readme-webhook-secret'],
  [/^job\.status$/, 'failure'],
  [/^job\.status == 'failure' && '(ou_\w+)' \|\| ''$/, 'ou_oncall'],
  [/^(steps|needs)\.[\w-]+\.outputs\.message-id$/, 'om_dc13264520392913993dd051dba21dcf'],
  [/^toJSON\(github\.event\.head_commit\.message\)$/, JSON.stringify(HOSTILE_COMMIT)],
  [/^vars\.FEISHU_USERS$/, '{octocat: ou_octocat, hubot: ou_hubot}'],
]

/**
 * The GitHub API a recipe's run reads (the build card's jobs, the previous run): a fake on
 * loopback with this run in progress, its jobs, and a failed run before it, so a recipe with
 * `on-success: change` still sends (Fixed) and nothing warns.
 */
let github: Awaited<ReturnType<typeof startFakeGithub>>
beforeAll(async () => {
  github = await startFakeGithub()
  const runId = Number(CONTEXT.GITHUB_RUN_ID)
  // Under each repository the recorded events name.
  for (const repo of [CONTEXT.GITHUB_REPOSITORY, 'Codertocat/Hello-World']) {
    github.repos[repo] = {
      runs: [
        makeRun({ repo, id: runId, runNumber: 77, status: 'in_progress', conclusion: null }),
        makeRun({ repo, id: runId - 1, runNumber: 76, conclusion: 'failure' }),
      ],
      jobs: {
        [`${runId}/1`]: [
          makeJob({ repo, runId, name: 'build' }),
          makeJob({ repo, runId, name: 'notify', status: 'in_progress', runnerName: 'readme-runner' }),
        ],
      },
    }
  }
})
afterAll(() => github.close())

function expand(value: string): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const known = EXPRESSIONS.find(([pattern]) => pattern.test(expression))
    if (!known) throw new Error(`the README uses \${{ ${expression} }}: give it a value in EXPRESSIONS`)
    return known[1]
  })
}

const ACTION_USES = '<owner>/<repo>@v1'
type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Every step of a parsed block that uses this action, wherever it sits (a step list, a job, a workflow). */
function actionSteps(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(actionSteps)
  if (!isObject(value)) return []
  if (value.uses === ACTION_USES) return [value]
  return Object.values(value).flatMap(actionSteps)
}

/** The events a block's workflow runs on; a block without `on:` is tried on the usual ones. */
function eventsOf(parsed: unknown): string[] {
  const on = isObject(parsed) ? parsed.on : undefined
  if (typeof on === 'string') return [on]
  if (Array.isArray(on)) return on.map(String)
  if (isObject(on)) return Object.keys(on)
  return ['push', 'pull_request', 'release']
}

const PAYLOADS: Record<string, () => unknown> = {
  push: () => JSON.parse(readFileSync(new URL('./fixtures/push-event.json', import.meta.url), 'utf8')),
  pull_request: () => examplePayload('pull_request', 'opened'),
  release: () => examplePayload('release', 'published'),
}

/** One step in a dry run, in-process: the inputs as the runner passes them, on a recorded event. */
async function dryRun(inputs: Record<string, string>, event: string) {
  const payloadOf = PAYLOADS[event]
  if (!payloadOf) throw new Error(`no recorded payload for the README's \`on: ${event}\``)
  const payload = payloadOf()
  const workspace = mkdtempSync(join(tmpdir(), 'readme-recipe-'))
  writeFileSync(join(workspace, 'event.json'), JSON.stringify(payload))
  const env = {
    ...CONTEXT,
    ...eventEnv(event, payload),
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: join(workspace, 'event.json'),
    GITHUB_API_URL: github.url,
    RUNNER_NAME: 'readme-runner',
    // The action.yml default, ${{ github.token }}, as GitHub fills it in.
    ...inputEnv({ 'github-token': 'ghs_read', ...inputs, 'dry-run': 'true' }),
  }
  const runner = fakeRunner(env)
  await run(env, runner)
  return runner
}

/** A step's `with:` as GitHub hands it over: every value a string, every expression filled in. */
function stepInputs(step: Json): Record<string, string> {
  const given = isObject(step.with) ? step.with : {}
  return Object.fromEntries(
    Object.entries(given).map(([name, value]) => [
      name,
      expand(value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value)),
    ]),
  )
}

/** A fragment of inputs completed into a step: a sender, and a chat when it names no target. */
function completed(fragment: Json): Record<string, string> {
  const inputs = stepInputs({ with: fragment })
  const targeted = ['chat-id', 'receive-id', 'update-message-id', 'reply-to', 'webhook'].some((name) => name in inputs)
  const sender: Record<string, string> =
    'webhook' in inputs ? {} : { 'app-id': 'cli_a1b2c3d4e5f60708', 'app-secret': 'readme-app-secret' }
  const receiver: Record<string, string> = targeted ? {} : { 'chat-id': 'oc_readme' }
  return { ...sender, ...receiver, ...inputs }
}

describe('README recipes', () => {
  const blocks = yamlBlocks()

  it('finds every yaml block', () => {
    expect(blocks.length).toBe(readme.split('\n').filter((line) => line.trim() === '```yaml').length)
    expect(blocks.length).toBeGreaterThan(10)
  })

  it.each(blocks)('the block at README.md line $line is valid YAML', ({ text }) => {
    expect(() => load(text)).not.toThrow()
  })

  it.each(blocks)('the block at README.md line $line passes the input rules in a dry run', async ({ text }) => {
    const parsed = load(text)
    const steps = actionSteps(parsed)
    // A step whose `with:` is elided (`{ ... }`) only shows where the id comes from.
    const runnable = steps.filter((step) => !(isObject(step.with) && '...' in step.with))
    const cases = steps.length ? runnable.map(stepInputs) : isObject(parsed) ? [completed(parsed)] : []
    if (!steps.length) expect(cases, 'a block without a step is a fragment of inputs').toHaveLength(1)
    for (const inputs of cases) {
      for (const event of eventsOf(parsed)) {
        const runner = await dryRun(inputs, event)
        const where = `${JSON.stringify(inputs)} on ${event}`
        expect(runner.failures, where).toEqual([])
        expect(runner.warnings, where).toEqual([])
        const results = JSON.parse(runner.outputs.results ?? '[]') as { error: string }[]
        expect(results.length, where).toBeGreaterThan(0)
        for (const result of results) expect(result.error, where).toBe('dry run: not sent')
      }
    }
  })

  it('states one rule for separating receivers, the one the action follows', () => {
    const rule = 'separated by newlines, commas, spaces or semicolons'
    for (const name of ['chat-id', 'receive-id', 'mention']) {
      expect(actionYml.inputs[name]?.description, `action.yml ${name}`).toContain(rule)
      const row = tableAfter('Inputs').find(([input]) => input === name)
      expect(row?.[2], `README ${name}`).toContain(rule)
    }
    expect(readme).toContain('Receivers may be separated by newlines, commas, spaces or semicolons (full-width')
    expect(splitList('oc_a\noc_b,oc_c oc_d;oc_e\uff0coc_f\uff1boc_g')).toEqual([
      'oc_a',
      'oc_b',
      'oc_c',
      'oc_d',
      'oc_e',
      'oc_f',
      'oc_g',
    ])
  })
})
