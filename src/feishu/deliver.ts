// Delivers one composed message to every target: with the app bot, one token for the run, then
// one request per target (a send per receiver, or the one reply or card update), several at a
// time (the client keeps them within Feishu's rate limits); with a custom bot, one post to its
// hook. A failure for one target never stops the others, and every target ends with a result.
// Knows nothing of GitHub or of how results are reported.

import type { Cancellation } from '../base/cancel.js'
import { notStartedError } from './cancelled.js'
import { FeishuError } from './errors.js'
import type { FeishuClient } from './client.js'
import type { AppDeliveryPlan } from './plan.js'
import type { FeishuMessage } from './message.js'
import type { WebhookClient } from './webhook-client.js'
import { WEBHOOK_TARGET, type Target } from './targets.js'

/** What became of one attachment for one receiver (feishu/attachments.ts). */
export interface AttachmentOutcome {
  readonly shown: string
  readonly ok: boolean
  readonly messageId: string
  readonly error?: FeishuError
}

export interface DeliveryResult {
  readonly receiver: Target
  readonly ok: boolean
  /** The message sent, replied or updated; '' when it failed, and always for a custom bot (no id, §7.4). */
  readonly messageId: string
  readonly chatId: string
  readonly error?: FeishuError
  /**
   * What failed, for the message: `token` when no send was attempted, `dry-run` when none was
   * meant to be, `cancelled` when the run was cancelled before the send started or was answered
   * (the error's `cancelled` says which).
   */
  readonly stage?: 'token' | 'send' | 'dry-run' | 'cancelled'
  /** The step's attachments, each sent to this receiver after the message (feishu/attachments.ts); absent without any. */
  readonly attachments?: readonly AttachmentOutcome[]
}

/**
 * Sends in flight at once. The client's limiters do the pacing; this only needs to be high
 * enough to reach Feishu's 50 requests/s when each request takes a few hundred milliseconds.
 */
const CONCURRENCY = 16

/** How often a long delivery says how far it got. */
const PROGRESS_EVERY_MS = 10_000

export interface DeliverOptions {
  client: FeishuClient
  plan: AppDeliveryPlan
  /** Told every `progressEveryMs` while sends are under way (never for a delivery shorter than that). */
  progress?: (line: string) => void
  progressEveryMs?: number
  /**
   * The run's cancellation (the same the client was given): once cancelled, no further target
   * is started; every target not delivered ends with stage `cancelled`.
   */
  cancellation?: Cancellation
}

export async function deliver(options: DeliverOptions): Promise<DeliveryResult[]> {
  const { client, plan, progress, progressEveryMs = PROGRESS_EVERY_MS, cancellation } = options
  const { targets } = plan
  try {
    await client.tenantToken()
  } catch (error) {
    const failure = asFeishuError(error)
    // Cancelled while the token was awaited: no message was sent.
    if (failure.cancelled)
      return targets.map((receiver) => ({
        ...notDelivered(receiver, notStartedError(cancellation?.reason ?? 'cancelled')),
        stage: 'cancelled' as const,
      }))
    return targets.map((receiver) => ({ ...notDelivered(receiver, failure), stage: 'token' as const }))
  }

  const results = new Array<DeliveryResult>(targets.length)
  let next = 0
  let sent = 0
  let failed = 0
  const worker = async (): Promise<void> => {
    while (next < targets.length && !cancellation?.signal.aborted) {
      const index = next++
      const receiver = targets[index]!
      try {
        const answer = await client.deliver(receiver, plan.requestFor(receiver))
        results[index] = { receiver, ok: true, ...answer }
        sent += 1
      } catch (error) {
        const failure = asFeishuError(error)
        results[index] = { ...notDelivered(receiver, failure), stage: failure.cancelled ? 'cancelled' : 'send' }
        failed += 1
      }
    }
  }
  const started = Date.now()
  const timer = progress
    ? setInterval(
        () => progress(progressLine(sent, failed, targets.length, Date.now() - started)),
        progressEveryMs,
      ).unref()
    : undefined
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker))
  } finally {
    clearInterval(timer)
  }
  // Targets no worker started: the run was cancelled first.
  for (let index = next; index < targets.length; index++) {
    results[index] = {
      ...notDelivered(targets[index]!, notStartedError(cancellation?.reason ?? 'cancelled')),
      stage: 'cancelled',
    }
  }
  return results
}

function notDelivered(receiver: Target, error: FeishuError): DeliveryResult {
  return { receiver, ok: false, messageId: '', chatId: '', error }
}

/** "Progress: 1200 of 5000 sent, 3 failed, 3797 remaining, about 3 min 50 s left". */
export function progressLine(sent: number, failed: number, total: number, elapsedMs: number): string {
  const done = sent + failed
  const remaining = total - done
  const left = done > 0 ? Math.round(((elapsedMs / done) * remaining) / 1000) : undefined
  const eta =
    left === undefined
      ? 'time left not known yet'
      : `about ${left >= 60 ? `${Math.floor(left / 60)} min ${left % 60} s` : `${left} s`} left`
  return `Progress: ${sent} of ${total} sent, ${failed} failed, ${remaining} remaining, ${eta}`
}

/** One post to a custom bot's hook; delivered means Feishu said code 0, and there is no message id. */
export async function deliverByWebhook(client: WebhookClient, message: FeishuMessage): Promise<DeliveryResult[]> {
  try {
    await client.send(message)
    return [{ receiver: WEBHOOK_TARGET, ok: true, messageId: '', chatId: '' }]
  } catch (error) {
    const failure = asFeishuError(error)
    return [{ ...notDelivered(WEBHOOK_TARGET, failure), stage: failure.cancelled ? 'cancelled' : 'send' }]
  }
}

function asFeishuError(error: unknown): FeishuError {
  if (error instanceof FeishuError) return error
  const text = error instanceof Error ? error.message : String(error)
  return new FeishuError(
    {
      code: null,
      msg: '',
      httpStatus: null,
      logId: '',
      meaning: `unexpected error: ${text}`,
      fix: 'please report this as a bug',
    },
    { cause: error },
  )
}
