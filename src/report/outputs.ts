// Turns delivery results into the step's outputs, log lines, and its final verdict
// (failed, or warnings when fail-on-error is false). Secrets never reach here.

import type { Runner } from '../base/runner.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import { describeReceiver } from '../feishu/targets.js'

/** One entry of the `results` output. */
interface ResultEntry {
  receive_id: string
  receive_id_type: string
  ok: boolean
  message_id: string
  chat_id: string
  code: number | null
  error: string
}

function resultEntries(results: readonly DeliveryResult[]): ResultEntry[] {
  return results.map((result) => ({
    receive_id: result.receiver.receiveId,
    receive_id_type: result.receiver.receiveIdType,
    ok: result.ok,
    message_id: result.messageId,
    chat_id: result.chatId,
    code: result.ok ? 0 : (result.error?.code ?? null),
    error: result.ok ? '' : failureText(result),
  }))
}

const TOKEN_FAILED = 'getting a tenant access token failed: '

function failureText(result: DeliveryResult): string {
  if (result.stage === 'dry-run') return 'dry run: not sent'
  const what = result.stage === 'token' ? `not sent: ${TOKEN_FAILED}` : ''
  return `${what}${result.error?.message ?? 'unknown error'}`
}

export function setOutputs(runner: Runner, results: readonly DeliveryResult[]): void {
  const entries = resultEntries(results)
  const first = results.find((result) => result.ok)
  const outputs = {
    'message-id': first?.messageId ?? '',
    'message-ids': JSON.stringify(results.map((result) => result.messageId)),
    'chat-id': first?.chatId ?? '',
    results: JSON.stringify(entries),
  }
  runner.startGroup('Outputs')
  for (const [name, value] of Object.entries(outputs)) {
    runner.setOutput(name, value)
    runner.info(`${name}: ${value}`)
  }
  runner.endGroup()
}

/** What one delivery did, for the log. */
function deliveredLine({ receiver, messageId, chatId }: DeliveryResult): string {
  switch (receiver.receiveIdType) {
    case 'webhook':
      return 'Delivered by the custom bot webhook (Feishu gives custom bots no message id).'
    case 'update_message_id':
      return `Updated card ${messageId}.`
    case 'reply_to':
      return `Replied to ${receiver.receiveId}: message ${messageId} in chat ${chatId}`
    default:
      return `Delivered to ${describeReceiver(receiver)}: message ${messageId} in chat ${chatId}`
  }
}

/** Logs one line per delivery, sets the outputs, then fails the step (or warns) naming every receiver that failed. */
export function reportDelivery(runner: Runner, results: readonly DeliveryResult[], failOnError: boolean): void {
  for (const result of results) {
    if (result.ok) runner.info(deliveredLine(result))
  }
  setOutputs(runner, results)
  const failed = results.filter((result) => !result.ok)
  // A custom bot, an update or a reply is one request, not a list of receivers.
  const single =
    results.length === 1 && ['webhook', 'update_message_id', 'reply_to'].includes(results[0]!.receiver.receiveIdType)
  if (failed.length === 0) {
    if (!single) runner.info(`Delivered to all ${results.length} receiver(s).`)
    return
  }
  const tokenFailure = failed.every((result) => result.stage === 'token') ? failed[0] : undefined
  const lines = tokenFailure
    ? [`Nothing was sent: ${TOKEN_FAILED}${tokenFailure.error?.message}`]
    : single
      ? [`The ${describeReceiver(failed[0]!.receiver)} failed: ${failureText(failed[0]!)}`]
      : [
          `${failed.length} of ${results.length} receiver(s) did not get the message:`,
          ...failed.map((result) => `- ${describeReceiver(result.receiver)}: ${failureText(result)}`),
        ]
  const text = lines.join('\n')
  if (failOnError) {
    runner.setFailed(text)
  } else {
    runner.warning(`${text}\n(fail-on-error is false, so the step succeeds.)`)
  }
}
