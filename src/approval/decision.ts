// The approval gate's rules, on plain data: which answers count and when they decide. Only a
// person (operator type `user`) named as an approver counts; the bot's own reactions and anyone
// else's are ignored. The first counting reject decides (rejected); otherwise the `approvals`-th
// distinct approver to approve decides (approved). The initiator may be excluded from approving
// (four-eyes rule) and may still reject. The rules read one snapshot of the answers: an approve
// withdrawn before the decision is simply no longer there; once decided, the caller stops reading,
// so nothing undoes a decision. Pure: any source of answers (reactions, or later button clicks)
// feeds the same rules. Must not: do I/O, know about Feishu's request shapes.

type Choice = 'approve' | 'reject'

/** One answer as read: who (a user or an app, by id), what, and when (ms since epoch). */
export interface Vote {
  readonly operatorType: string
  readonly operatorId: string
  readonly choice: Choice
  readonly at: number
}

export interface DecisionRule {
  /** The approvers' ids, in the id type the answers are read in. */
  readonly approvers: ReadonlySet<string>
  /** Distinct approves needed (at least 1). */
  readonly approvals: number
  /** The initiator's id when they may not approve (exclude-initiator); '' otherwise. */
  readonly excluded: string
}

/** One counted answer, as the `approvers` output lists it. */
export interface Answer {
  readonly id: string
  readonly decision: Choice
  readonly at: number
}

export type Verdict =
  | { readonly state: 'pending'; readonly answers: readonly Answer[] }
  | { readonly state: 'approved' | 'rejected'; readonly answers: readonly Answer[]; readonly decidedAt: number }

/** Whether `vote` counts under `rule`. */
function counts(vote: Vote, rule: DecisionRule): boolean {
  if (vote.operatorType !== 'user' || !rule.approvers.has(vote.operatorId)) return false
  return !(vote.choice === 'approve' && rule.excluded !== '' && vote.operatorId === rule.excluded)
}

/**
 * The verdict of one snapshot of answers, taken in time order: a reject decides at once; the
 * approvals-th distinct approver decides. The answers are those counted up to the decision (each
 * person once, their first counted answer).
 */
export function decide(votes: readonly Vote[], rule: DecisionRule): Verdict {
  const counted = votes
    .map((vote, index) => ({ vote, index }))
    .filter(({ vote }) => counts(vote, rule))
    // By time; answers at the same time in the order read.
    .sort((a, b) => a.vote.at - b.vote.at || a.index - b.index)
  const answers: Answer[] = []
  const approvedBy = new Set<string>()
  for (const { vote } of counted) {
    if (vote.choice === 'reject') {
      const earlier = answers.filter((answer) => answer.id !== vote.operatorId)
      return {
        state: 'rejected',
        answers: [...earlier, { id: vote.operatorId, decision: 'reject', at: vote.at }],
        decidedAt: vote.at,
      }
    }
    if (approvedBy.has(vote.operatorId)) continue
    approvedBy.add(vote.operatorId)
    answers.push({ id: vote.operatorId, decision: 'approve', at: vote.at })
    if (approvedBy.size >= rule.approvals) return { state: 'approved', answers, decidedAt: vote.at }
  }
  return { state: 'pending', answers }
}

/** The rule in words, for the dry run and the log: "1 of 2 approvers (ou_a, ou_b) must approve; ...". */
export function describeRule(rule: DecisionRule): string {
  const who = [...rule.approvers]
  const eligible = who.filter((id) => id !== rule.excluded).length
  const parts = [
    `${rule.approvals} of ${eligible} approver(s) (${who.join(', ')}) must approve with a CheckMark reaction`,
    'one CrossMark reaction from an approver rejects',
  ]
  if (rule.excluded) parts.push(`${rule.excluded} started the run and cannot approve it (they may reject)`)
  return parts.join('; ')
}
