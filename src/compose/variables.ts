// The built-in ${name} variables, made from the run's context. Text that people wrote (names,
// messages, titles, branches) becomes UntrustedText, so it cannot turn into a Feishu mention, tag
// or link wherever a template puts it. Pure.

import type { RunContext } from '../github/context.js'
import { isFailed, statusChange, type BuildFacts } from '../github/run-facts.js'
import type { Status } from '../inputs/config.js'
import { escapeCardMarkdown, neutralizeMarkup } from '../markup/escape.js'
import { formatDuration } from './jobs.js'
import { testVariables } from './tests.js'
import { UntrustedText } from './placeholders.js'

/**
 * Text that people wrote, as a variable: Feishu tags made inert, and `](` broken so it cannot
 * turn into a link where Feishu reads markdown links (text messages too, §4.1); in markdown
 * fields, every markdown character is made literal as well.
 */
export function untrusted(value: string): UntrustedText {
  return new UntrustedText(neutralizeMarkup(value).replace(/\]\(/g, ']\u200B('), escapeCardMarkdown(value))
}

/**
 * The built-in variables ('' when the run does not have one). Text that people wrote (names,
 * messages, titles, branches) is an UntrustedText, so it cannot become a Feishu mention, tag or
 * link wherever a template puts it. `release_body` is added by compose, which converts it.
 */
export function builtinVariables(
  context: RunContext,
  status: Status = '',
  facts: BuildFacts = {},
): Map<string, unknown> {
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
    // GitHub logins (the head commit's author's name when GitHub matched no account); never an e-mail.
    ['commit_author', safe(context.commitAuthor?.login || context.commitAuthor?.name || '')],
    ['pull_request_author', safe(context.pullRequestAuthor)],
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
    // From the GitHub API (§14.5): '' when the token cannot read it.
    ['duration', facts.durationMs === undefined ? '' : formatDuration(facts.durationMs)],
    [
      'failed_jobs',
      safe(
        (facts.jobs ?? [])
          .filter(isFailed)
          .map((job) => job.name)
          .join(', '),
      ),
    ],
    ['previous_status', facts.previous?.status ?? ''],
    ['status_change', statusChange(status, facts.previous)],
    // From the `test-results` reports: '' without them.
    ...testVariables(facts.tests),
  ])
}
