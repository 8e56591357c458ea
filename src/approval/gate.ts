// The approval gate, end to end (issue 23): resolve the approvers, send the card to its one
// receiver, add the approve and reject reactions as the bot, check the scopes, wait for the
// decision (approval/wait.ts), update the card in place with the outcome, set the outputs and the
// verdict. Approved succeeds; rejected, expired and cancelled fail the step, whatever
// fail-on-error says. SIGINT/SIGTERM while waiting update the card to Cancelled at once. Loaded
// only by a step with `approvers` (main.ts). Must not: decide anything the rules do not say.

import { watchSignals } from '../base/cancel.js'
import { OutputFileError, type Environment, type Runner } from '../base/runner.js'
import { approvalCard, withStateLine, type ApprovalState } from '../compose/approval-card.js'
import { composeMessage, type OutgoingMessage } from '../compose/message.js'
import { fillString } from '../compose/placeholders.js'
import { builtinVariables } from '../compose/variables.js'
import { appRequest, type FeishuClient } from '../feishu/client.js'
import { lookUpOpenIds } from '../feishu/contacts.js'
import { deliver } from '../feishu/deliver.js'
import { FeishuError } from '../feishu/errors.js'
import { planAppDelivery } from '../feishu/plan.js'
import {
  addReaction,
  APPROVE_EMOJI,
  listReactions,
  REACTIONS_READ_SCOPE,
  REACTIONS_WRITE_SCOPE,
  REJECT_EMOJI,
} from '../feishu/reactions.js'
import { stepIdentity, type RunContext } from '../github/context.js'
import { formatDuration, type ApprovalConfig } from '../inputs/approval.js'
import type { Config } from '../inputs/config.js'
import { printDryRun } from '../report/dry-run.js'
import { reportDelivery, setOutputs } from '../report/outputs.js'
import type { SummaryInput } from '../report/summary.js'
import { planApprovers, settleApprovers, type SettledApprovers } from './approvers.js'
import { describeRule, type Answer } from './decision.js'
import { POLL, waitForDecision, type WaitOutcome } from './wait.js'

export interface GateOptions {
  readonly runner: Runner
  readonly config: Config & { readonly approval: ApprovalConfig }
  readonly context: RunContext
  readonly env: Environment
  /** The app bot's client, made by main.ts; the gate closes it. */
  readonly makeClient: () => FeishuClient
}

/** For tests only: the pause between looks, in ms (never an input). */
const TEST_POLL_VARIABLE = 'CARD_COURIER_TEST_POLL_MS'

export async function runApprovalGate(options: GateOptions): Promise<SummaryInput> {
  const { runner, config, context, env } = options
  const approval = config.approval
  const planned = planApprovers(approval, config.users, context)
  for (const lookup of planned.lookups) runner.setSecret('email' in lookup ? lookup.email : lookup.mobile)
  const compose = async (approvers: SettledApprovers, state: ApprovalState): Promise<OutgoingMessage> =>
    gateMessage(config, context, approvers, state)

  if (config.dryRun) {
    const approvers = settleApprovers(planned, approval, undefined)
    const message = await compose(approvers, { kind: 'waiting' })
    logApprovers(runner, approvers, true)
    runner.info(
      `Approval gate (dry run): ${describeRule(approvers.rule)}; a real run waits up to ${formatDuration(approval.timeoutMs)}, reading the reactions every 3 to 5 s.`,
    )
    const plan = planAppDelivery({ ...config, message, step: stepIdentity(env) })
    const results = await printDryRun(runner, {
      hasCredentials: config.appId !== '',
      baseUrl: config.baseUrl,
      plan,
      message,
      env,
      lookups: [],
      language: config.language,
    })
    setOutputs(runner, results)
    return { results, message, dryRun: true, mentions: approvers.outcomes }
  }

  const client = options.makeClient()
  const watch = watchSignals()
  try {
    const answers = planned.lookups.length
      ? await lookUpOpenIds(client, config.baseUrl, planned.lookups)
      : new Map<string, string>()
    const approvers = settleApprovers(planned, approval, answers)
    logApprovers(runner, approvers, false)
    const message = await compose(approvers, { kind: 'waiting' })
    runner.info(
      `Sending the approval card (from \`${message.input}\`) to ${config.receivers.length} receiver via ${config.baseUrl}`,
    )
    const plan = planAppDelivery({ ...config, message, step: stepIdentity(env) })
    const results = await deliver({ client, plan })
    // A gate that could not send has nobody to ask: a failure, whatever fail-on-error says.
    reportDelivery(runner, results, true)
    const messageId = results[0]?.ok ? results[0].messageId : ''
    const summary: SummaryInput = { results, message, dryRun: false, mentions: approvers.outcomes }
    if (!messageId) return summary

    const update = async (state: ApprovalState): Promise<void> => {
      const card = (await compose(approvers, state)).content
      const target = { receiveIdType: 'update_message_id' as const, receiveId: messageId }
      try {
        await client.deliver(
          target,
          appRequest(config.baseUrl, target, {
            msgType: 'interactive',
            content: JSON.stringify(card),
            uuid: '',
            replyInThread: false,
          }),
        )
      } catch (error) {
        if (!(error instanceof FeishuError)) throw error
        runner.warning(`The approval card ${messageId} could not be updated to show the outcome: ${error.message}`)
      }
    }
    const stopped = await prepareReactions(client, config.baseUrl, messageId, approvers)
    if (stopped) {
      await update({ kind: 'stopped', reason: stopped.reason })
      setOutput(runner, 'approval', '')
      runner.setFailed(stopped.line)
      return summary
    }
    runner.info(`Waiting up to ${formatDuration(approval.timeoutMs)} for the answer: ${describeRule(approvers.rule)}.`)
    const testPoll = Number(env[TEST_POLL_VARIABLE])
    let outcome: WaitOutcome
    try {
      outcome = await waitForDecision({
        client,
        baseUrl: config.baseUrl,
        messageId,
        idType: approvers.idType,
        rule: approvers.rule,
        timeoutMs: approval.timeoutMs,
        cancellation: watch.cancellation,
        interval: testPoll >= 50 ? { minMs: testPoll, maxMs: Math.round(testPoll * 1.5) } : POLL,
        onRetry: (line) => runner.info(line),
      })
    } catch (error) {
      if (!(error instanceof FeishuError)) throw error
      await update({ kind: 'stopped', reason: error.meaning })
      setOutput(runner, 'approval', '')
      runner.setFailed(`Stopped waiting for the approval: ${error.message}`)
      return summary
    }
    await update(stateOf(outcome, approval.timeoutMs))
    finish(runner, outcome, approvers, approval.timeoutMs)
    return summary
  } finally {
    watch.stop()
    await client.close()
  }
}

/** The card to send: the built-in approval card, or the user's card with the state line (a template as given). */
async function gateMessage(
  config: GateOptions['config'],
  context: RunContext,
  approvers: SettledApprovers,
  state: ApprovalState,
): Promise<OutgoingMessage> {
  const { approval, content } = config
  if (content.kind === 'preset' || (content.kind === 'template' && state.kind !== 'waiting')) {
    const title = content.kind === 'preset' ? fillString(config.title, builtinVariables(context), 'title') : ''
    const card = approvalCard(
      context,
      {
        approvers: approvers.mentions,
        approvals: approval.approvals,
        eligible: [...approvers.rule.approvers].filter((id) => id !== approvers.rule.excluded).length,
        excludeInitiator: approval.excludeInitiator,
        title,
        language: config.language,
      },
      state,
    )
    return { msgType: 'interactive', input: content.kind === 'preset' ? 'preset' : content.input, content: card }
  }
  const message = await composeMessage({ ...config, mentions: [] }, context, {})
  return message.input === 'template-id'
    ? message
    : { ...message, content: withStateLine(message.content, state, config.language) }
}

/**
 * Before waiting: one read of the reactions (the read scope), then the bot's two reactions (the
 * write scope). A missing scope ends the gate now, naming it; the reactions failing otherwise is
 * a warning (approvers can add them themselves).
 */
async function prepareReactions(
  client: FeishuClient,
  baseUrl: string,
  messageId: string,
  approvers: SettledApprovers,
): Promise<{ reason: string; line: string } | undefined> {
  const missing = (error: unknown, scope: string): { reason: string; line: string } | undefined =>
    error instanceof FeishuError && error.code === 99991672
      ? {
          reason: `the app lacks the scope ${scope}`,
          line: `Not waiting for the approval: the app lacks the scope ${scope}, which the gate needs. ${error.message}`,
        }
      : undefined
  try {
    await listReactions(client, { baseUrl, messageId, idType: approvers.idType })
  } catch (error) {
    const stop = missing(error, REACTIONS_READ_SCOPE)
    if (stop) return stop
    // Anything else is the wait's to retry.
  }
  for (const emoji of [APPROVE_EMOJI, REJECT_EMOJI]) {
    try {
      await addReaction(client, { baseUrl, messageId, emoji })
    } catch (error) {
      const stop = missing(error, REACTIONS_WRITE_SCOPE)
      if (stop) return stop
      if (!(error instanceof FeishuError)) throw error
    }
  }
  return undefined
}

function stateOf(outcome: WaitOutcome, timeoutMs: number): ApprovalState {
  switch (outcome.kind) {
    case 'approved':
      return { kind: 'approved', by: outcome.answers.map((answer) => answer.id), at: outcome.decidedAt }
    case 'rejected':
      return {
        kind: 'rejected',
        by: outcome.answers.filter((answer) => answer.decision === 'reject').map((answer) => answer.id),
        at: outcome.decidedAt,
      }
    case 'expired':
      return { kind: 'expired', afterText: formatDuration(timeoutMs) }
    case 'cancelled':
      return { kind: 'cancelled' }
  }
}

/** The outputs, the one log line, and the verdict. */
function finish(runner: Runner, outcome: WaitOutcome, approvers: SettledApprovers, timeoutMs: number): void {
  const key = approvers.idType
  const at = (ms: number): string => new Date(ms).toISOString()
  const entries = outcome.answers.map((answer: Answer) => ({
    [key]: answer.id,
    decision: answer.decision,
    at: at(answer.at),
  }))
  setOutput(runner, 'approval', outcome.kind)
  setOutput(runner, 'approvers', JSON.stringify(entries))
  const clock = (ms: number): string => `${at(ms).slice(11, 16)} UTC`
  switch (outcome.kind) {
    case 'approved':
      runner.info(
        `Approved by ${outcome.answers.map((answer) => answer.id).join(', ')} at ${clock(outcome.decidedAt)}.`,
      )
      return
    case 'rejected': {
      const by = outcome.answers.filter((answer) => answer.decision === 'reject').map((answer) => answer.id)
      runner.setFailed(`Rejected by ${by.join(', ')} at ${clock(outcome.decidedAt)}: the approval gate did not pass.`)
      return
    }
    case 'expired':
      runner.setFailed(`Expired after ${formatDuration(timeoutMs)} — nobody answered; the approval gate did not pass.`)
      return
    case 'cancelled':
      runner.setFailed(`Cancelled — the run was cancelled (${outcome.reason}) while waiting for the approval.`)
  }
}

function logApprovers(runner: Runner, approvers: SettledApprovers, dryRun: boolean): void {
  const shown = approvers.outcomes.map(
    (outcome) =>
      `${outcome.asked} → ${outcome.resolvedTo || (outcome.lookup ? `a real run looks up ${outcome.lookup}` : 'not found')}`,
  )
  runner.info(`Approvers${dryRun ? ' (dry run: nobody is looked up)' : ''}: ${shown.join(', ')}`)
  for (const outcome of approvers.outcomes)
    if (outcome.problem)
      runner.warning(`Approver ${outcome.asked} cannot answer: ${outcome.problem.reason}. Fix: ${outcome.problem.fix}`)
}

/** An output, also shown in the log, so it is never lost when the output file cannot be written. */
function setOutput(runner: Runner, name: string, value: string): void {
  runner.info(`${name}: ${value}`)
  try {
    runner.setOutput(name, value)
  } catch (error) {
    if (!(error instanceof OutputFileError)) throw error
    runner.warning(`The output ${name} could not be written: ${error.message}`)
  }
}
