// The fake GitHub API answers as GitHub does (§14.5): paging with the Link header, 401 for an
// unknown token, 403 without actions: read (404 on a private repository), the runs of a workflow
// filtered and newest first. Checked with plain fetch, so the fake is not tested by the client
// it is meant to test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeJob, makeRun, startFakeGithub } from './fake-github.mjs'

type Fake = Awaited<ReturnType<typeof startFakeGithub>>
let fake: Fake

beforeAll(async () => {
  fake = await startFakeGithub({
    repos: {
      'o/r': {
        runs: [
          makeRun({ repo: 'o/r', id: 10, runNumber: 1, conclusion: 'failure' }),
          makeRun({ repo: 'o/r', id: 12, runNumber: 3, status: 'in_progress', conclusion: null }),
          makeRun({ repo: 'o/r', id: 11, runNumber: 2, branch: 'dev' }),
        ],
        jobs: { '12/1': Array.from({ length: 120 }, (_, index) => makeJob({ runId: 12, name: `job ${index}` })) },
      },
      'o/private': { private: true, runs: [makeRun({ repo: 'o/private', id: 5, runNumber: 1 })] },
    },
  })
})
afterAll(() => fake.close())

const get = (path: string, token = 'ghs_read') =>
  fetch(`${fake.url}${path}`, { headers: { authorization: `token ${token}` } })

describe('fake GitHub API', () => {
  it('pages the jobs of an attempt with a Link header, at most 100 a page', async () => {
    const first = await get('/repos/o/r/actions/runs/12/attempts/1/jobs?per_page=500')
    const body = (await first.json()) as { total_count: number; jobs: { name: string }[] }
    expect(first.status).toBe(200)
    expect(body.total_count).toBe(120)
    expect(body.jobs).toHaveLength(100)
    expect(first.headers.get('link')).toMatch(/page=2>; rel="next"/)
    const second = await get('/repos/o/r/actions/runs/12/attempts/1/jobs?per_page=100&page=2')
    expect(((await second.json()) as { jobs: unknown[] }).jobs).toHaveLength(20)
    expect(second.headers.get('link')).not.toContain('rel="next"')
  })

  it('lists completed runs of a workflow on a branch, newest first', async () => {
    const answer = await get('/repos/o/r/actions/workflows/161335/runs?branch=main&status=completed')
    const body = (await answer.json()) as { workflow_runs: { id: number }[] }
    expect(body.workflow_runs.map((run) => run.id)).toEqual([10])
    const run = (await (await get('/repos/o/r/actions/runs/12')).json()) as { run_number: number; status: string }
    expect(run).toMatchObject({ run_number: 3, status: 'in_progress' })
  })

  it('refuses as GitHub does: 401 unknown token, 403 without actions: read, 404 on a private repository', async () => {
    const unknown = await get('/repos/o/r/actions/runs/12', 'ghs_bogus')
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toMatchObject({ message: 'Bad credentials' })
    const restricted = await get('/repos/o/r/actions/runs/12', 'ghs_none')
    expect(restricted.status).toBe(403)
    expect(await restricted.json()).toMatchObject({ message: 'Resource not accessible by integration' })
    expect((await get('/repos/o/private/actions/runs/5', 'ghs_none')).status).toBe(404)
    expect((await get('/repos/o/r/actions/runs/999')).status).toBe(404)
  })

  it('makeJob marks the failed step and skips the rest', () => {
    const job = makeJob({ runId: 1, name: 'test', conclusion: 'failure', failAt: 'Run tests' })
    expect(job.steps.map((step) => step.conclusion)).toEqual(['success', 'success', 'failure', 'skipped'])
    expect(job.html_url).toMatch(/^https:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/1\/job\/\d+$/)
  })
})
