// Delivers one composed message to every target: with the app bot, one token for the run, then
// one request per target (a send per receiver, or the one reply or card update), several at a
// time (the client keeps them within Feishu's rate limits); with a custom bot, one post to its
// hook. A failure for one target never stops the others, and every target ends with a result.
// Knows nothing of GitHub or of how results are reported.

import { FeishuError } from './errors.js'
import type { FeishuClient } from './client.js'
import type { AppDeliveryPlan } from './plan.js'
import type { FeishuMessage } from './message.js'
import type { WebhookClient } from './webhook-client.js'
import { WEBHOOK_TARGET, type Target } from './targets.js'

export interface DeliveryResult {
  readonly receiver: Target
  readonly ok: boolean
  /** The message sent, replied or updated; '' when it failed, and always for a custom bot (no id, §7.4). */
  readonly messageId: string
  readonly chatId: string
  readonly error?: FeishuError
  /** What failed, for the message: `token` when no send was attempted, `dry-run` when none was meant to be. */
  readonly stage?: 'token' | 'send' | 'dry-run'
}

/**
 * Sends in flight at once. The client's limiters do the pacing; this only needs to be high
 * enough to reach Feishu's 50 requests/s when each request takes a few hundred milliseconds.
 */
const CONCURRENCY = 16

export async function deliver(options: { client: FeishuClient; plan: AppDeliveryPlan }): Promise<DeliveryResult[]> {
  const { client, plan } = options
  const { targets } = plan
  try {
    await client.tenantToken()
  } catch (error) {
    const failure = asFeishuError(error)
    return targets.map((receiver) => ({
      receiver,
      ok: false,
      messageId: '',
      chatId: '',
      error: failure,
      stage: 'token' as const,
    }))
  }

  const results: DeliveryResult[] = new Array(targets.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const index = next++
      const receiver = targets[index]!
      try {
        const sent = await client.deliver(receiver, plan.requestFor(receiver))
        results[index] = { receiver, ok: true, ...sent }
      } catch (error) {
        results[index] = { receiver, ok: false, messageId: '', chatId: '', error: asFeishuError(error), stage: 'send' }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker))
  return results
}

/** One post to a custom bot's hook; delivered means Feishu said code 0, and there is no message id. */
export async function deliverByWebhook(client: WebhookClient, message: FeishuMessage): Promise<DeliveryResult[]> {
  try {
    await client.send(message)
    return [{ receiver: WEBHOOK_TARGET, ok: true, messageId: '', chatId: '' }]
  } catch (error) {
    return [
      { receiver: WEBHOOK_TARGET, ok: false, messageId: '', chatId: '', error: asFeishuError(error), stage: 'send' },
    ]
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
