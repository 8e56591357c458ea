// What the action knows of the workflow run: the runner's GITHUB_* environment and the event
// payload (GITHUB_EVENT_PATH), read into one typed RunContext, one function per kind of event.
// Everything in the payload was written by whoever pushed, opened a pull request or published a
// release: the context keeps it as written (the compose layer makes it safe where it goes), and
// only http(s) URLs are kept as links.

import { readFile } from 'node:fs/promises'
import { jsonObject as object, jsonText as text, type Json } from '../base/json.js'
import { isPlainObject } from '../base/objects.js'
import type { Environment } from '../base/runner.js'
import { safeHttpUrl } from '../markup/safe-url.js'

interface ReleaseFacts {
  readonly tag: string
  /** The release's name; the tag when it has none. */
  readonly name: string
  readonly url: string
  /** The release notes, GitHub markdown as written. */
  readonly body: string
  readonly author: string
  readonly authorUrl: string
  readonly prerelease: boolean
  readonly draft: boolean
  /** ISO 8601, or '' */
  readonly publishedAt: string
  readonly assets: readonly { readonly name: string; readonly url: string; readonly size: number }[]
}

interface PullRequestFacts {
  readonly number: number
  /** '' when the payload does not carry it (workflow_run lists pull requests without titles). */
  readonly title: string
  readonly url: string
  readonly headRef: string
  readonly baseRef: string
}

/** On workflow_run events: the run that triggered this one, which is what a build card reports. */
interface TriggeringRun {
  readonly name: string
  /** success, failure, cancelled, ... or '' while it has not completed. */
  readonly conclusion: string
  readonly url: string
  readonly runNumber: string
  readonly event: string
  /** Its id and attempt, for the jobs API (§14.5); '' when the payload lacks them. */
  readonly id: string
  readonly attempt: string
  /** Its workflow's id and its branch: where its previous run is looked for. */
  readonly workflowId: string
  readonly headBranch: string
  /** ISO 8601 times from the payload, or ''. */
  readonly startedAt: string
  readonly updatedAt: string
}

/** Who wrote a commit, as the event gives it: login '' when GitHub did not match the e-mail to an account. */
interface CommitPerson {
  readonly login: string
  readonly email: string
  readonly name: string
}

export interface RunContext {
  readonly serverUrl: string
  readonly repository: string
  readonly repositoryUrl: string
  readonly eventName: string
  readonly workflow: string
  readonly job: string
  readonly runId: string
  readonly runNumber: string
  readonly runAttempt: string
  readonly runUrl: string
  readonly actor: string
  readonly ref: string
  /** GITHUB_REF_NAME as the runner sets it (on pull_request runs: 12/merge). */
  readonly refName: string
  /** The branch or tag the run is about: the pull request's head branch, the triggering run's branch, the release tag. */
  readonly subject: { readonly type: 'branch' | 'tag' | ''; readonly name: string }
  /** The commit the run is about: head of the push, pull request or triggering run. */
  readonly sha: string
  /** Its full message, '' when the payload does not carry it (schedule, workflow_dispatch, release). */
  readonly commitMessage: string
  readonly commitUrl: string
  readonly compareUrl: string
  /** Who wrote the head commit, when the payload says (push, workflow_run); personal data (the e-mail). */
  readonly commitAuthor?: CommitPerson
  /** Every author and committer of the event's commits that GitHub matched to a login (push). */
  readonly commitPeople: readonly CommitPerson[]
  /** The login of whoever opened the pull request, '' when the payload does not carry it. */
  readonly pullRequestAuthor: string
  readonly pullRequest?: PullRequestFacts
  readonly release?: ReleaseFacts
  readonly triggeringRun?: TriggeringRun
}

/**
 * Reads the event payload file; a missing, empty or unreadable one is an empty payload, and `warn`
 * says so once (outside a runner, with no GITHUB_EVENT_PATH at all, a local run, nothing is said).
 */
export async function readRunContext(env: Environment, warn: (line: string) => void = () => {}): Promise<RunContext> {
  let payload: unknown = {}
  const path = env.GITHUB_EVENT_PATH
  let problem = !path && env.GITHUB_ACTIONS === 'true' ? 'is not set' : ''
  if (path) {
    let source: string | undefined
    try {
      source = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      problem = `names a file that cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`
    }
    if (source !== undefined && source.trim() === '') problem = 'names an empty file'
    else if (source !== undefined) {
      try {
        payload = JSON.parse(source)
        if (!isPlainObject(payload)) problem = 'holds JSON that is not an object'
      } catch {
        problem = 'names a file that is not JSON'
      }
    }
  }
  if (problem)
    warn(
      `The event payload (GITHUB_EVENT_PATH) ${problem}: the message is made from the GITHUB_* environment alone, without what the event says (release, pull request, commit message).`,
    )
  return runContext(env, payload)
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
/** What one kind of event adds to, or changes in, the context the environment gives. */
type EventFacts = Partial<Mutable<RunContext>>

/** Only http(s) URLs become links, percent-encoded so they cannot end a markdown link early. */
const link = (value: unknown): string => safeHttpUrl(text(value), false) ?? ''

/** Pure: the context from the environment and an already parsed payload. */
export function runContext(env: Environment, payloadValue: unknown): RunContext {
  const payload = object(payloadValue)
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY || text(object(payload.repository).full_name)
  const repositoryUrl = repository ? `${serverUrl}/${repository}` : ''
  const runId = env.GITHUB_RUN_ID ?? ''
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const ref = env.GITHUB_REF ?? text(payload.ref)
  const refName = env.GITHUB_REF_NAME ?? ref.replace(/^refs\/(heads|tags)\//, '')
  const refType =
    env.GITHUB_REF_TYPE === 'tag' || ref.startsWith('refs/tags/')
      ? 'tag'
      : ref.startsWith('refs/heads/') || env.GITHUB_REF_TYPE === 'branch'
        ? 'branch'
        : ''
  const context: Mutable<RunContext> = {
    serverUrl,
    repository,
    repositoryUrl,
    eventName,
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    runId,
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
    runUrl: repositoryUrl && runId ? `${repositoryUrl}/actions/runs/${runId}` : '',
    actor: env.GITHUB_ACTOR || text(object(payload.sender).login),
    ref,
    refName,
    subject: { type: refType, name: refName },
    sha: env.GITHUB_SHA ?? '',
    commitMessage: '',
    commitUrl: '',
    compareUrl: '',
    commitPeople: [],
    pullRequestAuthor: '',
  }
  // Later facts win: a pull request's head over the push's, the triggering run's over both.
  if (eventName === 'push') Object.assign(context, pushFacts(payload))
  Object.assign(context, pullRequestFacts(payload, repositoryUrl))
  if (eventName === 'workflow_run') Object.assign(context, workflowRunFacts(payload, repositoryUrl))
  Object.assign(context, releaseFacts(payload, serverUrl, eventName))
  if (repositoryUrl && /^[0-9a-f]{7,64}$/i.test(context.sha))
    context.commitUrl = `${repositoryUrl}/commit/${context.sha}`
  return context
}

/** A commit's author or committer as the payload gives it (push: name, email, username; workflow_run: name, email). */
function commitPerson(value: unknown): CommitPerson | undefined {
  const person = object(value)
  const found = { login: text(person.username), email: text(person.email), name: text(person.name) }
  return found.login || found.email || found.name ? found : undefined
}

/** push: the head commit, its message and author, the people of every commit, and the compare view GitHub made for the push. */
function pushFacts(payload: Json): EventFacts {
  const headCommit = object(payload.head_commit)
  const commits = [headCommit, ...(Array.isArray(payload.commits) ? payload.commits.map(object) : [])]
  const commitPeople = commits
    .flatMap((commit) => [commitPerson(commit.author), commitPerson(commit.committer)])
    .filter((person): person is CommitPerson => Boolean(person?.login && person.email))
  const commitAuthor = commitPerson(headCommit.author)
  return {
    ...(text(headCommit.id) ? { sha: text(headCommit.id) } : {}),
    commitMessage: text(headCommit.message),
    compareUrl: link(payload.compare),
    ...(commitAuthor ? { commitAuthor } : {}),
    commitPeople,
  }
}

/** Any event that carries a pull request (pull_request, pull_request_target, reviews, ...). */
function pullRequestFacts(payload: Json, repositoryUrl: string): EventFacts {
  const pr = object(payload.pull_request)
  if (Object.keys(pr).length === 0) return {}
  const head = object(pr.head)
  const base = object(pr.base)
  const pullRequest: PullRequestFacts = {
    number: Number(pr.number) || Number(payload.number) || 0,
    title: text(pr.title),
    url: link(pr.html_url),
    headRef: text(head.ref),
    baseRef: text(base.ref),
  }
  const facts: EventFacts = { pullRequest, pullRequestAuthor: text(object(pr.user).login) }
  // GITHUB_SHA of a pull_request run is a merge commit nobody wrote; the head is what was pushed.
  if (text(head.sha)) facts.sha = text(head.sha)
  if (pullRequest.headRef) facts.subject = { type: 'branch', name: pullRequest.headRef }
  // Branch names are anyone's text: each goes in as one encoded path segment.
  const headLabel = text(head.label) || pullRequest.headRef
  if (repositoryUrl && pullRequest.baseRef && headLabel) {
    facts.compareUrl = link(
      `${repositoryUrl}/compare/${encodeURIComponent(pullRequest.baseRef)}...${encodeURIComponent(headLabel).replace(/%3A/gi, ':')}`,
    )
  }
  return facts
}

/** workflow_run: the run that triggered this one, which is what a build card reports. */
function workflowRunFacts(payload: Json, repositoryUrl: string): EventFacts {
  const run = object(payload.workflow_run)
  if (Object.keys(run).length === 0) return {}
  const commitAuthor = commitPerson(object(run.head_commit).author)
  const facts: EventFacts = {
    commitMessage: text(object(run.head_commit).message),
    ...(commitAuthor ? { commitAuthor } : {}),
    triggeringRun: {
      name: text(run.name) || text(object(payload.workflow).name),
      conclusion: text(run.conclusion),
      url: link(run.html_url),
      runNumber: text(run.run_number),
      event: text(run.event),
      id: text(run.id),
      attempt: text(run.run_attempt) || '1',
      workflowId: text(run.workflow_id),
      headBranch: text(run.head_branch),
      startedAt: text(run.run_started_at) || text(run.created_at),
      updatedAt: text(run.updated_at),
    },
  }
  if (text(run.head_sha)) facts.sha = text(run.head_sha)
  if (text(run.head_branch)) facts.subject = { type: 'branch', name: text(run.head_branch) }
  const first = object(Array.isArray(run.pull_requests) ? run.pull_requests[0] : undefined)
  if (Object.keys(first).length > 0 && repositoryUrl) {
    const number = Number(first.number) || 0
    facts.pullRequest = {
      number,
      title: '',
      url: number ? `${repositoryUrl}/pull/${number}` : '',
      headRef: text(object(first.head).ref),
      baseRef: text(object(first.base).ref),
    }
  }
  return facts
}

/** Any event that carries a release; on release events its tag is what the run is about. */
function releaseFacts(payload: Json, serverUrl: string, eventName: string): EventFacts {
  const release = object(payload.release)
  if (Object.keys(release).length === 0) return {}
  const author = object(release.author)
  const tag = text(release.tag_name)
  const facts: EventFacts = {
    release: {
      tag,
      name: text(release.name).trim() || tag,
      url: link(release.html_url),
      body: text(release.body),
      author: text(author.login),
      authorUrl: link(author.html_url) || (text(author.login) ? `${serverUrl}/${text(author.login)}` : ''),
      prerelease: release.prerelease === true,
      draft: release.draft === true,
      publishedAt: text(release.published_at) || text(release.created_at),
      assets: (Array.isArray(release.assets) ? release.assets : [])
        .map(object)
        .map((asset) => ({
          name: text(asset.name),
          url: link(asset.browser_download_url),
          size: Number(asset.size) || 0,
        }))
        .filter((asset) => asset.name && asset.url),
    },
  }
  if (tag && eventName === 'release') facts.subject = { type: 'tag', name: tag }
  return facts
}

/**
 * What tells this step's messages apart from every other step's, for idempotency keys: run id,
 * attempt, job, step, and the runner's id of this job (RUNNER_TRACKING_ID: legs of a matrix and
 * reusable workflows called twice share the job and step names but not this). null outside a
 * workflow run (no GITHUB_RUN_ID): then nothing is shared between runs.
 */
export function stepIdentity(env: Environment): readonly string[] | null {
  if (!env.GITHUB_RUN_ID) return null
  return [
    env.GITHUB_RUN_ID,
    env.GITHUB_RUN_ATTEMPT ?? '',
    env.GITHUB_JOB ?? '',
    env.GITHUB_ACTION ?? '',
    env.RUNNER_TRACKING_ID ?? '',
  ]
}

/** The first line of a commit message: what `git log --oneline` shows. */
export function firstLine(message: string): string {
  return message.split(/\r?\n/, 1)[0]?.trim() ?? ''
}
