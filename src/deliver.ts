// Delivers one composed message to every receiver: one token for the run, then one send per
// receiver, several at a time (the client keeps them within Feishu's rate limits). A failure
// for one receiver never stops the others, and every receiver ends with a result. Knows
// nothing of GitHub or of how results are reported.

import type { OutgoingMessage } from './compose.js'
import { FeishuError } from './errors.js'
import { sendBody, type FeishuClient } from './feishu-client.js'
import type { Receiver } from './receivers.js'

export interface DeliveryResult {
  readonly receiver: Receiver
  readonly ok: boolean
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

export async function deliver(options: {
  client: FeishuClient
  receivers: readonly Receiver[]
  message: OutgoingMessage
  uuidFor: (receiver: Receiver, body: string) => string
}): Promise<DeliveryResult[]> {
  const { client, receivers, message } = options
  try {
    await client.tenantToken()
  } catch (error) {
    const failure = asFeishuError(error)
    return receivers.map((receiver) => ({ receiver, ok: false, messageId: '', chatId: '', error: failure, stage: 'token' as const }))
  }

  const content = JSON.stringify(message.content)
  const results: DeliveryResult[] = new Array(receivers.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < receivers.length) {
      const index = next++
      const receiver = receivers[index]!
      try {
        const body = sendBody(receiver, message.msgType, content, options.uuidFor(receiver, content))
        const sent = await client.sendMessage(receiver, body)
        results[index] = { receiver, ok: true, ...sent }
      } catch (error) {
        results[index] = { receiver, ok: false, messageId: '', chatId: '', error: asFeishuError(error), stage: 'send' }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, receivers.length) }, worker))
  return results
}

function asFeishuError(error: unknown): FeishuError {
  if (error instanceof FeishuError) return error
  const text = error instanceof Error ? error.message : String(error)
  return new FeishuError({ code: null, msg: '', httpStatus: null, logId: '', meaning: `unexpected error: ${text}`, fix: 'please report this as a bug' }, { cause: error })
}
