// The GitHub REST API, read with the `github-token` input through @actions/github, loaded by a
// dynamic import so that a step that needs nothing from the API never loads Octokit (§14.5): the
// run a build card reports (this run, or on workflow_run events the run that triggered it), the
// jobs and steps of its attempt (every page), and the previous completed run of its workflow on
// its branch. Owns: these requests, one deadline for all of them (the `timeout` input), and
// turning any failure into one warning line that names the fix.
// Must not: fail the step, retry, write to the log itself, follow a URL the server names, or
// shape anything for display. The token never appears in what it returns.

import type { Environment } from '../base/runner.js'
import { ActionError } from '../base/errors.js'
import { jsonText as str } from '../base/json.js'
import { MAX_ANSWER_BYTES, MAX_ANSWER_SHOWN } from '../base/limits.js'
import { isSecureOrLoopback } from '../base/urls.js'
import { isPlainObject } from '../base/objects.js'
import type { RunContext } from './context.js'
import { historyEvents, jobFromApi, othersThan, previousRun, type BuildFacts, type JobFacts } from './run-facts.js'

/** What the message needs from the API; nothing is requested that is not needed. */
export interface ApiNeeds {
  readonly jobs: boolean
  readonly duration: boolean
  readonly previous: boolean
}

export interface ApiReading {
  readonly facts: BuildFacts
  /** One line for the log when something could not be read; '' when all was read. */
  readonly warning: string
}

/** The jobs API gives at most 100 a page (§14.5); 10 pages cover any real run. */
const PER_PAGE = 100
const MAX_PAGES = 10
const FIX =
  'give the workflow or job `permissions: actions: read` (a `permissions:` block sets what it does not list to none)'

/** A request the API refused or did not answer, said without the token or the server's own words. */
class ApiProblem extends ActionError {
  override readonly name = 'ApiProblem'
}

interface Target {
  readonly repo: string
  readonly runId: string
  readonly attempt: string
  readonly runNumber: string
  /** The event that started it: the previous run is one of the same event. */
  readonly event: string
  workflowId: string
  branch: string
  /** The head repository (owner/name): a fork's for a pull request from one; '' until read. */
  headRepository: string
  startedAt: string
  /** When it ended, for a run that has (a triggering run); '' for this, running, run. */
  endedAt: string
}

/** Reads what `needs` asks for; never throws: what cannot be read is left out and `warning` says why. */
export async function readBuildFacts(options: {
  env: Environment
  context: RunContext
  token: string
  timeoutMs: number
  needs: ApiNeeds
  now?: () => number
  /** Ends the reading at once (the run was cancelled): sent without the facts, as on a timeout. */
  cancel?: AbortSignal
}): Promise<ApiReading> {
  const { env, context, token, needs } = options
  const now = options.now ?? Date.now
  const target = targetRun(context, env)
  if (!target)
    return {
      facts: {},
      warning: 'Sending without the job list: this is not a workflow run (no GITHUB_RUN_ID or GITHUB_REPOSITORY).',
    }
  let baseUrl: string
  try {
    baseUrl = apiBaseUrl(env.GITHUB_API_URL)
  } catch (error) {
    return { facts: {}, warning: `Sending without the job list: ${(error as Error).message}.` }
  }
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.cancel ? AbortSignal.any([timeout, options.cancel]) : timeout
  let get: (path: string, query?: Record<string, string | number>) => Promise<{ data: unknown; link: string }>
  try {
    get = await client(baseUrl, token, signal, options.timeoutMs)
  } catch (error) {
    return {
      facts: {},
      warning: `Sending without the job list: cannot load the GitHub client (${(error as Error).message}).`,
    }
  }
  const facts: { jobs?: JobFacts[]; durationMs?: number; previous?: BuildFacts['previous']; ownFailedStep?: string } =
    {}
  try {
    // The previous run needs this run's head repository, which only the run itself says.
    const runNeeded = (needs.duration && !target.startedAt) || needs.previous
    const [run, jobs] = await Promise.all([
      runNeeded ? get(`/repos/${target.repo}/actions/runs/${target.runId}`) : undefined,
      needs.jobs ? readJobs(get, target, now(), env) : undefined,
    ])
    if (run) {
      const data = isPlainObject(run.data) ? run.data : {}
      target.startedAt ||= str(data.run_started_at) || str(data.created_at)
      target.workflowId ||= str(data.workflow_id)
      target.branch ||= str(data.head_branch)
      target.headRepository ||= isPlainObject(data.head_repository) ? str(data.head_repository.full_name) : ''
    }
    if (jobs) {
      facts.jobs = jobs.others
      facts.ownFailedStep = jobs.ownFailedStep
    }
    if (needs.duration) {
      const start = Date.parse(target.startedAt)
      const end = target.endedAt ? Date.parse(target.endedAt) : now()
      if (Number.isFinite(start) && Number.isFinite(end)) facts.durationMs = Math.max(0, end - start)
    }
    if (needs.previous && target.workflowId && target.branch) facts.previous = await readPrevious(get, target)
    return { facts, warning: '' }
  } catch (error) {
    const reason = error instanceof ApiProblem ? error.message : `unexpected answer (${(error as Error).message})`
    return { facts, warning: `Sending without the job list and the previous run: ${reason}.` }
  }
}

/** The runs list is read a few pages deep at most: the previous run is almost always on the first. */
const HISTORY_PAGES = 3

/**
 * The previous completed run (run-facts.ts `previousRun`): the workflow's completed runs on the
 * branch, newest first, of this run's event when only that one counts (other events than the
 * branch and pull request ones), filtered by event group and head repository here.
 */
async function readPrevious(
  get: (path: string, query?: Record<string, string | number>) => Promise<{ data: unknown; link: string }>,
  target: Target,
): Promise<BuildFacts['previous']> {
  const events = historyEvents(target.event)
  const lists: unknown[] = []
  for (let page = 1; page <= HISTORY_PAGES; page++) {
    const answer = await get(`/repos/${target.repo}/actions/workflows/${encodeURIComponent(target.workflowId)}/runs`, {
      branch: target.branch,
      status: 'completed',
      ...(events?.size === 1 ? { event: target.event } : {}),
      per_page: PER_PAGE,
      page,
    })
    lists.push(answer.data)
    const self = { ...target, headBranch: target.branch }
    if (previousRun(lists, self) || !/rel="next"/.test(answer.link)) return previousRun(lists, self)
  }
  return previousRun(lists, { ...target, headBranch: target.branch })
}

/** The run the card reports: on workflow_run events the triggering one, else this one. */
function targetRun(context: RunContext, env: Environment): Target | undefined {
  const repo = context.repository
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined
  const triggering = context.triggeringRun
  if (triggering?.id) {
    const completed = triggering.conclusion !== ''
    return {
      repo,
      runId: triggering.id,
      attempt: triggering.attempt || '1',
      runNumber: triggering.runNumber,
      event: triggering.event,
      workflowId: triggering.workflowId,
      branch: triggering.headBranch,
      headRepository: '',
      startedAt: triggering.startedAt,
      endedAt: completed ? triggering.updatedAt : '',
    }
  }
  if (!/^\d+$/.test(env.GITHUB_RUN_ID ?? '')) return undefined
  return {
    repo,
    runId: env.GITHUB_RUN_ID!,
    attempt: /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? env.GITHUB_RUN_ATTEMPT! : '1',
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    event: context.eventName,
    workflowId: '',
    branch: '',
    headRepository: '',
    startedAt: '',
    endedAt: '',
  }
}

/** GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3); https, or http on loopback only. */
function apiBaseUrl(value: string | undefined): string {
  const text = value || 'https://api.github.com'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error('GITHUB_API_URL is not a URL')
  }
  if (!isSecureOrLoopback(url))
    throw new Error('GITHUB_API_URL must be an https URL (http only on loopback), so the token is not sent in clear')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** All pages of the attempt's jobs, without this step's own job while it runs. */
async function readJobs(
  get: (path: string, query?: Record<string, string | number>) => Promise<{ data: unknown; link: string }>,
  target: Target,
  now: number,
  env: Environment,
): Promise<{ others: JobFacts[]; ownFailedStep: string }> {
  const raw: unknown[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await get(`/repos/${target.repo}/actions/runs/${target.runId}/attempts/${target.attempt}/jobs`, {
      per_page: PER_PAGE,
      page,
    })
    const data = isPlainObject(answer.data) ? answer.data : {}
    if (!Array.isArray(data.jobs)) throw new ApiProblem('the jobs answer has no `jobs` list')
    raw.push(...(data.jobs as unknown[]))
    // Paging by the Link header (§14.5): only whether there is a next page is taken from it.
    if (!/rel="next"/.test(answer.link) || data.jobs.length === 0) break
  }
  const jobs = raw.map((value) => ({
    ...jobFromApi(value, now),
    runnerName: isPlainObject(value) ? str(value.runner_name) : '',
  }))
  // Only this run has a job that is sending: a triggering run has completed.
  const others = target.endedAt
    ? jobs
    : othersThan(jobs, { runnerName: env.RUNNER_NAME ?? '', job: env.GITHUB_JOB ?? '' })
  const own = jobs.filter((job) => !others.includes(job))
  return {
    others: others.map(({ runnerName: _runnerName, ...job }) => job),
    ownFailedStep: own.find((job) => job.failedStep)?.failedStep ?? '',
  }
}

/** A GET through Octokit with the deadline; its failures as ApiProblem lines. */
async function client(
  baseUrl: string,
  token: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<(path: string, query?: Record<string, string | number>) => Promise<{ data: unknown; link: string }>> {
  const [{ getOctokit }, { defaults }] = await Promise.all([
    import('@actions/github'),
    import('@actions/github/lib/utils'),
  ])
  const quiet = (): void => undefined
  const octokit = getOctokit(token, {
    baseUrl,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  })
  // The runner's proxy settings are in @actions/github's own fetch; the answer is read within a size cap.
  const fetch = cappedFetch((defaults.request?.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch)
  return async (path, query = {}) => {
    try {
      const answer = await octokit.request(`GET ${path}`, { ...query, request: { signal, fetch } })
      return { data: answer.data, link: String(answer.headers.link ?? '') }
    } catch (error) {
      throw problem(error, baseUrl, timeoutMs, signal)
    }
  }
}

/** `fetch`, with the body read up to MAX_ANSWER_BYTES: a larger answer is a failure, not a heap full. */
function cappedFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    const chunks: Uint8Array[] = []
    let size = 0
    const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader()
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
      size += read.value.byteLength
      if (size > MAX_ANSWER_BYTES) {
        await reader?.cancel()
        throw new ApiProblem(`GitHub's API sent an answer over ${MAX_ANSWER_SHOWN}`)
      }
      chunks.push(read.value)
    }
    const empty = [101, 204, 205, 304].includes(response.status)
    return new Response(empty ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
}

function problem(error: unknown, baseUrl: string, timeoutMs: number, signal: AbortSignal): ApiProblem {
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause)
    if (cause instanceof ApiProblem) return cause
  if (signal.aborted) return new ApiProblem(`GitHub's API (${baseUrl}) did not answer within ${timeoutMs / 1000} s`)
  // Octokit reports a request that got no answer as status 500 without a response.
  const answered = error instanceof Error && (error as { response?: unknown }).response !== undefined
  const status = answered ? (error as { status?: unknown }).status : undefined
  if (status === 403)
    return new ApiProblem(
      `GitHub answered HTTP 403: the token cannot read this run's jobs (it lacks \`actions: read\`; restricted default tokens have \`actions: none\`); ${FIX}`,
    )
  if (status === 404)
    return new ApiProblem(
      `GitHub answered HTTP 404: the run is not visible to the token (on a private repository, a token without \`actions: read\`; or GITHUB_API_URL is not this repository's server); ${FIX}`,
    )
  if (status === 401)
    return new ApiProblem(
      'GitHub answered HTTP 401: the `github-token` input is not a valid token; leave it at its default, ${{ github.token }}',
    )
  if (status === 429) return new ApiProblem('GitHub answered HTTP 429: rate limited; the card is sent without it')
  if (typeof status === 'number' && status >= 500)
    return new ApiProblem(`GitHub answered HTTP ${status}: its API is failing; the card is sent without it`)
  if (typeof status === 'number') return new ApiProblem(`GitHub answered HTTP ${status}`)
  // The system's error code (ECONNREFUSED, ENOTFOUND, ...) is somewhere down the chain of causes.
  let code = ''
  for (let cause: unknown = error, depth = 0; cause instanceof Error && !code && depth < 5; depth++) {
    code = /^E[A-Z_]+$/.test(str((cause as { code?: unknown }).code)) ? str((cause as { code?: unknown }).code) : ''
    cause = cause.cause
  }
  return new ApiProblem(`cannot reach GitHub's API at ${baseUrl}${code ? ` (${code})` : ''}`)
}
