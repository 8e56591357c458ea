// @ts-check
/**
 * Fake GitHub REST API for tests, listening on loopback, reached through GITHUB_API_URL.
 *
 * Owns: the three Actions endpoints the action reads (docs/feishu-api.md §14.5): a workflow run,
 * the jobs of a run attempt (paged, with the Link header), and the runs of a workflow (filtered
 * by branch and status, newest first); and how GitHub refuses: 401 for an unknown token, 403 for
 * a token without `actions: read` (404 on a private repository), 404 for a run that does not
 * exist; per_page above 100 is taken as 100, as GitHub does. Modes for a server that fails
 * (`status`: every request answers that HTTP status) or hangs (`hang`).
 * Also: `makeJob` / `makeRun`, objects shaped like GitHub's, for tests to fill the fake with.
 *
 * Used from vitest and from plain `node`, hence JavaScript + JSDoc, and only node: imports.
 */
import http from 'node:http'

/**
 * @typedef {object} FakeRepo
 * @property {boolean} [private] a token without actions: read gets 404 here instead of 403
 * @property {any[]} [runs] workflow runs (makeRun), any order; listed newest (highest id) first
 * @property {Record<string, any[]>} [jobs] jobs by `${runId}/${attempt}` (makeJob)
 *
 * @typedef {object} FakeGithubOptions
 * @property {Record<string, { actions: 'read' | 'none' }>} [tokens] default { 'ghs_read': read, 'ghs_none': none }
 * @property {Record<string, FakeRepo>} [repos] by owner/name
 * @property {number} [status] every request answers this HTTP status (a failing API)
 * @property {boolean} [hang] never answer (a hung API)
 * @property {number} [padBytes] a misbehaving server: every 200 answer carries this many more bytes (in a `padding` field)
 *
 * @typedef {object} RecordedGithubRequest
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {string} authorization
 */

const DOCS = 'https://docs.github.com/rest'

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-github-api-version-selected': '2022-11-28',
    ...headers,
  })
  res.end(text)
}

/** GitHub's error body: message, documentation_url, status as a string. @param {number} status @param {string} message */
function error(status, message) {
  return { message, documentation_url: DOCS, status: String(status) }
}

/**
 * A Link header as GitHub writes it: next and last (and prev, first when not on page 1).
 * @param {URL} url @param {number} page @param {number} lastPage
 */
function linkHeader(url, page, lastPage) {
  /** @param {number} to @param {string} rel */
  const link = (to, rel) => {
    const target = new URL(url)
    target.searchParams.set('page', String(to))
    return `<${target}>; rel="${rel}"`
  }
  const parts = []
  if (page > 1) parts.push(link(page - 1, 'prev'))
  if (page < lastPage) parts.push(link(page + 1, 'next'), link(lastPage, 'last'))
  if (page > 1) parts.push(link(1, 'first'))
  return parts.join(', ')
}

/** @param {FakeGithubOptions} [options] */
export async function startFakeGithub(options = {}) {
  const pad = options.padBytes ?? 0
  /** @type {typeof send} */
  const reply = (res, status, body, headers) =>
    send(
      res,
      status,
      status === 200 && pad ? { .../** @type {object} */ (body), padding: 'x'.repeat(pad) } : body,
      headers,
    )
  const tokens = options.tokens ?? { ghs_read: { actions: 'read' }, ghs_none: { actions: 'none' } }
  /** @type {Record<string, FakeRepo>} */
  const repos = options.repos ?? {}
  /** @type {RecordedGithubRequest[]} */
  const requests = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: String(req.headers.authorization ?? ''),
    })
    if (options.hang) return
    if (options.status) return reply(res, options.status, error(options.status, 'Service Unavailable'))
    if (req.method !== 'GET') return reply(res, 404, error(404, 'Not Found'))
    // `token X` (what @actions/github sends) and `Bearer X` are both accepted by GitHub.
    const auth = /^(?:token|bearer) (\S+)$/i.exec(String(req.headers.authorization ?? ''))
    const grant = auth ? tokens[auth[1] ?? ''] : undefined
    if (!grant) return reply(res, 401, error(401, 'Bad credentials'))
    const match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/(.+)$/.exec(url.pathname)
    const repo = match ? repos[`${match[1]}/${match[2]}`] : undefined
    if (!match || !repo) return reply(res, 404, error(404, 'Not Found'))
    if (grant.actions !== 'read') {
      return repo.private
        ? reply(res, 404, error(404, 'Not Found'))
        : reply(res, 403, error(403, 'Resource not accessible by integration'))
    }
    const rest = match[3] ?? ''
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
    const runs = [...(repo.runs ?? [])].sort((a, b) => b.id - a.id)

    let found = /^runs\/(\d+)$/.exec(rest)
    if (found) {
      const run = runs.find((candidate) => String(candidate.id) === found?.[1])
      return run ? reply(res, 200, run) : reply(res, 404, error(404, 'Not Found'))
    }
    found = /^runs\/(\d+)\/attempts\/(\d+)\/jobs$/.exec(rest)
    if (found) {
      const all = repo.jobs?.[`${found[1]}/${found[2]}`]
      if (!all) return reply(res, 404, error(404, 'Not Found'))
      const lastPage = Math.max(1, Math.ceil(all.length / perPage))
      const link = linkHeader(url, page, lastPage)
      return send(
        res,
        200,
        { total_count: all.length, jobs: all.slice((page - 1) * perPage, page * perPage) },
        link ? { link } : {},
      )
    }
    found = /^workflows\/([^/]+)\/runs$/.exec(rest)
    if (found) {
      const workflow = decodeURIComponent(found[1] ?? '')
      const branch = url.searchParams.get('branch')
      const status = url.searchParams.get('status')
      const event = url.searchParams.get('event')
      const listed = runs.filter(
        (run) =>
          (String(run.workflow_id) === workflow || String(run.path).endsWith(`/${workflow}`)) &&
          (!branch || run.head_branch === branch) &&
          (!event || run.event === event) &&
          (!status || run.status === status || run.conclusion === status),
      )
      const lastPage = Math.max(1, Math.ceil(listed.length / perPage))
      const link = linkHeader(url, page, lastPage)
      return send(
        res,
        200,
        { total_count: listed.length, workflow_runs: listed.slice((page - 1) * perPage, page * perPage) },
        link ? { link } : {},
      )
    }
    return reply(res, 404, error(404, 'Not Found'))
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    repos,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    },
  }
}

const HOST = 'https://github.com'

/**
 * A workflow run as GET /repos/{owner}/{repo}/actions/runs/{id} gives it (the fields the action
 * and a reader use).
 * @param {{ repo?: string, id: number, runNumber: number, workflowId?: number, branch?: string, status?: string, conclusion?: string | null, event?: string, startedAt?: string, updatedAt?: string, attempt?: number, name?: string, headRepo?: string }} run
 */
export function makeRun(run) {
  const repo = run.repo ?? 'octo-org/octo-repo'
  const startedAt = run.startedAt ?? '2026-01-10T10:00:00Z'
  return {
    id: run.id,
    name: run.name ?? 'CI',
    node_id: `WFR_${run.id}`,
    head_branch: run.branch ?? 'main',
    head_sha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    // GitHub names the repository the head commit came from: a fork's pull request names the fork.
    head_repository: { full_name: run.headRepo ?? repo },
    path: '.github/workflows/ci.yml',
    run_number: run.runNumber,
    event: run.event ?? 'push',
    status: run.status ?? 'completed',
    conclusion: run.conclusion === undefined ? 'success' : run.conclusion,
    workflow_id: run.workflowId ?? 161335,
    url: `https://api.github.com/repos/${repo}/actions/runs/${run.id}`,
    html_url: `${HOST}/${repo}/actions/runs/${run.id}`,
    created_at: startedAt,
    updated_at: run.updatedAt ?? startedAt,
    run_attempt: run.attempt ?? 1,
    run_started_at: startedAt,
    jobs_url: `https://api.github.com/repos/${repo}/actions/runs/${run.id}/jobs`,
    workflow_url: `https://api.github.com/repos/${repo}/actions/workflows/${run.workflowId ?? 161335}`,
  }
}

let nextJobId = 399444496

/**
 * A job as the jobs API gives it. `failAt`: the name of the step that failed (the steps after it
 * are skipped), or cancelled at it when the job's conclusion is cancelled.
 * @param {{ repo?: string, runId: number, attempt?: number, name: string, status?: string, conclusion?: string | null, startedAt?: string, seconds?: number, steps?: string[], failAt?: string, runnerName?: string }} job
 */
export function makeJob(job) {
  const repo = job.repo ?? 'octo-org/octo-repo'
  const id = nextJobId++
  const status = job.status ?? 'completed'
  const conclusion = status === 'completed' ? (job.conclusion === undefined ? 'success' : job.conclusion) : null
  const started = Date.parse(job.startedAt ?? '2026-01-10T10:00:05Z')
  const completedAt = status === 'completed' ? new Date(started + (job.seconds ?? 60) * 1000).toISOString() : null
  const names = job.steps ?? ['Set up job', 'Run actions/checkout@v4', 'Run tests', 'Complete job']
  let reached = false
  const steps =
    status === 'queued'
      ? []
      : names.map((name, index) => {
          const failing = name === job.failAt
          const after = reached
          if (failing) reached = true
          const stepStatus = status === 'completed' || index === 0 ? 'completed' : after ? 'pending' : 'in_progress'
          return {
            name,
            status: stepStatus,
            conclusion:
              stepStatus !== 'completed'
                ? null
                : failing
                  ? conclusion === 'cancelled'
                    ? 'cancelled'
                    : 'failure'
                  : after
                    ? 'skipped'
                    : 'success',
            number: index + 1,
            started_at: new Date(started).toISOString(),
            completed_at: stepStatus === 'completed' ? completedAt : null,
          }
        })
  return {
    id,
    run_id: job.runId,
    workflow_name: 'CI',
    head_branch: 'main',
    run_url: `https://api.github.com/repos/${repo}/actions/runs/${job.runId}`,
    run_attempt: job.attempt ?? 1,
    node_id: `CR_${id}`,
    head_sha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    url: `https://api.github.com/repos/${repo}/actions/jobs/${id}`,
    html_url: `${HOST}/${repo}/actions/runs/${job.runId}/job/${id}`,
    status,
    conclusion,
    created_at: new Date(started - 2000).toISOString(),
    started_at: new Date(started).toISOString(),
    completed_at: completedAt,
    name: job.name,
    steps,
    check_run_url: `https://api.github.com/repos/${repo}/check-runs/${id}`,
    labels: ['ubuntu-latest'],
    runner_id: status === 'queued' ? null : 1,
    runner_name: status === 'queued' ? null : (job.runnerName ?? `GitHub Actions ${id}`),
    runner_group_id: 1,
    runner_group_name: 'GitHub Actions',
  }
}
