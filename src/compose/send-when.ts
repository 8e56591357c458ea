// Whether a message goes out at all, after Travis CI's notification settings (`on-success`,
// `on-failure`: always, change, never), and what the message needs from the GitHub API. Pure.
// Must not: read the API or log; an unknown previous run or status always sends.

import type { ApiNeeds } from '../github/api.js'
import type { PreviousRun } from '../github/run-facts.js'
import type { Config, Status } from '../inputs/config.js'

type SendConfig = Pick<Config, 'content' | 'variables' | 'title' | 'statusAuto' | 'onSuccess' | 'onFailure'>

/** Nothing is asked of the API that the message or the send decision does not use. */
export function apiNeeds(config: SendConfig): ApiNeeds {
  const buildCard = config.content.kind === 'preset' && config.content.preset === 'workflow'
  const text = JSON.stringify([config.content, config.variables ?? null, config.title])
  const uses = (name: string): boolean => text.includes(`\${${name}}`)
  return {
    jobs: buildCard || config.statusAuto || uses('failed_jobs'),
    duration: buildCard || uses('duration'),
    previous:
      buildCard ||
      config.onSuccess === 'change' ||
      config.onFailure === 'change' ||
      uses('previous_status') ||
      uses('status_change'),
  }
}

/** Why nothing is sent, as one log line; '' when the message goes out. */
export function skipReason(config: SendConfig, status: Status, previous: PreviousRun | null | undefined): string {
  const failed = status === 'failure' || status === 'cancelled'
  if (status !== 'success' && !failed) return ''
  const setting = status === 'success' ? config.onSuccess : config.onFailure
  const input = status === 'success' ? 'on-success' : 'on-failure'
  if (setting === 'never') return `Not sending: the status is ${status} and \`${input}\` is never.`
  if (setting !== 'change' || !previous) return ''
  if (status === 'success' && previous.status === 'success')
    return `Not sending: the status is success, the previous run (#${previous.runNumber}) succeeded too, and \`on-success\` is change.`
  if (failed && previous.status !== 'success')
    return `Not sending: the status is ${status}, the previous run (#${previous.runNumber}) did not succeed either (${previous.status}), and \`on-failure\` is change.`
  return ''
}
