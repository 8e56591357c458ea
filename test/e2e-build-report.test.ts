// End to end: the build report through dist/index.js as the runner runs it, against the fake
// Feishu server and the fake GitHub API (reached through GITHUB_API_URL): a failed matrix leg
// and its step linked to its log, 120 jobs (paging, folding, fitting Feishu's limits), a
// restricted token, an API that is down, status auto, on-success: change against the previous
// run, workflow_run events, and every language.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { makeJob, makeRun, startFakeGithub } from './fake-github.mjs'
import { eventEnv, examplePayload } from './github-events.mjs'
import { CONTEXT, RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const SECRET = 'test-secret'
const HOOK = 'b0a710ad-5e5e-4f4f-8a8a-0000aaaa1111'
const TOKEN = 'ghs_read'
const REPO = CONTEXT.GITHUB_REPOSITORY
const RUN_ID = Number(CONTEXT.GITHUB_RUN_ID)
const RUN_URL = `https://github.com/${REPO}/actions/runs/${RUN_ID}`

/** This run (#77, started 4m 12s ago), the one before it, and its jobs. */
function repo(previous: 'success' | 'failure' | null, jobs: any[]) {
  const runs = [
    makeRun({
      id: RUN_ID,
      runNumber: 77,
      status: 'in_progress',
      conclusion: null,
      startedAt: new Date(Date.now() - 252_000).toISOString(),
    }),
  ]
  if (previous) runs.push(makeRun({ id: RUN_ID - 7, runNumber: 76, conclusion: previous }))
  return { runs, jobs: { [`${RUN_ID}/1`]: jobs } }
}

const notify = () => makeJob({ runId: RUN_ID, name: 'notify', status: 'in_progress', runnerName: 'runner-7' })

/** build passed; a matrix of four test legs, one failed at "Run tests"; lint cancelled. */
function failingJobs() {
  return [
    makeJob({ runId: RUN_ID, name: 'build', seconds: 95 }),
    makeJob({ runId: RUN_ID, name: 'test (ubuntu-latest, 18)' }),
    makeJob({ runId: RUN_ID, name: 'test (ubuntu-latest, 20)', conclusion: 'failure', failAt: 'Run tests' }),
    makeJob({ runId: RUN_ID, name: 'test (windows-latest, 18)' }),
    makeJob({ runId: RUN_ID, name: 'test (windows-latest, 20)' }),
    makeJob({ runId: RUN_ID, name: 'lint', conclusion: 'cancelled', failAt: 'Run tests' }),
    notify(),
  ]
}

describe.each(RUNTIMES)('the build report through dist/index.js on $name', ({ bin }) => {
  let feishu: Fake
  let github: Awaited<ReturnType<typeof startFakeGithub>>

  const run = (inputs: Record<string, string>, options: { env?: Record<string, string>; event?: any } = {}) =>
    runAction({
      node: bin,
      ...(options.event ? { event: options.event } : {}),
      env: {
        GITHUB_API_URL: github.url,
        RUNNER_NAME: 'runner-7',
        GITHUB_WORKFLOW: 'CI',
        ...(options.event ? eventEnv(options.event.name, options.event.payload) : {}),
        ...options.env,
      },
      inputs: {
        'app-id': 'cli_test',
        'app-secret': SECRET,
        domain: feishu.url,
        'chat-id': 'oc_1',
        'github-token': TOKEN,
        ...inputs,
      },
    })

  const card = (): any => feishu.messages[0]!.parsedContent
  const english = (element: any): string => element.i18n_content?.en_us ?? element.content ?? ''
  const jobsText = (value: any): string =>
    english(value.body.elements.find((element: any) => english(element)?.startsWith('**Jobs**')) ?? {})
  const tagsOf = (value: any, locale = 'en_us') =>
    value.header.i18n_text_tag_list[locale].map((tag: any) => tag.text.content)
  const warnings = (result: ActionRun) => result.stdout.split('\n').filter((line) => line.startsWith('::warning::'))

  beforeAll(async () => {
    feishu = await startFakeFeishu({ bots: { [HOOK]: {} }, limits: { botPerSecond: 1000, botPerMinute: 1000 } })
    github = await startFakeGithub()
  })
  afterAll(async () => {
    await feishu.close()
    await github.close()
  })
  beforeEach(() => {
    feishu.reset()
    github.requests.length = 0
    for (const name of Object.keys(github.repos)) delete github.repos[name]
  })

  function expectSent(result: ActionRun): void {
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toContain('::error::')
    expect(result.exitCode).toBe(0)
    expect(feishu.messages).toHaveLength(1)
  }

  it('a push failure: each failed job and its failed step linked to its log, the matrix folded, the duration', async () => {
    const jobs = failingJobs()
    github.repos[REPO] = repo('success', jobs)
    const result = await run({ status: 'failure' })
    expectSent(result)
    expect(warnings(result)).toEqual([])
    const text = jobsText(card())
    const [failedLeg, lint] = [jobs[2]!, jobs[5]!]
    const lines = text.split('\n').slice(1)
    // Failed and cancelled first, each linked to its job's page (its log).
    expect(lines[0]).toBe(
      `- ❌ **test**: 3 of 4 passed · [test (ubuntu-latest, 20)](${failedLeg.html_url}) failed at **Run tests**`,
    )
    expect(lines[1]).toBe(`- ⏹️ [lint](${lint.html_url}) · cancelled at **Run tests** · 1m 0s`)
    expect(lines[2]).toBe('- ✅ **build** · 1m 35s')
    expect(lines).toHaveLength(3)
    expect(text).not.toContain('notify')
    const facts = english(card().body.elements[0])
    expect(facts).toMatch(/\*\*Duration:\*\* 4m 1\ds/)
    expect(facts).toContain(`**Previous run:** [#76](https://github.com/${REPO}/actions/runs/${RUN_ID - 7}) Success`)
    expect(tagsOf(card())).toEqual(['Broken'])
    expect(card().header.template).toBe('red')
    expect(github.requests.every((request) => request.authorization === `token ${TOKEN}`)).toBe(true)
    expect(visibleOutput(result)).not.toContain(TOKEN)
  })

  it('a workflow_run event reports the triggering run: its jobs, its failed step, its duration', async () => {
    const payload = examplePayload('workflow_run', 'completed', 1)
    const triggering = payload.workflow_run
    triggering.conclusion = 'failure'
    triggering.run_started_at = '2026-01-10T10:00:00Z'
    triggering.updated_at = '2026-01-10T10:07:30Z'
    const jobs = [
      makeJob({
        repo: triggering.repository.full_name,
        runId: triggering.id,
        name: 'e2e',
        conclusion: 'failure',
        failAt: 'Run tests',
      }),
      makeJob({ repo: triggering.repository.full_name, runId: triggering.id, name: 'unit' }),
    ]
    github.repos[payload.repository.full_name] = {
      runs: [
        makeRun({
          id: triggering.id,
          runNumber: triggering.run_number,
          conclusion: 'failure',
          workflowId: triggering.workflow_id,
          branch: triggering.head_branch,
        }),
      ],
      jobs: { [`${triggering.id}/${triggering.run_attempt ?? 1}`]: jobs },
    }
    const result = await run({}, { event: { name: 'workflow_run', payload } })
    expectSent(result)
    expect(warnings(result)).toEqual([])
    expect(card().header.template).toBe('red')
    const text = jobsText(card())
    expect(text).toContain(`- ❌ [e2e](${jobs[0]!.html_url}) · failed at **Run tests**`)
    expect(text).toContain('- ✅ **unit** · 1m 0s')
    expect(english(card().body.elements[0])).toContain('**Duration:** 7m 30s')
    expect(github.requests.map((request) => request.path)).toContain(
      `/repos/${payload.repository.full_name}/actions/runs/${triggering.id}/attempts/${triggering.run_attempt ?? 1}/jobs`,
    )
  })

  it.each([
    ['the app bot', 30 * 1024, {}],
    ['a custom bot webhook', 20 * 1024, { 'app-id': '', 'app-secret': '', 'chat-id': '', webhook: HOOK }],
  ] as const)(
    '120 jobs by %s: two pages, the matrix folded, cut to fit and saying how many were left out',
    async (_, limit, inputs) => {
      const jobs = [
        ...Array.from({ length: 64 }, (__, index) =>
          makeJob({
            runId: RUN_ID,
            name: `test (shard ${index + 1} of 64)`,
            conclusion: index === 9 || index === 40 ? 'failure' : 'success',
            failAt: 'Run tests',
          }),
        ),
        ...Array.from({ length: 55 }, (__, index) =>
          makeJob({ runId: RUN_ID, name: `package ${String(index).padStart(2, '0')} ${'long name '.repeat(12)}` }),
        ),
        notify(),
      ]
      github.repos[REPO] = repo(null, jobs)
      const result = await run({ status: 'failure', ...inputs }, { env: { GITHUB_SERVER_URL: 'https://github.com' } })
      expect(result.exitCode).toBe(0)
      expect(result.stdout).not.toContain('::error::')
      const sent = 'webhook' in inputs ? feishu.webhookMessages[0]!.card : card()
      expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThanOrEqual(limit)
      const pages = github.requests
        .filter((request) => request.path.endsWith('/jobs'))
        .map((request) => request.query.page)
      expect(pages).toEqual(['1', '2'])
      const text = jobsText(sent)
      expect(text.split('\n')[1]).toMatch(
        /^- ❌ \*\*test\*\*: 62 of 64 passed · \[test .*shard 10 of 64.*\]\(https:.*\) failed at \*\*Run tests\*\*; \[test .*shard 41 of 64/,
      )
      const omitted = /… and (\d+) more job\(s\), listed on the run's page$/.exec(text)
      expect(omitted).not.toBeNull()
      const shownPackages = (text.match(/^- ✅ \*\*package/gm) ?? []).length
      expect(shownPackages + Number(omitted![1])).toBe(55)
      // Every language says it.
      const element = sent.body.elements.find((item: any) => item.i18n_content?.en_us?.startsWith('**Jobs**'))
      expect(element.i18n_content.zh_cn).toContain(`另有 ${omitted![1]} 个作业`)
      expect(element.i18n_content.ja_jp).toContain(`ほか ${omitted![1]} 件のジョブ`)
    },
  )

  it('a restricted token (actions: none): the card without jobs, one warning naming the fix, exit 0', async () => {
    github.repos[REPO] = repo('success', failingJobs())
    const result = await run({ status: 'failure', 'github-token': 'ghs_none' })
    expectSent(result)
    expect(warnings(result)).toHaveLength(1)
    expect(warnings(result)[0]).toContain('HTTP 403')
    expect(warnings(result)[0]).toContain('`permissions: actions: read`')
    expect(jobsText(card())).toBe('')
    expect(tagsOf(card())).toEqual(['Failure'])
    expect(result.outputs.skipped).toBe('false')
  })

  it('the API down (nothing listening): the card without jobs, one warning, exit 0', async () => {
    const result = await run({ status: 'failure' }, { env: { GITHUB_API_URL: 'http://127.0.0.1:9' } })
    expectSent(result)
    expect(warnings(result)).toHaveLength(1)
    expect(warnings(result)[0]).toContain("cannot reach GitHub's API at http://127.0.0.1:9")
  })

  it('status auto with a job running, one failed and one cancelled: failure, and on-failure: change after a success sends', async () => {
    github.repos[REPO] = repo('success', [
      ...failingJobs(),
      makeJob({ runId: RUN_ID, name: 'docs', status: 'in_progress' }),
    ])
    const result = await run({ status: 'auto', 'on-failure': 'change' })
    expectSent(result)
    expect(card().header.title.content).toBe('CI failed')
    expect(jobsText(card())).toContain('- 🔄 **docs** · running')
  })

  it('an input error is reported before the GitHub API is read', async () => {
    github.repos[REPO] = repo('success', failingJobs())
    const result = await run({ status: 'auto', text: 'Build ${failed_jobs} ${no_such_name}' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toHaveLength(1)
    expect(result.stdout).toContain('::error::Input `text`: unknown placeholder ${no_such_name}')
    expect(github.requests).toHaveLength(0)
    expect(feishu.requests).toHaveLength(0)
  })

  it('status auto in the only job, after one of its own steps failed: failure, sent despite on-success: never', async () => {
    const self = makeJob({
      runId: RUN_ID,
      name: 'notify',
      status: 'in_progress',
      runnerName: 'runner-7',
      steps: ['Run tests', 'Notify'],
      failAt: 'Run tests',
    })
    github.repos[REPO] = repo(null, [self])
    const result = await run({ status: 'auto', 'on-success': 'never' })
    expectSent(result)
    expect(card().header.template).toBe('red')
    expect(result.stdout).toContain('skipped: false')
  })

  it('on-failure: change compares with the previous push run on the branch: not a pull_request run, a fork, or a cancelled run', async () => {
    const jobs = failingJobs()
    const runs = repo('success', jobs)
    runs.runs.push(
      makeRun({ id: RUN_ID - 1, runNumber: 76, conclusion: 'failure', event: 'pull_request' }),
      makeRun({ id: RUN_ID - 2, runNumber: 75, conclusion: 'failure', headRepo: 'someone/octo-repo' }),
      makeRun({ id: RUN_ID - 3, runNumber: 74, conclusion: 'cancelled' }),
    )
    // The success (#76 in repo()) is replaced by these: the real previous push run is #73.
    runs.runs.splice(1, 1)
    runs.runs.push(makeRun({ id: RUN_ID - 4, runNumber: 73, conclusion: 'success' }))
    github.repos[REPO] = runs
    const result = await run({ status: 'failure', 'on-failure': 'change' })
    expectSent(result)
    expect(tagsOf(card())).toContain('Broken')
  })

  it('on-success: change after a success sends nothing and sets skipped; after a failure sends a card tagged Fixed', async () => {
    github.repos[REPO] = repo('success', [makeJob({ runId: RUN_ID, name: 'build' }), notify()])
    let result = await run({ status: 'auto', 'on-success': 'change' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).not.toContain('::error::')
    expect(result.stdout).toContain(
      'Not sending: the status is success, the previous run (#76) succeeded too, and `on-success` is change.',
    )
    expect(result.outputs.skipped).toBe('true')
    expect(feishu.messages).toHaveLength(0)
    expect(feishu.requests).toHaveLength(0)
    expect(result.summary).toContain('⏭️ Not sending')

    github.repos[REPO] = repo('failure', [makeJob({ runId: RUN_ID, name: 'build' }), notify()])
    result = await run({ status: 'auto', 'on-success': 'change' })
    expectSent(result)
    expect(result.outputs.skipped).toBe('false')
    expect(tagsOf(card())).toEqual(['Fixed'])
    expect(tagsOf(card(), 'zh_cn')).toEqual(['已修复'])
    expect(card().header.template).toBe('green')
  })

  it.each([
    ['auto', 'Release', 'リリース'],
    ['ja_jp', 'リリース', undefined],
  ] as const)(
    'the release card in language %s: its own words translated, the notes as written, no API call',
    async (language, tag, japanese) => {
      const payload = examplePayload('release', 'published')
      payload.release.body = 'Fixes **everything** <at id=all></at>'
      const result = await run({ language }, { event: { name: 'release', payload } })
      expectSent(result)
      const sent = card()
      const tags = sent.header.i18n_text_tag_list?.en_us ?? sent.header.text_tag_list
      expect(tags[0].text.content).toBe(tag)
      if (japanese) expect(sent.header.i18n_text_tag_list.ja_jp[0].text.content).toBe(japanese)
      const notes = sent.body.elements[2]
      expect(notes.i18n_content).toBeUndefined()
      expect(notes.content).toContain('Fixes **everything**')
      expect(notes.content).not.toContain('<at id=all>')
      expect(github.requests).toEqual([])
    },
  )

  it.each([
    ['auto', ['en_us', 'zh_cn', 'ja_jp'], 'CI failed'],
    ['zh_cn', undefined, 'CI 失败'],
    ['en_us', undefined, 'CI failed'],
    ['ja_jp', undefined, 'CI 失敗'],
  ] as const)('language %s', async (language, locales, title) => {
    github.repos[REPO] = repo(null, failingJobs())
    const result = await run({ status: 'failure', language })
    expectSent(result)
    const sent = card()
    expect(sent.schema).toBe('2.0')
    expect(sent.config.locales).toEqual(locales)
    expect(sent.header.title.content).toBe(title)
    const words = { zh_cn: '仓库', en_us: 'Repository', ja_jp: 'リポジトリ' }
    const facts = sent.body.elements[0]
    if (language === 'auto') {
      for (const [locale, word] of Object.entries(words)) {
        expect(facts.i18n_content[locale]).toContain(`**${word}:**`)
        expect(sent.header.title.i18n_content[locale]).toBeTruthy()
        expect(sent.header.i18n_text_tag_list[locale]).toHaveLength(1)
        expect(sent.config.summary.i18n_content[locale]).toContain(REPO)
      }
      // Every element with words of the action's own carries all three languages.
      for (const element of sent.body.elements) {
        if (element.tag === 'markdown' && element.i18n_content)
          expect(Object.keys(element.i18n_content)).toEqual(['en_us', 'zh_cn', 'ja_jp'])
      }
    } else {
      expect(facts.i18n_content).toBeUndefined()
      expect(facts.content).toContain(`**${words[language]}:**`)
      for (const [other, word] of Object.entries(words))
        if (other !== language) expect(JSON.stringify(sent)).not.toContain(`**${word}:**`)
    }
    // The job summary is in English whatever the card's language.
    expect(result.summary).toContain('**Repository:**')
    expect(result.summary).toContain('🔗 [View run](')
    expect(result.summary).toContain(RUN_URL)
  })
})
