// What one click on an approval button means, decided from the click alone: any waiting run of the
// app may receive any click (Feishu delivers each to one random connected client), so the signed
// value says which gate it is and who may decide it. Owns the rule (signature and expiry, approver,
// four-eyes rule, distinct approvals, first decision wins) and its result: the callback response
// (a toast and, for a decision, the card) and the record to make on the gate's message (an app
// reaction) so the owning run's reaction poll sees the decision. Pure: no I/O; the caller answers
// and records. Also reads that record back from a reactions list, for the owning run.

import {
  approverHash,
  signGateValue,
  verifyGateValue,
  type Decision,
  type GateValue,
} from '../feishu/approval-value.js'
import { answerCard, localeOf, toast, type AnswerState } from './approval-buttons.js'

type Json = Record<string, unknown>

/**
 * The app reactions that record a decision on the gate's message. They differ from the emoji a
 * reaction-mode gate seeds (an app can add each emoji to a message only once).
 */
export const RECORD_EMOJI: Readonly<Record<Decision, string>> = { approve: 'DONE', reject: 'No' }

export interface Click {
  readonly operatorOpenId: string
  /** `event.action.value` as received. */
  readonly value: unknown
  /** `event.context.open_message_id`: the gate's message. */
  readonly messageId: string
}

export interface ClickContext {
  readonly key: Buffer
  readonly nowS: number
  /** This gate was decided already, as far as the caller knows (its own earlier answer). */
  readonly prior?: { readonly decision: Decision; readonly by?: string }
  readonly recordEmoji?: Readonly<Record<Decision, string>>
}

export interface RecordAction {
  readonly messageId: string
  readonly emoji: string
  readonly decision: Decision
  /** gateId of the gate decided. */
  readonly gate: string
}

export interface ClickOutcome {
  /** The callback response: `{}` (no effect) or `{toast, card?}`. */
  readonly response: Json
  readonly gate?: string
  readonly decided?: { readonly decision: Decision; readonly operatorOpenId: string; readonly label?: string }
  readonly record?: RecordAction
}

/** One gate's identity: repository, run, attempt and nonce. */
export function gateId(gate: Pick<GateValue, 'repository' | 'runId' | 'attempt' | 'nonce'>): string {
  return `${gate.repository}#${gate.runId}.${gate.attempt}.${gate.nonce}`
}

export function decideClick(click: Click, context: ClickContext): ClickOutcome {
  const verified = verifyGateValue(context.key, click.value, context.nowS)
  if (!verified.ok) {
    if (verified.reason === 'expired') {
      const locale = localeOf(verified.value.locale)
      return { response: { toast: toast('warning', { kind: 'expired' }, locale) }, gate: gateId(verified.value) }
    }
    if (verified.reason === 'forged') return { response: { toast: toast('error', { kind: 'invalid' }, 'en_us') } }
    return { response: {} }
  }
  const gate = verified.value
  const id = gateId(gate)
  const locale = localeOf(gate.locale)
  const answer = (type: Parameters<typeof toast>[0], text: Parameters<typeof toast>[1], card?: Json): ClickOutcome => ({
    response: { toast: toast(type, text, locale), ...(card && { card: { type: 'raw', data: card } }) },
    gate: id,
  })
  const hash = approverHash(context.key, click.operatorOpenId)
  const index = gate.approvers.indexOf(hash)
  const excluded = gate.excluded === hash
  if (index < 0 && !excluded) return answer('error', { kind: 'notApprover' })
  if (context.prior) {
    const by = context.prior.by
    return answer('info', by ? { kind: 'alreadyDecided', by } : { kind: 'alreadyDecidedNobody' })
  }
  const label = index >= 0 ? gate.labels?.[index] : undefined
  const options = {
    ...(gate.title && { title: gate.title }),
    repository: gate.repository,
    runId: gate.runId,
    attempt: gate.attempt,
  }
  const before = gate.approvedBy ?? []
  const earlier = namesOf(gate, before)
  const decide = (decision: Decision, shown: Pick<AnswerState, 'names' | 'others'>): ClickOutcome => ({
    ...answer(
      'success',
      { kind: 'thanks', decision },
      answerCard({ phase: 'decided', decision, people: [click.operatorOpenId], ...shown }, options),
    ),
    decided: { decision, operatorOpenId: click.operatorOpenId, ...(label && { label }) },
    record: { messageId: click.messageId, emoji: (context.recordEmoji ?? RECORD_EMOJI)[decision], decision, gate: id },
  })
  if (gate.decision === 'reject') return decide('reject', { names: [], others: 0 })
  if (excluded) return answer('warning', { kind: 'initiator' })
  if (before.includes(hash))
    return answer('info', { kind: 'alreadyApproved', count: before.length, needed: gate.approvals })
  const after = [...before, hash]
  if (after.length >= gate.approvals) return decide('approve', earlier)
  const next = { ...gate, approvedBy: after }
  const buttons = {
    approve: signGateValue(context.key, { ...next, decision: 'approve' }),
    reject: signGateValue(context.key, { ...next, decision: 'reject' }),
  }
  const state: AnswerState = {
    phase: 'waiting',
    count: after.length,
    needed: gate.approvals,
    buttons,
    ...earlier,
    people: [click.operatorOpenId],
  }
  return answer(
    'success',
    { kind: 'recorded', count: after.length, needed: gate.approvals },
    answerCard(state, options),
  )
}

/** The labels of earlier approvers the gate named, and how many it did not. */
function namesOf(gate: GateValue, hashes: readonly string[]): { names: string[]; others: number } {
  const names: string[] = []
  let others = 0
  for (const hash of hashes) {
    const label = gate.labels?.[gate.approvers.indexOf(hash)]
    if (label) names.push(label)
    else others += 1
  }
  return { names, others }
}

/** One reaction on the gate's message as the reactions list gives it (operator and emoji key). */
export interface ReactionItem {
  /** 'user' or 'app'. */
  readonly operatorType: string
  /** The app_id for an app's reaction. */
  readonly operatorId: string
  readonly emoji: string
}

/**
 * The decision recorded on a gate's message by any run of this app (`appId`): an app reaction with
 * a record emoji. A reject wins over an approve seen in the same list (two clicks raced).
 */
export function recordedDecision(
  reactions: readonly ReactionItem[],
  appId: string,
  recordEmoji: Readonly<Record<Decision, string>> = RECORD_EMOJI,
): Decision | undefined {
  const ours = reactions.filter((item) => item.operatorType === 'app' && item.operatorId === appId)
  const has = (decision: Decision): boolean => ours.some((item) => item.emoji === recordEmoji[decision])
  if (has('reject')) return 'reject'
  return has('approve') ? 'approve' : undefined
}
