// Turns delivery results into the step's outputs, log lines, and its final verdict
// (failed, or warnings when fail-on-error is false). Secrets never reach here.

import * as core from '@actions/core'
import type { DeliveryResult } from './deliver.js'
import { describeReceiver } from './receivers.js'

/** One entry of the `results` output. */
export interface ResultEntry {
  receive_id: string
  receive_id_type: string
  ok: boolean
  message_id: string
  chat_id: string
  code: number | null
  error: string
}

export function resultEntries(results: readonly DeliveryResult[]): ResultEntry[] {
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

export function setOutputs(results: readonly DeliveryResult[]): void {
  const entries = resultEntries(results)
  const first = results.find((result) => result.ok)
  const outputs = {
    'message-id': first?.messageId ?? '',
    'message-ids': JSON.stringify(results.map((result) => result.messageId)),
    'chat-id': first?.chatId ?? '',
    results: JSON.stringify(entries),
  }
  core.startGroup('Outputs')
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value)
    core.info(`${name}: ${value}`)
  }
  core.endGroup()
}

/** Logs one line per delivery, sets the outputs, then fails the step (or warns) naming every receiver that failed. */
export function reportDelivery(results: readonly DeliveryResult[], failOnError: boolean): void {
  for (const result of results) {
    if (result.ok) core.info(`Delivered to ${describeReceiver(result.receiver)}: message ${result.messageId} in chat ${result.chatId}`)
  }
  setOutputs(results)
  const failed = results.filter((result) => !result.ok)
  if (failed.length === 0) {
    core.info(`Delivered to all ${results.length} receiver(s).`)
    return
  }
  const tokenFailure = failed.every((result) => result.stage === 'token') ? failed[0] : undefined
  const lines = tokenFailure
    ? [`Nothing was sent: ${TOKEN_FAILED}${tokenFailure.error?.message}`]
    : [`${failed.length} of ${results.length} receiver(s) did not get the message:`, ...failed.map((result) => `- ${describeReceiver(result.receiver)}: ${failureText(result)}`)]
  const text = lines.join('\n')
  if (failOnError) {
    core.setFailed(text)
  } else {
    core.warning(`${text}\n(fail-on-error is false, so the step succeeds.)`)
  }
}
