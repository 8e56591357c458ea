// Turns delivery results into the step's outputs, log lines, and its final verdict
// (failed, or warnings when fail-on-error is false). Secrets never reach here.

import { OutputFileError, type Runner } from '../base/runner.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import { describeReceiver } from '../feishu/targets.js'
import { attachmentFailureLines, attachmentIds } from './attachment-lines.js'
import { cancelledLine, resultStatus, type ResultStatus } from './cancelled.js'

/** One entry of the `results` output. */
interface ResultEntry {
  receive_id: string
  receive_id_type: string
  ok: boolean
  message_id: string
  chat_id: string
  code: number | null
  error: string
  attachment_message_ids?: string[]
  /** sent, failed, not_sent or unconfirmed (the run was cancelled before it started, or before its answer), dry_run. */
  status: ResultStatus
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
    ...attachmentIds(result),
    status: resultStatus(result),
  }))
}

const TOKEN_FAILED = 'getting a tenant access token failed: '

function failureText(result: DeliveryResult): string {
  if (result.stage === 'dry-run') return 'dry run: not sent'
  const what = result.stage === 'token' ? `not sent: ${TOKEN_FAILED}` : ''
  return `${what}${result.error?.message ?? 'unknown error'}`
}

/**
 * Sets the outputs and shows each in the log, so a value is never lost even when the runner's
 * output file cannot be written. Returns that problem ('' when none), found once: after it, the
 * remaining outputs are only shown. The log group is closed whatever happens.
 */
export function setOutputs(runner: Runner, results: readonly DeliveryResult[]): string {
  const entries = resultEntries(results)
  const first = results.find((result) => result.ok)
  const outputs = {
    'message-id': first?.messageId ?? '',
    'message-ids': JSON.stringify(results.map((result) => result.messageId)),
    'chat-id': first?.chatId ?? '',
    results: JSON.stringify(entries),
    // A step that decided not to send sets `skipped` to true before it gets here (main.ts).
    skipped: 'false',
  }
  let problem = ''
  runner.startGroup('Outputs')
  try {
    for (const [name, text] of Object.entries(outputs)) {
      // The runner masks the log, not the output file: every secret, in every spelling, is hidden here.
      const value = runner.redact(text)
      runner.info(`${name}: ${value}`)
      if (problem) continue
      try {
        runner.setOutput(name, value)
      } catch (error) {
        if (!(error instanceof OutputFileError)) throw error
        problem = error.message
      }
    }
  } finally {
    runner.endGroup()
  }
  return problem
}

/**
 * The outputs could not be written after the message went out: said once, as what it is, with the
 * message ids, so that nothing is lost; a failure, or a warning when fail-on-error is false.
 */
export function reportOutputProblem(
  runner: Runner,
  problem: string,
  results: readonly DeliveryResult[],
  failOnError: boolean,
  dryRun = false,
): string {
  if (!problem) return ''
  const ids = results.map((result) => result.messageId).filter(Boolean)
  const sent = results.some((result) => result.ok)
  const what = dryRun
    ? 'Dry run'
    : sent
      ? `The message was delivered${ids.length ? ` (message id${ids.length > 1 ? 's' : ''} ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}, all in the Outputs group above)` : ''}`
      : 'Nothing was delivered'
  const text = `${what}, but ${problem}; later steps will not see this step's outputs. Check the runner's disk and the GITHUB_OUTPUT file${sent ? '; do not re-run only to resend' : ''}.`
  if (failOnError) runner.setFailed(text)
  else runner.warning(`${text}\n(fail-on-error is false, so the step succeeds.)`)
  return text
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

/**
 * Logs one line per delivery, sets the outputs, then fails the step (or warns) naming every
 * receiver that failed, and any output that could not be written: one failure at most. Returns
 * the output problem for the summary ('' when none).
 */
export function reportDelivery(
  runner: Runner,
  results: readonly DeliveryResult[],
  failOnError: boolean,
  /** Why the run was cancelled (SIGTERM), when it was: the verdict is the cancellation line, and always a failure. */
  cancelled?: string,
): string {
  // One line per receiver: folded into a group when there are several, so thousands do not bury the verdict.
  const delivered = results.filter((result) => result.ok)
  const grouped = results.length > 1 && delivered.length > 0
  if (grouped) runner.startGroup(`Delivered to ${delivered.length} of ${results.length} receiver(s)`)
  try {
    for (const result of delivered) runner.info(deliveredLine(result))
  } finally {
    if (grouped) runner.endGroup()
  }
  const problem = setOutputs(runner, results)
  if (cancelled) {
    const line = cancelledLine(results, cancelled)
    runner.setFailed(problem ? `${line}\nAlso, ${problem} (the values are in the Outputs group above).` : line)
    return problem
  }
  const failed = results.filter((result) => !result.ok)
  const attachmentLines = attachmentFailureLines(results)
  // A custom bot, an update or a reply is one request, not a list of receivers.
  const single =
    results.length === 1 && ['webhook', 'update_message_id', 'reply_to'].includes(results[0]!.receiver.receiveIdType)
  if (failed.length === 0 && attachmentLines.length === 0) {
    if (!single) runner.info(`Delivered to all ${results.length} receiver(s).`)
    return reportOutputProblem(runner, problem, results, failOnError)
  }
  const tokenFailure = failed.length && failed.every((result) => result.stage === 'token') ? failed[0] : undefined
  const lines = tokenFailure
    ? [`Nothing was sent: ${TOKEN_FAILED}${tokenFailure.error?.message}`]
    : failed.length === 0
      ? []
      : single
        ? [`The ${describeReceiver(failed[0]!.receiver)} failed: ${failureText(failed[0]!)}`]
        : [
            `${failed.length} of ${results.length} receiver(s) did not get the message:`,
            ...failed.map((result) => `- ${describeReceiver(result.receiver)}: ${failureText(result)}`),
          ]
  if (!tokenFailure && attachmentLines.length)
    lines.push(`${attachmentLines.length} attachment message(s) were not sent:`, ...attachmentLines)
  if (problem)
    lines.push(
      `Also, ${problem}; later steps will not see this step's outputs (the values are in the Outputs group above).`,
    )
  const text = lines.join('\n')
  if (failOnError) {
    runner.setFailed(text)
  } else {
    runner.warning(`${text}\n(fail-on-error is false, so the step succeeds.)`)
  }
  return problem
}
