// Who may decide, in Feishu: the `approvers` entries planned and resolved by the same machinery as
// `mention` (github/people.ts plans them, feishu/contacts.ts looks e-mails and phones up), the
// initiator for exclude-initiator, and the id type the reactions are read in. open_ids are per
// app, and a `user_id:<id>` approver is matched by reading the reactions with user_id_type=user_id
// (no extra lookup); so a gate's approvers are all open_ids (given, mapped or looked up) or all
// user_ids. Errors here are the gate's, before the card is sent; nothing here sends.

import type { Lookup, LookupProblem } from '../feishu/contacts.js'
import type { OperatorIdType } from '../feishu/reactions.js'
import type { RunContext } from '../github/context.js'
import { lookupsOf, planMentions, settleMentions, type Mention, type MentionOutcome } from '../github/people.js'
import type { ApprovalConfig } from '../inputs/approval.js'
import type { UserMap } from '../inputs/mentions.js'
import type { DecisionRule } from './decision.js'

export interface PlannedApprovers {
  readonly plan: ReturnType<typeof planMentions>
  readonly initiator: ReturnType<typeof planMentions>
  readonly lookups: Lookup[]
}

export function planApprovers(approval: ApprovalConfig, users: UserMap, context: RunContext): PlannedApprovers {
  const plan = planMentions(approval.approvers, users, context, 'app')
  const initiator = approval.excludeInitiator
    ? planMentions([{ kind: 'run', who: 'actor' }], users, context, 'app')
    : []
  return { plan, initiator, lookups: lookupsOf([...plan, ...initiator]) }
}

export interface SettledApprovers {
  /** For the card: ids mentioned, the unresolved as text. */
  readonly mentions: Mention[]
  readonly outcomes: MentionOutcome[]
  readonly rule: DecisionRule
  readonly idType: OperatorIdType
}

/** A problem that stops the gate before sending: one line, what to change. */
class GateSetupError extends Error {
  override readonly name = 'GateSetupError'
}

/**
 * The approvers and the rule, from the lookups' answers (undefined in a dry run: an approver to be
 * looked up then stands for themselves, so the rule can still be shown).
 */
export function settleApprovers(
  planned: PlannedApprovers,
  approval: ApprovalConfig,
  answers: ReadonlyMap<string, string | LookupProblem> | undefined,
): SettledApprovers {
  const { mentions, outcomes } = settleMentions(planned.plan, answers)
  const resolved = outcomes.map((outcome) => outcome.resolvedTo || (outcome.lookup ? `(${outcome.lookup})` : ''))
  const ids = [...new Set(resolved.filter(Boolean))]
  if (ids.length === 0)
    throw new GateSetupError(
      `None of the approvers could be found in Feishu, so nobody could answer: ${outcomes.map((outcome) => `${outcome.asked}: ${outcome.problem?.reason ?? 'not found'}`).join('; ')}. Fix: ${outcomes[0]?.problem?.fix ?? 'check `approvers`'}`,
    )
  const byUserId = ids.filter((id) => id.startsWith('user_id:'))
  if (byUserId.length && byUserId.length !== ids.length)
    throw new GateSetupError(
      `Input \`approvers\`: mixes user_id:<id> entries (${byUserId.join(', ')}) with open_ids, e-mails or phone numbers; the reactions are read in one id type, so give every approver as user_id:<id>, or none`,
    )
  const idType: OperatorIdType = byUserId.length ? 'user_id' : 'open_id'
  const bare = (id: string): string => id.replace(/^user_id:/, '')
  const approvers = new Set(ids.map(bare))
  let excluded = ''
  if (approval.excludeInitiator) {
    const [initiator] = settleMentions(planned.initiator, answers).outcomes
    const id = initiator?.resolvedTo || (initiator?.lookup ? `(${initiator.lookup})` : '')
    if (!id)
      throw new GateSetupError(
        `Input \`exclude-initiator\`: cannot tell who started the run in Feishu (${initiator?.problem?.reason ?? 'no actor'}), so the four-eyes rule cannot be kept. Fix: ${initiator?.problem?.fix ?? 'map the actor in `users`'}`,
      )
    if (answers && id.startsWith('user_id:') !== (idType === 'user_id'))
      throw new GateSetupError(
        `Input \`exclude-initiator\`: the run's initiator resolves to ${id}, while the approvers are read as ${idType}s; map the initiator in \`users\` to the same id type as the approvers`,
      )
    excluded = bare(id)
  }
  const eligible = [...approvers].filter((id) => id !== excluded).length
  if (approval.approvals > eligible)
    throw new GateSetupError(
      `Input \`approvals\`: is ${approval.approvals}, but only ${eligible} approver(s) can approve${excluded ? ` (the initiator ${excluded} cannot)` : ''}${ids.length < planned.plan.length ? ', as some approvers could not be found' : ''}; lower \`approvals\` or name more approvers`,
    )
  return { mentions, outcomes, rule: { approvers, approvals: approval.approvals, excluded }, idType }
}
