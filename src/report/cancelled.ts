// What the step says when the run was cancelled while it was sending (the runner's SIGINT or
// SIGTERM): one line with how far it got and which receivers were not reached, so a person who
// runs it again knows what will be sent again. Each result's status for the `results` output.
// Pure: the verdict itself is given by outputs.ts.

import { bounded } from '../base/bounded.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import { describeReceiver } from '../feishu/targets.js'

/** Receivers named in the line, at most; the rest are counted (all are in the `results` output). */
const NAMED = 20

/** One result as the `results` output's `status` says it. */
export type ResultStatus = 'sent' | 'failed' | 'not_sent' | 'unconfirmed' | 'dry_run'

export function resultStatus(result: DeliveryResult): ResultStatus {
  if (result.ok) return 'sent'
  if (result.stage === 'dry-run') return 'dry_run'
  if (result.stage === 'cancelled') return result.error?.cancelled === 'in-flight' ? 'unconfirmed' : 'not_sent'
  return 'failed'
}

/**
 * "Cancelled (SIGTERM) after delivering to 3 of 6 receivers; not reached: chat_id oc_4, ...",
 * then what running it again does.
 */
export function cancelledLine(results: readonly DeliveryResult[], reason: string): string {
  const delivered = results.filter((result) => result.ok).length
  const missed = results.filter((result) => !result.ok)
  const named = missed.slice(0, NAMED).map((result) => {
    const status = resultStatus(result)
    return `${describeReceiver(result.receiver)}${status === 'unconfirmed' ? ' (sent, no answer: it may have arrived)' : ''}`
  })
  const more = missed.length > NAMED ? `, and ${missed.length - NAMED} more (see the results output)` : ''
  const webhook = results.some((result) => result.receiver.receiveIdType === 'webhook')
  const again = webhook
    ? 'A custom bot takes no idempotency key: check the group before running the step again.'
    : 'Running the step again in the same attempt sends only to those (each message keeps its uuid); a new attempt sends to every receiver again.'
  return `Cancelled (${bounded(reason, 40)}) after delivering to ${delivered} of ${results.length} receiver(s)${missed.length ? `; not reached: ${named.join(', ')}${more}` : ''}. ${missed.length ? again : ''}`.trim()
}
