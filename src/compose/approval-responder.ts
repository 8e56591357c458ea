// The long connection's click handler for the approval gate: turns one `card.action.trigger`
// envelope into the answer (decideClick) and starts the record on the gate's message without
// waiting for it, so the answer leaves well within Feishu's 3 s. Owns the envelope's fields it
// reads (operator, action value, message), the memory of gates this process has decided (a repeated
// click says "Already decided by …"), and the records in flight. Does no I/O of its own: `record`
// is the caller's (an app reaction on the message).

import { isPlainObject } from '../base/objects.js'
import type { Decision } from '../feishu/approval-value.js'
import { decideClick, type RecordAction } from './approval-click.js'

export interface ClickResponderOptions {
  /** approvalKey(app secret). */
  readonly key: Buffer
  /** Records a decision on the gate's message (adds the app reaction). */
  readonly record: (action: RecordAction) => Promise<void>
  /** A line for the step's log. */
  readonly log: (line: string) => void
  readonly nowS?: () => number
  readonly recordEmoji?: Readonly<Record<Decision, string>>
}

export interface ClickResponder {
  /** For openLongConnection's `onCard`. */
  onCard(envelope: Record<string, unknown>): Promise<Record<string, unknown>>
  /** Waits for the records in flight (call before closing, bounded by the caller). */
  settled(): Promise<void>
}

/** Gates remembered as decided, at most (oldest forgotten first). */
const REMEMBERED = 1000

export function createClickResponder(options: ClickResponderOptions): ClickResponder {
  const decided = new Map<string, { decision: Decision; by?: string }>()
  const inFlight = new Set<Promise<void>>()
  const nowS = options.nowS ?? (() => Math.floor(Date.now() / 1000))
  return {
    onCard(envelope) {
      const event = isPlainObject(envelope.event) ? envelope.event : {}
      const operator = isPlainObject(event.operator) ? event.operator : {}
      const action = isPlainObject(event.action) ? event.action : {}
      const context = isPlainObject(event.context) ? event.context : {}
      const operatorOpenId = operator.open_id
      const messageId = context.open_message_id
      if (typeof operatorOpenId !== 'string' || typeof messageId !== 'string' || !('value' in action))
        return Promise.resolve({})
      const outcome = decideClick(
        { operatorOpenId, messageId, value: action.value },
        {
          key: options.key,
          nowS: nowS(),
          ...(options.recordEmoji && { recordEmoji: options.recordEmoji }),
          ...(decided.has(messageId) && { prior: decided.get(messageId)! }),
        },
      )
      if (outcome.decided) {
        if (decided.size >= REMEMBERED) decided.delete(decided.keys().next().value!)
        decided.set(messageId, {
          decision: outcome.decided.decision,
          ...(outcome.decided.label && { by: outcome.decided.label }),
        })
      }
      if (outcome.record) {
        const action = outcome.record
        const task = options
          .record(action)
          .catch((error: unknown) =>
            options.log(
              `A ${action.decision} click could not be recorded on the gate's card (${error instanceof Error ? error.message : String(error)}); the approver may have to click again.`,
            ),
          )
        inFlight.add(task)
        void task.finally(() => inFlight.delete(task))
      }
      return Promise.resolve(outcome.response)
    },
    async settled() {
      await Promise.allSettled([...inFlight])
    },
  }
}
