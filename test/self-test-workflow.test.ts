// The self-test workflow (.github/workflows/self-test.yml) played here as the Linux leg would run
// it: the fake server started by its script, each `uses: ./` step run through dist/index.js with
// the step's own `with:` (expressions filled from a table, so a new expression fails this test
// until it is added), then its check script. What only GitHub can show (Windows paths, macOS, the
// artifact upload) stays for the workflow itself.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { CONTEXT, runAction } from './run-action.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const workflow = load(readFileSync(join(root, '.github', 'workflows', 'self-test.yml'), 'utf8')) as any
const job = workflow.jobs['self-test']
const temp = mkdtempSync(join(tmpdir(), 'self-test-'))
const baseEnv = { ...process.env, RUNNER_TEMP: temp, RUNNER_OS: 'Linux' }

function server(command: 'start' | 'stop', githubOutput?: string): string {
  return execFileSync(process.execPath, [join(root, 'scripts', 'fake-feishu-server.mjs'), command], {
    env: { ...baseEnv, ...(githubOutput ? { GITHUB_OUTPUT: githubOutput } : {}) },
    encoding: 'utf8',
  })
}

afterAll(() => {
  server('stop')
})

describe('the self-test workflow, Linux leg', () => {
  type Step = { outputs: Record<string, string>; outcome: string }
  const steps: Record<string, Step> = {}

  it('every step passes and the check script agrees', async () => {
    expect(job['runs-on']).toBe('${{ matrix.os }}')
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest'])

    const githubOutput = join(temp, 'github_output')
    writeFileSync(githubOutput, '')
    server('start', githubOutput)
    const fakeOutputs = Object.fromEntries(
      readFileSync(githubOutput, 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
    steps.fake = { outputs: fakeOutputs, outcome: 'success' }
    expect(fakeOutputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const expressions: Record<string, () => string> = {
      "startsWith(matrix.os, 'windows') && '.github\\self-test\\card.yml' || '.github/self-test/card.yml'": () =>
        '.github/self-test/card.yml',
      'env.CARD_FILE': () => '.github/self-test/card.yml',
      'runner.os': () => 'Linux',
      'runner.temp': () => temp,
      'matrix.os': () => 'ubuntu-latest',
      'job.status': () => (Object.values(steps).every((step) => step.outcome === 'success') ? 'success' : 'failure'),
      'steps.fake.outputs.url': () => fakeOutputs.url ?? '',
      'steps.fake.outputs.state-url': () => fakeOutputs['state-url'] ?? '',
      'toJSON(steps)': () => JSON.stringify(steps),
    }
    const fill = (value: unknown): string =>
      String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
        const known = expressions[expression]
        if (!known) throw new Error(`self-test.yml uses \${{ ${expression} }}: teach this test its value`)
        return known()
      })
    const checkStep = job.steps.find((step: any) => step.run === 'node scripts/self-test-check.mjs')
    expect(checkStep).toBeDefined()

    for (const step of job.steps) {
      if (step.uses !== './') continue
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, fill(value)]))
      const run = await runAction({
        inputs,
        env: {
          GITHUB_WORKSPACE: root,
          RUNNER_TEMP: temp,
          RUNNER_OS: 'Linux',
          GITHUB_ACTION: step.id,
          GITHUB_WORKFLOW: workflow.name,
        },
      })
      steps[step.id] = { outputs: run.outputs, outcome: run.exitCode === 0 ? 'success' : 'failure' }
      expect(run.exitCode, `${step.id}: ${run.stdout}${run.stderr}`).toBe(0)
    }
    expect(Object.keys(steps)).toEqual(['fake', 'dry-run', 'text', 'card-file', 'build-card'])

    const checkEnv = Object.fromEntries(Object.entries(checkStep.env).map(([name, value]) => [name, fill(value)]))
    const check = (stepsJson: string) =>
      spawnSync(process.execPath, [join(root, 'scripts', 'self-test-check.mjs')], {
        env: { ...baseEnv, ...checkEnv, STEPS: stepsJson, GITHUB_RUN_ID: CONTEXT.GITHUB_RUN_ID },
        encoding: 'utf8',
      })
    const passed = check(checkEnv.STEPS ?? '')
    expect(passed.stdout).toContain('all checks passed')
    expect(passed.stdout).not.toContain('FAIL')
    expect(passed.status).toBe(0)

    // The check bites: an output that lies about delivery fails it.
    const lying = JSON.parse(checkEnv.STEPS ?? '{}')
    lying['card-file'].outputs['message-id'] = 'om_never_sent'
    lying.text.outputs.results = '[]'
    const failed = check(JSON.stringify(lying))
    expect(failed.status).toBe(1)
    expect(failed.stdout).toContain('FAIL card-file: the stored card has the file’s title')
    expect(failed.stdout).toContain('FAIL text: results has 2 entries')
  })

  it('the card file has CRLF line endings, as a Windows checkout gives them', () => {
    expect(readFileSync(join(root, '.github', 'self-test', 'card.yml'), 'utf8')).toMatch(/^schema: "2\.0"\r\n/m)
  })
})
