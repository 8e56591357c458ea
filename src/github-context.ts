// What the action knows of the workflow run: the runner's GITHUB_* environment and the event
// payload (GITHUB_EVENT_PATH), read into one typed RunContext, and the built-in ${name}
// variables made from it. Read directly rather than through @actions/github, whose entry point
// loads Octokit: this action never calls the GitHub API, and the bundle stays small.
//
// Everything in the payload was written by whoever pushed, opened a pull request or published
// a release. The context keeps it as written; the variables make Feishu markup in it inert.

import { readFile } from 'node:fs/promises'
import { UntrustedText } from './placeholders.js'
import { escapeCardMarkdown, neutralizeMarkup, safeHttpUrl } from './release-notes.js'
import { isPlainObject } from './structured.js'

export type Environment = Record<string, string | undefined>

export interface ReleaseFacts {
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

export interface PullRequestFacts {
  readonly number: number
  /** '' when the payload does not carry it (workflow_run lists pull requests without titles). */
  readonly title: string
  readonly url: string
  readonly headRef: string
  readonly baseRef: string
}

/** On workflow_run events: the run that triggered this one, which is what a build card reports. */
export interface TriggeringRun {
  readonly name: string
  /** success, failure, cancelled, ... or '' while it has not completed. */
  readonly conclusion: string
  readonly url: string
  readonly runNumber: string
  readonly event: string
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
  readonly pullRequest?: PullRequestFacts
  readonly release?: ReleaseFacts
  readonly triggeringRun?: TriggeringRun
}

/** Reads the event payload file; a missing or unreadable one (a local run) is an empty payload. */
export async function readRunContext(env: Environment): Promise<RunContext> {
  let payload: unknown = {}
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'))
    } catch {
      // The runner always writes it; without it the card shows what the environment says.
    }
  }
  return runContext(env, payload)
}

type Json = Record<string, unknown>

const object = (value: unknown): Json => (isPlainObject(value) ? value : {})
const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
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
  let sha = env.GITHUB_SHA ?? ''
  let commitMessage = ''
  let compareUrl = ''
  const refName = env.GITHUB_REF_NAME ?? ref.replace(/^refs\/(heads|tags)\//, '')
  let subject: RunContext['subject'] = {
    type:
      env.GITHUB_REF_TYPE === 'tag' || ref.startsWith('refs/tags/')
        ? 'tag'
        : ref.startsWith('refs/heads/') || env.GITHUB_REF_TYPE === 'branch'
          ? 'branch'
          : '',
    name: refName,
  }
  let pullRequest: PullRequestFacts | undefined
  let triggeringRun: TriggeringRun | undefined

  const headCommit = object(payload.head_commit)
  if (eventName === 'push') {
    if (text(headCommit.id)) sha = text(headCommit.id)
    commitMessage = text(headCommit.message)
    compareUrl = link(payload.compare)
  }

  const pr = object(payload.pull_request)
  if (Object.keys(pr).length > 0) {
    const head = object(pr.head)
    const base = object(pr.base)
    pullRequest = {
      number: Number(pr.number) || Number(payload.number) || 0,
      title: text(pr.title),
      url: link(pr.html_url),
      headRef: text(head.ref),
      baseRef: text(base.ref),
    }
    // GITHUB_SHA of a pull_request run is a merge commit nobody wrote; the head is what was pushed.
    if (text(head.sha)) sha = text(head.sha)
    if (pullRequest.headRef) subject = { type: 'branch', name: pullRequest.headRef }
    // Branch names are anyone's text: each goes in as one encoded path segment.
    const headLabel = text(head.label) || pullRequest.headRef
    if (repositoryUrl && pullRequest.baseRef && headLabel)
      compareUrl = link(
        `${repositoryUrl}/compare/${encodeURIComponent(pullRequest.baseRef)}...${encodeURIComponent(headLabel).replace(/%3A/gi, ':')}`,
      )
  }

  const run = object(payload.workflow_run)
  if (eventName === 'workflow_run' && Object.keys(run).length > 0) {
    const runCommit = object(run.head_commit)
    if (text(run.head_sha)) sha = text(run.head_sha)
    commitMessage = text(runCommit.message)
    if (text(run.head_branch)) subject = { type: 'branch', name: text(run.head_branch) }
    triggeringRun = {
      name: text(run.name) || text(object(payload.workflow).name),
      conclusion: text(run.conclusion),
      url: link(run.html_url),
      runNumber: text(run.run_number),
      event: text(run.event),
    }
    const first = object(Array.isArray(run.pull_requests) ? run.pull_requests[0] : undefined)
    if (Object.keys(first).length > 0 && repositoryUrl) {
      const number = Number(first.number) || 0
      pullRequest = {
        number,
        title: '',
        url: number ? `${repositoryUrl}/pull/${number}` : '',
        headRef: text(object(first.head).ref),
        baseRef: text(object(first.base).ref),
      }
    }
  }

  const releaseValue = object(payload.release)
  let release: ReleaseFacts | undefined
  if (Object.keys(releaseValue).length > 0) {
    const author = object(releaseValue.author)
    const tag = text(releaseValue.tag_name)
    release = {
      tag,
      name: text(releaseValue.name).trim() || tag,
      url: link(releaseValue.html_url),
      body: text(releaseValue.body),
      author: text(author.login),
      authorUrl: link(author.html_url) || (text(author.login) ? `${serverUrl}/${text(author.login)}` : ''),
      prerelease: releaseValue.prerelease === true,
      draft: releaseValue.draft === true,
      publishedAt: text(releaseValue.published_at) || text(releaseValue.created_at),
      assets: (Array.isArray(releaseValue.assets) ? releaseValue.assets : [])
        .map(object)
        .map((asset) => ({
          name: text(asset.name),
          url: link(asset.browser_download_url),
          size: Number(asset.size) || 0,
        }))
        .filter((asset) => asset.name && asset.url),
    }
    if (tag && eventName === 'release') subject = { type: 'tag', name: tag }
  }

  const commitUrl = repositoryUrl && /^[0-9a-f]{7,64}$/i.test(sha) ? `${repositoryUrl}/commit/${sha}` : ''
  return {
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
    subject,
    sha,
    commitMessage,
    commitUrl,
    compareUrl,
    pullRequest,
    release,
    triggeringRun,
  }
}

/** The first line of a commit message: what `git log --oneline` shows. */
export function firstLine(message: string): string {
  return message.split(/\r?\n/, 1)[0]?.trim() ?? ''
}

/**
 * Text that people wrote, as a variable: Feishu tags made inert, and `](` broken so it cannot
 * turn into a link where Feishu reads markdown links (text messages too, §4.1); in markdown
 * fields, every markdown character is made literal as well.
 */
function untrusted(value: string): UntrustedText {
  return new UntrustedText(neutralizeMarkup(value).replace(/\]\(/g, ']\u200B('), escapeCardMarkdown(value))
}

/**
 * The built-in variables ('' when the run does not have one). Text that people wrote (names,
 * messages, titles, branches) is an UntrustedText, so it cannot become a Feishu mention, tag or
 * link wherever a template puts it. `release_body` is added by compose, which converts it.
 */
export function builtinVariables(context: RunContext, status = ''): Map<string, unknown> {
  const safe = untrusted
  const { release, pullRequest } = context
  return new Map<string, unknown>([
    ['repository', context.repository],
    ['repository_url', context.repositoryUrl],
    ['ref', safe(context.ref)],
    ['ref_name', safe(context.refName)],
    ['sha', context.sha],
    ['short_sha', context.sha.slice(0, 7)],
    ['actor', safe(context.actor)],
    ['event_name', context.eventName],
    ['workflow', safe(context.workflow)],
    ['job', safe(context.job)],
    ['run_id', context.runId],
    ['run_number', context.runNumber],
    ['run_attempt', context.runAttempt],
    ['run_url', context.runUrl],
    ['server_url', context.serverUrl],
    ['status', status],
    ['commit_message', safe(context.commitMessage)],
    ['commit_url', context.commitUrl],
    ['compare_url', context.compareUrl],
    ['pull_request_number', pullRequest?.number ? String(pullRequest.number) : ''],
    ['pull_request_title', safe(pullRequest?.title ?? '')],
    ['pull_request_url', pullRequest?.url ?? ''],
    ['release_tag', safe(release?.tag ?? '')],
    ['release_name', safe(release?.name ?? '')],
    ['release_url', release?.url ?? ''],
    ['release_author', safe(release?.author ?? '')],
    ['release_prerelease', release ? String(release.prerelease) : ''],
  ])
}
