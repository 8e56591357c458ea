// End to end through dist/index.js on the fake servers: a failing build with JUnit reports gives a
// card naming the failed tests; `on-failure: change` after a workflow_dispatch success sends
// "Broken"; a pull request's run ignores a newer push run on its branch and on the base branch.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { makeJob, makeRun, startFakeGithub } from './fake-github.mjs'
import { eventEnv, examplePayload } from './github-events.mjs'
import { CONTEXT, RUNTIMES, runAction } from './run-action.mjs'

const REPO = CONTEXT.GITHUB_REPOSITORY
const RUN_ID = Number(CONTEXT.GITHUB_RUN_ID)
const FIXTURES = fileURLToPath(new URL('./fixtures/junit/', import.meta.url))
const reports = Object.fromEntries(
  ['surefire-TEST-com.example.CartTest.xml', 'jest-junit.xml', 'go-junit-report.xml', 'truncated.xml'].map((name) => [
    name,
    readFileSync(FIXTURES + name, 'utf8'),
  ]),
)

const now = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString()

describe('test-results through dist/index.js', () => {
  const bin = RUNTIMES[0]!.bin
  let feishu: Awaited<ReturnType<typeof startFakeFeishu>>
  let github: Awaited<ReturnType<typeof startFakeGithub>>
  beforeAll(async () => {
    feishu = await startFakeFeishu()
    github = await startFakeGithub({ repos: {} })
  })
  afterAll(async () => {
    await feishu.close()
    await github.close()
  })
  beforeEach(() => {
    feishu.messages.length = 0
    github.requests.length = 0
  })

  const run = (inputs: Record<string, string>, event?: { name: string; payload: any }) =>
    runAction({
      node: bin,
      files: reports,
      ...(event ? { event } : {}),
      env: {
        GITHUB_API_URL: github.url,
        RUNNER_NAME: 'runner-7',
        GITHUB_WORKFLOW: 'CI',
        ...(event ? eventEnv(event.name, event.payload) : {}),
      },
      inputs: {
        'app-id': 'cli_test',
        'app-secret': 'test-secret',
        domain: feishu.url,
        'chat-id': 'oc_1',
        'github-token': 'ghs_read',
        ...inputs,
      },
    })
  const english = (element: any): string => element.i18n_content?.en_us ?? element.content ?? ''
  const cardText = () => (feishu.messages[0]!.parsedContent.body.elements as any[]).map(english).join('\n')
  const tags = () =>
    feishu.messages[0]!.parsedContent.header.i18n_text_tag_list.en_us.map((tag: any) => tag.text.content)

  it('a failing build with reports: the card names the failed tests; status auto fails on them alone', async () => {
    github.repos[REPO] = {
      runs: [makeRun({ id: RUN_ID, runNumber: 77, status: 'in_progress', conclusion: null, startedAt: now(3) })],
      jobs: { [`${RUN_ID}/1`]: [makeJob({ runId: RUN_ID, name: 'test' })] },
    }
    const result = await run({
      status: 'auto',
      'test-results': '**/*.xml\n!go-*.xml\nmissing.xml',
    })
    expect(result.exitCode).toBe(0)
    const text = cardText()
    expect(text).toContain('**Tests:** 5 passed · 2 failed · 2 skipped · 1 flaky')
    expect(text).toContain('**Failed tests**')
    expect(text).toContain('appliesDiscount')
    expect(text).toContain('formatPrice handles negative amounts')
    expect(text).not.toContain('TestTotal')
    expect(feishu.messages[0]!.parsedContent.header.template).toBe('red')
    expect(result.stdout).toMatch(/::warning::Test report truncated\.xml not counted: .*truncated/)
    expect(result.stdout).toContain('missing.xml does not exist')
    expect(result.summary).toContain('| Failed test | Suite | Where | Message |')
  })

  it('variables in a text message', async () => {
    const result = await run({
      text: '${tests_failed} of ${tests_total} failed:\n${failed_tests}',
      'test-results': 'go-junit-report.xml',
    })
    expect(result.exitCode).toBe(0)
    expect(feishu.messages[0]!.parsedContent.text).toBe(
      '1 of 4 failed:\n- github.com/acme/shop/cart › TestTotal/with_tax',
    )
  })

  it('on-failure: change after a workflow_dispatch success sends Broken', async () => {
    github.repos[REPO] = {
      runs: [
        makeRun({ id: RUN_ID, runNumber: 80, status: 'in_progress', conclusion: null, startedAt: now(2) }),
        makeRun({
          id: RUN_ID - 1,
          runNumber: 79,
          event: 'workflow_dispatch',
          conclusion: 'success',
          startedAt: now(30),
        }),
        makeRun({ id: RUN_ID - 2, runNumber: 78, event: 'push', conclusion: 'failure', startedAt: now(60) }),
      ],
      jobs: { [`${RUN_ID}/1`]: [makeJob({ runId: RUN_ID, name: 'test' })] },
    }
    const result = await run({ status: 'failure', 'on-failure': 'change' })
    expect(result.exitCode).toBe(0)
    expect(tags()).toContain('Broken')
    const list = github.requests.find((request) => request.path.endsWith('/runs') && request.query.status)
    expect(list?.query).toMatchObject({ branch: 'main', status: 'completed' })
    expect(list?.query.event).toBeUndefined()
  })

  it("a pull request's run ignores newer push runs: it compares with its own last run", async () => {
    const payload = examplePayload('pull_request')
    const head = payload.pull_request.head
    const repo = payload.repository.full_name
    const headRepo = head.repo?.full_name ?? repo
    github.repos[repo] = {
      runs: [
        makeRun({
          id: RUN_ID,
          runNumber: 90,
          event: 'pull_request',
          branch: head.ref,
          headRepo,
          status: 'in_progress',
          conclusion: null,
          startedAt: now(2),
        }),
        makeRun({
          id: RUN_ID - 1,
          runNumber: 89,
          event: 'push',
          branch: head.ref,
          conclusion: 'success',
          startedAt: now(5),
        }),
        makeRun({
          id: RUN_ID - 2,
          runNumber: 88,
          event: 'push',
          branch: payload.pull_request.base.ref,
          conclusion: 'success',
          startedAt: now(6),
        }),
        makeRun({
          id: RUN_ID - 3,
          runNumber: 87,
          event: 'pull_request',
          branch: head.ref,
          headRepo,
          conclusion: 'failure',
          startedAt: now(40),
        }),
      ],
      jobs: { [`${RUN_ID}/1`]: [makeJob({ runId: RUN_ID, name: 'test' })] },
    }
    const result = await run({ status: 'failure', 'on-failure': 'change' }, { name: 'pull_request', payload })
    expect(result.stdout).toContain('Not sending: the status is failure, the previous run (#87) did not succeed either')
    expect(feishu.messages).toHaveLength(0)
  })
})
