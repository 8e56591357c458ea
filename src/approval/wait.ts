// The approval gate's wait: reads the card's reactions every 3 to 5 s (jittered, so gates started
// together drift apart), one list request per look, until the decision rules (approval/decision.ts)
// decide, the timeout passes, or the run is cancelled. Errors while waiting (HTTP 5xx, 429,
// network) are retried with a growing pause, honouring Feishu's rate-limit reset header; they are
// never fatal before the timeout. Only an error that trying again cannot fix (a missing scope, a
// recalled message) ends the wait early. Owns no card and no log verdict: the gate does.
// `votesFrom` lets another answer source (button clicks over the long connection) feed the same
// rules later.

import type { Cancellation } from '../base/cancel.js'
import type { FeishuClient } from '../feishu/client.js'
import { FeishuError } from '../feishu/errors.js'
import { APPROVE_EMOJI, listReactions, REJECT_EMOJI, type OperatorIdType } from '../feishu/reactions.js'
import { decideRetry } from '../feishu/retry-policy.js'
import { decide, type Answer, type DecisionRule, type Vote } from './decision.js'

/** The pause between looks: 3 to 5 s (BENCHMARKS.md: at most one request per 3 s per gate). */
export const POLL = { minMs: 3000, maxMs: 5000, maxBackoffMs: 60_000 }

export interface WaitOptions {
  readonly client: FeishuClient
  readonly baseUrl: string
  readonly messageId: string
  /** The id type approvers are given in, and the reactions are read in. */
  readonly idType: OperatorIdType
  readonly rule: DecisionRule
  readonly timeoutMs: number
  readonly cancellation: Cancellation
  /** The pause between looks; default POLL (tests shorten it). */
  readonly interval?: { readonly minMs: number; readonly maxMs: number }
  /** Told about each error that is retried (for the debug log). */
  readonly onRetry?: (line: string) => void
  /** Where the answers come from; default the card's reactions. */
  readonly votesFrom?: () => Promise<Vote[]>
  readonly now?: () => number
  readonly random?: () => number
}

export type WaitOutcome =
  | { readonly kind: 'approved' | 'rejected'; readonly answers: readonly Answer[]; readonly decidedAt: number }
  | { readonly kind: 'expired'; readonly answers: readonly Answer[] }
  | { readonly kind: 'cancelled'; readonly answers: readonly Answer[]; readonly reason: string }

/** A pause that ends early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

/** `work`, or undefined as soon as `signal` aborts (a request in flight is left to its own timeout). */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  let stop: (() => void) | undefined
  const aborted = new Promise<undefined>((resolve) => {
    stop = () => resolve(undefined)
    if (signal.aborted) resolve(undefined)
    else signal.addEventListener('abort', stop, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', stop!)
  }
}

/** The card's reactions as votes: CheckMark approves, CrossMark rejects, anything else is no answer. */
function reactionVotes(options: WaitOptions, firstSeen: Map<string, number>, now: () => number): () => Promise<Vote[]> {
  return async () => {
    const { reactions } = await listReactions(options.client, {
      baseUrl: options.baseUrl,
      messageId: options.messageId,
      idType: options.idType,
    })
    const votes: Vote[] = []
    for (const reaction of reactions) {
      const choice = reaction.emoji === APPROVE_EMOJI ? 'approve' : reaction.emoji === REJECT_EMOJI ? 'reject' : null
      if (!choice) continue
      // action_time when Feishu gives it; else when this wait first saw the reaction.
      const key = `${reaction.operatorType} ${reaction.operatorId} ${reaction.emoji}`
      if (!firstSeen.has(key)) firstSeen.set(key, now())
      votes.push({
        operatorType: reaction.operatorType,
        operatorId: reaction.operatorId,
        choice,
        at: reaction.actionTime || firstSeen.get(key)!,
      })
    }
    return votes
  }
}

/**
 * Waits for the decision. Resolves with approved, rejected, expired or cancelled; throws a
 * FeishuError only for a failure that trying again cannot fix.
 */
export async function waitForDecision(options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const interval = options.interval ?? POLL
  const { signal } = options.cancellation
  const votesFrom = options.votesFrom ?? reactionVotes(options, new Map(), now)
  const deadline = now() + options.timeoutMs
  let answers: readonly Answer[] = []
  let failures = 0
  for (;;) {
    if (signal.aborted) return { kind: 'cancelled', answers, reason: options.cancellation.reason ?? 'cancelled' }
    if (now() >= deadline) return { kind: 'expired', answers }
    let waitMs = interval.minMs + Math.round((interval.maxMs - interval.minMs) * random())
    try {
      const votes = await unlessAborted(votesFrom(), signal)
      if (votes) {
        const verdict = decide(votes, options.rule)
        if (verdict.state !== 'pending')
          return { kind: verdict.state, answers: verdict.answers, decidedAt: verdict.decidedAt }
        answers = verdict.answers
        failures = 0
      }
    } catch (error) {
      if (!(error instanceof FeishuError)) throw error
      const decision = decideRetry(error, 0, 1, random())
      if (!decision.retry) throw error
      failures++
      // Feishu's own wait (x-ogw-ratelimit-reset) when it gave one, else doubling per failure, capped.
      const backoff = Math.min(POLL.maxBackoffMs, waitMs * 2 ** Math.min(failures - 1, 5))
      waitMs = Math.max(decision.waitMs, backoff)
      options.onRetry?.(
        `Reading the reactions failed (${decision.reason}); trying again in ${(waitMs / 1000).toFixed(1)} s`,
      )
    }
    await pause(Math.min(waitMs, Math.max(0, deadline - now())), signal)
  }
}
