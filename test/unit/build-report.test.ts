// The build report at the src/ level: run() in-process against the fake Feishu and the fake
// GitHub API on loopback. The jobs and the previous run come from the fake's REST answers; every
// on-success / on-failure setting against a previous success, a previous failure and no previous
// run; status auto; a restricted token, a failing API and a hung one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { run } from '../../src/main.js'
import { startFakeFeishu } from '../fake-feishu.mjs'
import { makeJob, makeRun, startFakeGithub } from '../fake-github.mjs'
import { CONTEXT, inputEnv } from '../run-action.mjs'
import { fakeRunner } from './fake-runner.js'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
let feishu: Fake
let github: Awaited<ReturnType<typeof startFakeGithub>>
const REPO = 'octo-org/octo-repo'
const RUN_ID = Number(CONTEXT.GITHUB_RUN_ID)

beforeAll(async () => {
  feishu = await startFakeFeishu()
  github = await startFakeGithub()
})
afterAll(async () => {
  await feishu.close()
  await github.close()
})
beforeEach(() => {
  feishu.reset()
  github.requests.length = 0
})

/** This run (#77, running, with the notify job on runner-notify) and optionally the one before it. */
function setRepo(previous: 'success' | 'failure' | null, jobs = defaultJobs()): void {
  const runs = [
    makeRun({
      id: RUN_ID,
      runNumber: 77,
      status: 'in_progress',
      conclusion: null,
      startedAt: new Date(Date.now() - 252_000).toISOString(),
    }),
  ]
  if (previous) runs.push(makeRun({ id: RUN_ID - 50, runNumber: 76, conclusion: previous }))
  // A newer run that already finished is not "the previous one".
  runs.push(makeRun({ id: RUN_ID + 50, runNumber: 78, conclusion: 'cancelled' }))
  github.repos[REPO] = { runs, jobs: { [`${RUN_ID}/1`]: jobs } }
}

function defaultJobs(conclusion: 'success' | 'failure' = 'success') {
  return [
    makeJob({ runId: RUN_ID, name: 'build', seconds: 95 }),
    makeJob({ runId: RUN_ID, name: 'test', conclusion, failAt: conclusion === 'failure' ? 'Run tests' : undefined }),
    makeJob({ runId: RUN_ID, name: 'notify', status: 'in_progress', runnerName: 'runner-notify' }),
  ]
}

async function step(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const all = {
    ...CONTEXT,
    GITHUB_API_URL: github.url,
    RUNNER_NAME: 'runner-notify',
    ...inputEnv({
      'app-id': 'cli_test',
      'app-secret': 'test-secret',
      domain: feishu.url,
      'chat-id': 'oc_1',
      'github-token': 'ghs_read',
      ...inputs,
    }),
    ...env,
  }
  const runner = fakeRunner(all)
  await run(all, runner)
  return runner
}

const card = (): any => feishu.messages[0]!.parsedContent
const tags = (value: any): string[] =>
  (value.header.i18n_text_tag_list?.en_us ?? value.header.text_tag_list ?? []).map((tag: any) => tag.text.content)

describe('on-success / on-failure against the previous run', () => {
  // [setting, status, previous, sent, tag]
  const cases: [string, 'success' | 'failure' | 'cancelled', 'success' | 'failure' | null, boolean, string][] = [
    ['on-success: always', 'success', 'success', true, 'Success'],
    ['on-success: always', 'success', 'failure', true, 'Fixed'],
    ['on-success: always', 'success', null, true, 'Success'],
    ['on-success: change', 'success', 'success', false, ''],
    ['on-success: change', 'success', 'failure', true, 'Fixed'],
    ['on-success: change', 'success', null, true, 'Success'],
    ['on-success: never', 'success', 'success', false, ''],
    ['on-success: never', 'success', 'failure', false, ''],
    ['on-success: never', 'success', null, false, ''],
    ['on-failure: always', 'failure', 'success', true, 'Broken'],
    ['on-failure: always', 'failure', 'failure', true, 'Still failing'],
    ['on-failure: always', 'failure', null, true, 'Failure'],
    ['on-failure: change', 'failure', 'success', true, 'Broken'],
    ['on-failure: change', 'failure', 'failure', false, ''],
    ['on-failure: change', 'failure', null, true, 'Failure'],
    ['on-failure: change', 'cancelled', 'success', true, 'Cancelled'],
    ['on-failure: change', 'cancelled', 'failure', false, ''],
    ['on-failure: never', 'failure', 'success', false, ''],
    ['on-failure: never', 'failure', 'failure', false, ''],
    ['on-failure: never', 'cancelled', null, false, ''],
  ]
  it.each(cases)('%s, status %s, previous %s: sent %s, tag %j', async (setting, status, previous, sent, tag) => {
    setRepo(previous)
    const [name, value] = setting.split(': ') as [string, string]
    const runner = await step({ status, [name]: value })
    expect(runner.failures).toEqual([])
    expect(runner.warnings).toEqual([])
    expect(runner.outputs.skipped).toBe(sent ? 'false' : 'true')
    expect(feishu.messages).toHaveLength(sent ? 1 : 0)
    if (sent) expect(tags(card())).toEqual([tag])
    else {
      expect(runner.log.filter((line) => line.startsWith('Not sending:'))).toHaveLength(1)
      expect(runner.outputs['message-id']).toBeUndefined()
      expect(runner.summaries.join('')).toContain('⏭️ Not sending')
    }
  })

  it('a change setting with a text message reads the run and the previous run, not the jobs, and fills the variables', async () => {
    setRepo('failure')
    const runner = await step({
      status: 'success',
      'on-success': 'change',
      text: '${status_change} after ${previous_status}; took ${duration}',
    })
    expect(runner.failures).toEqual([])
    expect(feishu.messages[0]!.parsedContent.text).toMatch(/^fixed after failure; took 4m 1\ds$/)
    expect(github.requests.map((request) => request.path)).toEqual([
      `/repos/${REPO}/actions/runs/${RUN_ID}`,
      `/repos/${REPO}/actions/workflows/161335/runs`,
    ])
    expect(github.requests[1]!.query).toMatchObject({ branch: 'main', status: 'completed' })
  })

  it("${failed_jobs} names the failed jobs, never this step's own", async () => {
    setRepo('success', [
      ...defaultJobs('failure'),
      makeJob({ runId: RUN_ID, name: 'lint <at id=all></at>', conclusion: 'timed_out' }),
    ])
    const runner = await step({ status: 'failure', text: 'failed: ${failed_jobs} (${status_change})' })
    expect(runner.failures).toEqual([])
    const text = feishu.messages[0]!.parsedContent.text as string
    expect(text.startsWith('failed: test, lint ')).toBe(true)
    expect(text.endsWith(' (broken)')).toBe(true)
    expect(text).not.toContain('<at id=all>')
  })

  it('a plain text without such variables asks the API nothing', async () => {
    setRepo('failure')
    const runner = await step({ status: 'success', text: 'hi' })
    expect(runner.failures).toEqual([])
    expect(github.requests).toEqual([])
  })
})

describe('status: auto', () => {
  it.each([
    ['a failed job', 'failure', 'red', 'CI failed'],
    ['a cancelled job', 'cancelled', 'grey', 'CI was cancelled'],
    ['a job still running', '', 'blue', 'CI is in progress'],
    ['all passed', 'success', 'green', 'CI succeeded'],
  ])('%s: %j', async (what, status, color, title) => {
    const jobs = [makeJob({ runId: RUN_ID, name: 'build' })]
    if (status === 'failure')
      jobs.push(makeJob({ runId: RUN_ID, name: 'test', conclusion: 'failure', failAt: 'Run tests' }))
    if (status === 'cancelled') jobs.push(makeJob({ runId: RUN_ID, name: 'deploy', conclusion: 'cancelled' }))
    // A failure wins over a job still running; a job still running keeps the run in progress.
    jobs.push(makeJob({ runId: RUN_ID, name: 'lint', status: status === 'success' ? 'completed' : 'in_progress' }))
    jobs.push(makeJob({ runId: RUN_ID, name: 'notify', status: 'in_progress', runnerName: 'runner-notify' }))
    setRepo(null, jobs)
    const runner = await step({ status: 'auto' }, { GITHUB_WORKFLOW: 'CI' })
    expect(runner.failures).toEqual([])
    expect(card().header.template).toBe(color)
    expect(card().header.title.content).toBe(title)
  })

  it('with a restricted token: one warning naming actions: read, the card is sent in progress', async () => {
    setRepo(null)
    const runner = await step({ status: 'auto', 'github-token': 'ghs_none' })
    expect(runner.failures).toEqual([])
    expect(runner.warnings).toHaveLength(1)
    expect(runner.warnings[0]).toContain('HTTP 403')
    expect(runner.warnings[0]).toContain('permissions: actions: read')
    expect(feishu.messages).toHaveLength(1)
    expect(JSON.stringify(card())).not.toContain('**Jobs**')
  })
})

describe('the GitHub API failing', () => {
  it('a private repository answers a restricted token 404: one warning naming actions: read', async () => {
    setRepo(null)
    github.repos[REPO] = { ...github.repos[REPO], private: true }
    const runner = await step({ status: 'failure', 'github-token': 'ghs_none' })
    expect(runner.failures).toEqual([])
    expect(runner.warnings).toEqual([expect.stringContaining('HTTP 404')])
    expect(runner.warnings[0]).toContain('permissions: actions: read')
    expect(feishu.messages).toHaveLength(1)
  })

  it('a failing API (HTTP 503): one warning, the card without jobs, exit 0', async () => {
    const down = await startFakeGithub({ status: 503 })
    try {
      const runner = await step({ status: 'failure' }, { GITHUB_API_URL: down.url })
      expect(runner.failures).toEqual([])
      expect(runner.warnings).toHaveLength(1)
      expect(runner.warnings[0]).toContain('HTTP 503')
      expect(feishu.messages).toHaveLength(1)
    } finally {
      await down.close()
    }
  })

  it('a hung API delays the step by one timeout at most', async () => {
    const hung = await startFakeGithub({ hang: true })
    try {
      const started = Date.now()
      const runner = await step({ status: 'failure', timeout: '1' }, { GITHUB_API_URL: hung.url })
      expect(Date.now() - started).toBeLessThan(3000)
      expect(runner.warnings).toEqual([expect.stringContaining('did not answer within 1 s')])
      expect(feishu.messages).toHaveLength(1)
    } finally {
      await hung.close()
    }
  })

  it('an answer over 8 MB is a warning, not a heap full', async () => {
    const huge = await startFakeGithub({ padBytes: 9 * 1024 * 1024, repos: github.repos })
    try {
      setRepo(null)
      const runner = await step({ status: 'failure' }, { GITHUB_API_URL: huge.url })
      expect(runner.failures).toEqual([])
      expect(runner.warnings).toEqual([expect.stringContaining("GitHub's API sent an answer over 8 MB")])
      expect(feishu.messages).toHaveLength(1)
    } finally {
      await huge.close()
    }
  })

  it('the token never shows, and a bad token says so', async () => {
    setRepo(null)
    const runner = await step({ status: 'failure', 'github-token': 'ghs_bogus' })
    expect(runner.secrets).toContain('ghs_bogus')
    expect(runner.warnings[0]).toContain('HTTP 401')
    expect(runner.shown()).not.toContain('ghs_bogus')
    expect(github.requests[0]!.authorization).toBe('token ghs_bogus')
  })

  it('an http GITHUB_API_URL off loopback is refused before any request', async () => {
    setRepo(null)
    const runner = await step({ status: 'failure' }, { GITHUB_API_URL: 'http://api.example.com' })
    expect(runner.warnings).toEqual([expect.stringContaining('must be an https URL')])
    expect(feishu.messages).toHaveLength(1)
  })
})

describe('inputs', () => {
  it.each([
    ['on-success', 'sometimes', 'Input `on-success`: "sometimes" is not always, change or never'],
    ['on-failure', 'yes', 'Input `on-failure`: "yes" is not always, change or never'],
    ['language', 'fr_fr', 'Input `language`: "fr_fr" is not auto, zh_cn, en_us or ja_jp'],
    ['status', 'done', 'Input `status`: "done" is not a job status'],
  ])('%s: %j fails before any request', async (name, value, message) => {
    const runner = await step({ [name]: value, status: name === 'status' ? value : 'success' })
    expect(runner.failures).toHaveLength(1)
    expect(runner.failures[0]).toContain(message)
    expect(github.requests).toEqual([])
    expect(feishu.requests).toEqual([])
  })
})
