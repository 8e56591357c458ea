// The pure parts of the build report: API answers to facts (run-facts.ts), the job list
// (jobs.ts), the merge of languages (i18n.ts) and when to send (send-when.ts).
import { describe, expect, it } from 'vitest'
import { buildCard, releaseCard, type Card } from '../../src/compose/cards.js'
import { LABELS } from '../../src/compose/i18n.js'
import { formatDuration, jobEntries, jobsMarkdown } from '../../src/compose/jobs.js'
import { apiNeeds, skipReason } from '../../src/compose/send-when.js'
import { runContext } from '../../src/github/context.js'
import {
  jobFromApi,
  othersThan,
  previousRun,
  statusChange,
  statusOfJobs,
  type JobFacts,
} from '../../src/github/run-facts.js'
import { makeJob, makeRun } from '../fake-github.mjs'
import { eventEnv, examplePayload } from '../github-events.mjs'

const NOW = Date.parse('2026-01-10T10:10:00Z')
const job = (options: Parameters<typeof makeJob>[0]): JobFacts => jobFromApi(makeJob(options), NOW)

const SELF = {
  runId: '',
  runNumber: '',
  repo: 'octo-org/octo-repo',
  event: '',
  startedAt: '',
  headRepository: '',
  headBranch: 'main',
}

describe('run facts from the API', () => {
  it('a job: its first failed step, its log link, its duration; running jobs count until now', () => {
    const failed = makeJob({ runId: 1, name: 'test', conclusion: 'failure', failAt: 'Run tests', seconds: 125 })
    expect(jobFromApi(failed, NOW)).toEqual({
      name: 'test',
      status: 'completed',
      conclusion: 'failure',
      url: failed.html_url,
      durationMs: 125_000,
      failedStep: 'Run tests',
    })
    const running = jobFromApi(makeJob({ runId: 1, name: 'e2e', status: 'in_progress' }), NOW)
    expect(running.durationMs).toBe(NOW - Date.parse('2026-01-10T10:00:05Z'))
    expect(jobFromApi({ html_url: 'javascript:alert(1)', id: 7 }, NOW)).toMatchObject({ url: '', name: 'job 7' })
  })

  it('leaves out this step’s own job: by runner name, else a running job named like GITHUB_JOB', () => {
    const jobs = [
      { name: 'notify', status: 'in_progress', runnerName: 'r1' },
      { name: 'notify', status: 'completed', runnerName: 'r2' },
      { name: 'build', status: 'in_progress', runnerName: 'r3' },
    ]
    expect(othersThan(jobs, { runnerName: 'r3', job: 'notify' }).map((item) => item.runnerName)).toEqual(['r1', 'r2'])
    expect(othersThan(jobs, { runnerName: 'elsewhere', job: 'notify' }).map((item) => item.runnerName)).toEqual([
      'r2',
      'r3',
    ])
  })

  it('status auto: failure over cancelled over running over success', () => {
    const ok = job({ runId: 1, name: 'a' })
    const failed = job({ runId: 1, name: 'b', conclusion: 'timed_out' })
    const cancelled = job({ runId: 1, name: 'c', conclusion: 'cancelled' })
    const running = job({ runId: 1, name: 'd', status: 'in_progress' })
    expect(statusOfJobs([ok, running, cancelled, failed])).toBe('failure')
    expect(statusOfJobs([ok, running, cancelled])).toBe('cancelled')
    expect(statusOfJobs([ok, running])).toBe('')
    expect(statusOfJobs([ok, job({ runId: 1, name: 'e', conclusion: 'skipped' })])).toBe('success')
    // The sending job is not in the list, but a step of it that already failed is the run's failure.
    expect(statusOfJobs([], 'Run tests')).toBe('failure')
    expect(statusOfJobs([ok], '')).toBe('success')
  })

  it('the previous run: of the same event, from this repository, and not a cancelled one', () => {
    const list = {
      workflow_runs: [
        makeRun({ id: 40, runNumber: 14, conclusion: 'failure', event: 'pull_request' }),
        makeRun({ id: 39, runNumber: 13, conclusion: 'failure', headRepo: 'fork-owner/octo-repo' }),
        makeRun({ id: 38, runNumber: 12, conclusion: 'cancelled' }),
        makeRun({ id: 37, runNumber: 11, conclusion: 'success' }),
      ],
    }
    const self = { ...SELF, runId: '50', runNumber: '15', event: 'push' }
    expect(previousRun([list], self)).toMatchObject({ status: 'success', runNumber: '11' })
    expect(previousRun([list], { ...self, event: 'pull_request' })).toMatchObject({
      status: 'failure',
      runNumber: '14',
    })
  })

  it('the previous run: not this one, not a newer one, not one that built nothing', () => {
    const list = {
      workflow_runs: [
        makeRun({ id: 30, runNumber: 12, conclusion: 'success' }),
        makeRun({ id: 20, runNumber: 11, conclusion: 'failure' }),
        makeRun({ id: 19, runNumber: 10, conclusion: 'skipped' }),
        makeRun({ id: 18, runNumber: 9, conclusion: 'timed_out' }),
      ],
    }
    expect(previousRun([list], { ...SELF, runId: '30', runNumber: '12' })).toMatchObject({
      status: 'failure',
      runNumber: '11',
    })
    expect(previousRun([list], { ...SELF, runId: '21', runNumber: '11' })).toMatchObject({
      status: 'failure',
      runNumber: '9',
    })
    expect(previousRun([{ workflow_runs: [] }], { ...SELF, runId: '1', runNumber: '1' })).toBeNull()
    expect(previousRun(['nonsense'], { ...SELF, runId: '1', runNumber: '1' })).toBeNull()
  })

  it('the previous run of a branch: any branch event, latest by start time, not a pull request run', () => {
    const list = {
      workflow_runs: [
        makeRun({
          id: 61,
          runNumber: 21,
          conclusion: 'failure',
          event: 'pull_request',
          startedAt: '2026-01-10T09:00:00Z',
        }),
        makeRun({ id: 60, runNumber: 20, conclusion: 'failure', event: 'push', startedAt: '2026-01-10T07:00:00Z' }),
        // A re-run of an older run, started later: its latest attempt counts.
        makeRun({
          id: 55,
          runNumber: 15,
          conclusion: 'success',
          event: 'workflow_dispatch',
          startedAt: '2026-01-10T08:00:00Z',
        }),
        makeRun({
          id: 54,
          runNumber: 14,
          conclusion: 'cancelled',
          event: 'schedule',
          startedAt: '2026-01-10T08:30:00Z',
        }),
        makeRun({ id: 70, runNumber: 30, conclusion: 'failure', event: 'push', startedAt: '2026-01-10T11:00:00Z' }),
      ],
    }
    const self = { ...SELF, runId: '65', runNumber: '25', event: 'schedule', startedAt: '2026-01-10T10:00:00Z' }
    expect(previousRun([list], self)).toMatchObject({ status: 'success', runNumber: '15' })
  })

  it('the previous run of a pull request: its own runs (head repository and branch), not a push on the branch', () => {
    const list = {
      workflow_runs: [
        makeRun({
          id: 80,
          runNumber: 40,
          conclusion: 'success',
          event: 'push',
          branch: 'feature',
          startedAt: '2026-01-10T09:50:00Z',
        }),
        makeRun({
          id: 79,
          runNumber: 39,
          conclusion: 'success',
          event: 'pull_request',
          branch: 'feature',
          headRepo: 'other/octo-repo',
          startedAt: '2026-01-10T09:40:00Z',
        }),
        makeRun({
          id: 78,
          runNumber: 38,
          conclusion: 'failure',
          event: 'pull_request_target',
          branch: 'feature',
          headRepo: 'fork/octo-repo',
          startedAt: '2026-01-10T09:30:00Z',
        }),
      ],
    }
    const self = {
      ...SELF,
      runId: '90',
      runNumber: '41',
      event: 'pull_request',
      headRepository: 'fork/octo-repo',
      headBranch: 'feature',
    }
    expect(previousRun([list], self)).toMatchObject({ status: 'failure', runNumber: '38' })
  })

  it('fixed, broken, still failing', () => {
    const previous = (status: 'success' | 'failure' | 'cancelled') => ({ status, url: '', runNumber: '1' })
    expect(statusChange('success', previous('failure'))).toBe('fixed')
    expect(statusChange('success', previous('cancelled'))).toBe('fixed')
    expect(statusChange('success', previous('success'))).toBe('')
    expect(statusChange('failure', previous('success'))).toBe('broken')
    expect(statusChange('failure', previous('failure'))).toBe('still_failing')
    expect(statusChange('cancelled', previous('success'))).toBe('')
    expect(statusChange('failure', null)).toBe('')
    expect(statusChange('failure', undefined)).toBe('')
  })
})

describe('the job list', () => {
  it('formats durations', () => {
    expect([45_000, 252_000, 3_780_000, 400].map(formatDuration)).toEqual(['45s', '4m 12s', '1h 3m 0s', '0s'])
  })

  it('failed first, matrix legs folded with the failing ones named, names escaped', () => {
    const entries = jobEntries([
      job({ runId: 1, name: 'lint *now*', seconds: 30 }),
      job({ runId: 1, name: 'test (a)' }),
      job({ runId: 1, name: 'test (b)', conclusion: 'failure', failAt: 'Run tests' }),
      job({ runId: 1, name: 'deploy', status: 'queued' }),
      job({ runId: 1, name: 'solo (x)', conclusion: 'skipped' }),
    ])
    const text = jobsMarkdown(entries, LABELS.en_us, 10)
    const lines = text.split('\n')
    expect(lines[0]).toMatch(
      /^- ❌ \*\*test\*\*: 1 of 2 passed · \[test \(b\)\]\(https:\/\/github\.com\/.+\) failed at \*\*Run tests\*\*$/,
    )
    expect(lines[1]).toBe('- ✅ **lint &#42;now&#42;** · 30s')
    expect(lines[2]).toBe('- ⏳ **deploy** · queued')
    expect(lines[3]).toBe('- ⏭️ **solo (x)** · skipped')
    expect(jobsMarkdown(entries, LABELS.en_us, 1).split('\n')).toEqual([
      lines[0],
      "… and 3 more job(s), listed on the run's page",
    ])
  })
})

describe('languages', () => {
  const context = (event: string, payload: any) =>
    runContext(
      {
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_NUMBER: '7',
        GITHUB_WORKFLOW: 'CI',
        GITHUB_JOB: 'notify',
        ...eventEnv(event, payload),
      },
      payload,
    )

  /** Every text field with the action's own words carries all three languages; the others are event text. */
  function untranslated(card: Card): string[] {
    const left: string[] = []
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk)
      if (typeof node !== 'object' || node === null) return
      const value = node as Record<string, unknown>
      if (typeof value.content === 'string' && value.tag) {
        if (value.i18n_content) expect(Object.keys(value.i18n_content)).toEqual(['en_us', 'zh_cn', 'ja_jp'])
        else left.push(value.content)
        return
      }
      Object.entries(value)
        .filter(([key]) => key !== 'i18n_text_tag_list')
        .forEach(([, child]) => walk(child))
    }
    walk(card)
    return left
  }

  it('the build card: every label in zh_cn, en_us and ja_jp; config.locales; the tags and the chat preview too', () => {
    const facts = {
      jobs: [job({ runId: 1, name: 'test', conclusion: 'failure', failAt: 'Run tests' })],
      durationMs: 252_000,
      previous: { status: 'success' as const, url: 'https://github.com/o/r/actions/runs/1', runNumber: '6' },
    }
    const card = buildCard(context('pull_request', examplePayload('pull_request', 'opened')), {
      status: 'failure',
      title: '',
      mentions: [{ id: 'ou_a' }],
      facts,
    })
    expect((card.config as any).locales).toEqual(['en_us', 'zh_cn', 'ja_jp'])
    expect(Object.keys((card.header as any).i18n_text_tag_list)).toEqual(['en_us', 'zh_cn', 'ja_jp'])
    expect(Object.keys((card.config as any).summary.i18n_content)).toEqual(['en_us', 'zh_cn', 'ja_jp'])
    // Left as written: the repository (subtitle) and the mention.
    expect(untranslated(card)).toEqual(['Codertocat/Hello-World', '<at id=ou_a></at>'])
  })

  it('the release card: every label in all three, the notes once, shown as written', async () => {
    const payload = examplePayload('release', 'published')
    payload.release.body = 'Fixes **everything**'
    payload.release.assets = [{ name: 'app.zip', browser_download_url: 'https://example.com/app.zip', size: 2048 }]
    const card = await releaseCard(context('release', payload), {
      status: '',
      title: '',
      mentions: [],
      maxBytes: 30 * 1024,
    })
    expect(untranslated(card)).toEqual(['Codertocat/Hello-World 0.0.1', 'Fixes **everything**'])
    const facts = (card.body as any).elements[0].i18n_content
    expect(facts.zh_cn).toContain('**标签:**')
    expect(facts.ja_jp).toContain('**タグ:**')
  })

  it('one language: that language only, no translations, no locales', () => {
    const card = buildCard(context('push', examplePayload('push', undefined, 4)), {
      status: 'success',
      title: '',
      mentions: [],
      language: 'ja_jp',
    })
    expect((card.config as any).locales).toBeUndefined()
    expect((card.header as any).title.content).toBe('CI 成功')
    expect((card.header as any).text_tag_list[0].text.content).toBe('成功')
    expect(JSON.stringify(card)).not.toContain('i18n')
  })
})

describe('when to send', () => {
  const config = (more: Record<string, unknown> = {}) =>
    ({
      content: { kind: 'text', input: 'text', text: 'hi' },
      variables: undefined,
      title: '',
      statusAuto: false,
      onSuccess: 'always',
      onFailure: 'always',
      ...more,
    }) as any

  it('asks the API only for what is used', () => {
    expect(apiNeeds(config())).toEqual({ jobs: false, duration: false, previous: false })
    expect(apiNeeds(config({ onFailure: 'change' }))).toEqual({ jobs: false, duration: false, previous: true })
    expect(apiNeeds(config({ statusAuto: true }))).toEqual({ jobs: true, duration: false, previous: false })
    expect(apiNeeds(config({ content: { kind: 'text', input: 'text', text: '${duration} ${failed_jobs}' } }))).toEqual({
      jobs: true,
      duration: true,
      previous: false,
    })
    expect(apiNeeds(config({ content: { kind: 'preset', input: 'preset', preset: 'workflow' } }))).toEqual({
      jobs: true,
      duration: true,
      previous: true,
    })
    expect(apiNeeds(config({ content: { kind: 'preset', input: 'preset', preset: 'release' } }))).toEqual({
      jobs: false,
      duration: false,
      previous: false,
    })
  })

  it('an unknown status or previous run always sends', () => {
    expect(skipReason(config({ onSuccess: 'never', onFailure: 'never' }), '', null)).toBe('')
    expect(skipReason(config({ onSuccess: 'never', onFailure: 'never' }), 'skipped', null)).toBe('')
    expect(skipReason(config({ onSuccess: 'change' }), 'success', undefined)).toBe('')
    expect(skipReason(config({ onFailure: 'change' }), 'failure', null)).toBe('')
  })
})
