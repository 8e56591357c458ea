// What the GitHub API says about the run a build card reports (§14.5), as plain data: its jobs
// with their first failed step, how long it has taken, the run's status derived from its jobs
// (`status: auto`), and the previous completed run of its workflow on its branch. Pure: turns
// API answers (already parsed JSON) into these facts. Must not: make requests, log, or decide how
// anything is shown (compose does that); job names are kept as written.

import { jsonObject as object, jsonText as text } from '../base/json.js'
import type { Status } from '../inputs/config.js'
import { safeHttpUrl } from '../markup/safe-url.js'
import type { TestFacts } from './test-reports/results.js'

export interface JobFacts {
  readonly name: string
  /** queued, in_progress, completed, waiting, ... */
  readonly status: string
  /** success, failure, cancelled, skipped, timed_out, ... or '' while it runs. */
  readonly conclusion: string
  /** The job's page with its log; '' when not an http(s) URL. */
  readonly url: string
  /** undefined until it has started. */
  readonly durationMs: number | undefined
  /** The name of its first failed (or, in a cancelled job, cancelled) step; '' when none. */
  readonly failedStep: string
}

/** The conclusion of the previous completed run, as a status, and where it is. */
export interface PreviousRun {
  readonly status: 'success' | 'failure' | 'cancelled'
  readonly url: string
  readonly runNumber: string
}

/** What the API gave; a field is undefined when it was not asked for or could not be read. */
export interface BuildFacts {
  readonly jobs?: readonly JobFacts[]
  readonly durationMs?: number
  /** null: the workflow has no earlier completed run on the branch. */
  readonly previous?: PreviousRun | null
  /**
   * The first failed step of the job that is sending (left out of `jobs` while it runs), '' when
   * none of its finished steps failed: a failure before this step counts for `status: auto`.
   */
  readonly ownFailedStep?: string
  /** What the `test-results` reports say; undefined when the input is empty. */
  readonly tests?: TestFacts
}

const time = (value: unknown): number => {
  const ms = Date.parse(text(value))
  return Number.isNaN(ms) ? NaN : ms
}

const FAILED = new Set(['failure', 'timed_out', 'startup_failure'])

/** A job is bad when it failed or was cancelled: those come first in the card. */
export function isFailed(job: Pick<JobFacts, 'conclusion'>): boolean {
  return FAILED.has(job.conclusion)
}

/** One job of the jobs API's answer (§14.5), whatever its shape. */
export function jobFromApi(value: unknown, now: number): JobFacts {
  const job = object(value)
  const conclusion = text(job.conclusion)
  const started = time(job.started_at)
  const completed = text(job.status) === 'completed' ? time(job.completed_at) : now
  const steps = (Array.isArray(job.steps) ? job.steps : []).map(object)
  const failed =
    steps.find((step) => FAILED.has(text(step.conclusion))) ??
    (conclusion === 'cancelled' ? steps.find((step) => text(step.conclusion) === 'cancelled') : undefined)
  return {
    name: text(job.name) || `job ${text(job.id)}`,
    status: text(job.status),
    conclusion,
    url: safeHttpUrl(text(job.html_url), false) ?? '',
    durationMs: Number.isFinite(started) && Number.isFinite(completed) ? Math.max(0, completed - started) : undefined,
    failedStep: failed ? text(failed.name) : '',
  }
}

/**
 * The jobs that are not this step's own job (§14.5): the one that is still running on this runner
 * (RUNNER_NAME), else, when the runner's name is not in the list, the running ones named like
 * this job (GITHUB_JOB), which is the name of a job that sets no `name:`.
 */
export function othersThan<T extends { readonly status: string }>(
  jobs: readonly (T & { readonly name: string; readonly runnerName?: string })[],
  self: { readonly runnerName: string; readonly job: string },
): (T & { readonly name: string })[] {
  const running = (job: T): boolean => job.status !== 'completed'
  if (self.runnerName && jobs.some((job) => running(job) && job.runnerName === self.runnerName))
    return jobs.filter((job) => !(running(job) && job.runnerName === self.runnerName))
  return jobs.filter((job) => !(running(job) && self.job !== '' && job.name === self.job))
}

/**
 * `status: auto`: the run's status from its jobs: failure if any failed, else cancelled if any
 * was cancelled, else '' (in progress) while any has not completed, else success.
 */
export function statusOfJobs(jobs: readonly JobFacts[], ownFailedStep = ''): Status {
  if (ownFailedStep || jobs.some(isFailed)) return 'failure'
  if (jobs.some((job) => job.conclusion === 'cancelled')) return 'cancelled'
  if (jobs.some((job) => job.status !== 'completed')) return ''
  return 'success'
}

/** Events that build a branch: their runs are one history, whichever of them started each run. */
const BRANCH_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch', 'repository_dispatch', 'merge_group'])
/** Events that build a pull request: one history per pull request (its head repository and branch). */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

/** The events whose runs count as earlier results of a run of `event`; undefined: any (event unknown). */
export function historyEvents(event: string): ReadonlySet<string> | undefined {
  if (!event) return undefined
  if (BRANCH_EVENTS.has(event)) return BRANCH_EVENTS
  if (PULL_REQUEST_EVENTS.has(event)) return PULL_REQUEST_EVENTS
  return new Set([event])
}

/** The run the previous one is looked for: what the runs API says of it. */
export interface HistorySelf {
  readonly runId: string
  readonly runNumber: string
  /** owner/name of the repository the workflow runs in. */
  readonly repo: string
  readonly event: string
  /** When this run (its latest attempt) started, ISO 8601; '' when unknown. */
  readonly startedAt: string
  /** The head repository and branch (a pull request's head, which may be a fork's). */
  readonly headRepository: string
  readonly headBranch: string
}

/**
 * The previous completed run among `workflow_runs` lists (pages of the runs of the workflow on
 * the branch): the latest (by `run_started_at`, else `created_at`; a re-run counts with its latest
 * attempt, which is what the list gives) that started before this one and is not this run or
 * another attempt of it. For branch events (push, schedule, workflow_dispatch,
 * repository_dispatch, merge_group) any of them counts, from this repository only; for
 * pull_request and pull_request_target, either of them with the same head repository and branch.
 * Runs that built nothing or were cut short (cancelled: a concurrency group cancels older runs;
 * skipped, neutral, stale, action_required) are passed over, as Travis CI compares with the last
 * build that finished. null when there is none.
 */
export function previousRun(lists: readonly unknown[], self: HistorySelf): PreviousRun | null {
  const events = historyEvents(self.event)
  const pullRequest = PULL_REQUEST_EVENTS.has(self.event)
  const ownStart = time(self.startedAt)
  const ownNumber = Number(self.runNumber)
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
  let best: { start: number; number: number; previous: PreviousRun } | undefined
  for (const list of lists) {
    const runs = Array.isArray(object(list).workflow_runs) ? (object(list).workflow_runs as unknown[]) : []
    for (const value of runs) {
      const run = object(value)
      if (text(run.id) === self.runId) continue
      const event = text(run.event)
      if (events && !events.has(event)) continue
      const headRepository = text(object(run.head_repository).full_name)
      const wanted = pullRequest ? self.headRepository || self.repo : self.repo
      if (wanted && headRepository && !same(headRepository, wanted)) continue
      if (pullRequest && self.headBranch && text(run.head_branch) !== self.headBranch) continue
      const start = Number.isFinite(time(run.run_started_at)) ? time(run.run_started_at) : time(run.created_at)
      const number = Number(run.run_number)
      if (
        Number.isFinite(ownStart) && Number.isFinite(start) ? start >= ownStart : ownNumber > 0 && number >= ownNumber
      )
        continue
      const conclusion = text(run.conclusion)
      const status = conclusion === 'success' ? 'success' : FAILED.has(conclusion) ? 'failure' : ''
      if (!status) continue
      const key = Number.isFinite(start) ? start : -Infinity
      if (best && (best.start > key || (best.start === key && best.number >= number))) continue
      best = {
        start: key,
        number,
        previous: { status, url: safeHttpUrl(text(run.html_url), false) ?? '', runNumber: text(run.run_number) },
      }
    }
  }
  return best?.previous ?? null
}

export type StatusChange = '' | 'fixed' | 'broken' | 'still_failing'

/** fixed, broken, still_failing, or '' (no change worth saying, or the previous run unknown). */
export function statusChange(status: Status, previous: PreviousRun | null | undefined): StatusChange {
  if (!previous) return ''
  const before = previous.status === 'success'
  if (status === 'success') return before ? '' : 'fixed'
  if (status === 'failure') return before ? 'broken' : 'still_failing'
  return ''
}

/** A run's conclusion (or a job's) as a status: '' only while it has none. */
export function conclusionStatus(conclusion: string): Status {
  if (conclusion === 'success' || conclusion === 'failure' || conclusion === 'cancelled' || conclusion === 'skipped')
    return conclusion
  if (conclusion === 'timed_out' || conclusion === 'startup_failure' || conclusion === 'action_required')
    return 'failure'
  if (conclusion === 'neutral' || conclusion === 'stale') return 'skipped'
  return ''
}
