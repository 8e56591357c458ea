// The approval gate's inputs (approvers, approvals, approval-timeout, exclude-initiator) and the
// rules between them and the other inputs, each an InputError naming the input, before any
// request. `approvers` takes the same forms as `mention` (inputs/mentions.ts), resolved later by
// the same machinery (github/people.ts, feishu/contacts.ts). Loaded only when one of these inputs
// is set (inputs/config.ts). Pure.

import type { Receiver } from '../feishu/targets.js'
import { InputError, shown } from './errors.js'
import { readMentionInput, type MentionRequest } from './mentions.js'

export interface ApprovalConfig {
  /** Who may decide, as written (each once); never `all`. */
  readonly approvers: readonly MentionRequest[]
  /** Distinct approves needed. */
  readonly approvals: number
  readonly timeoutMs: number
  /** The run's initiator (${actor}) may not approve. */
  readonly excludeInitiator: boolean
}

/** The hosted job limit is 6 h; less than 10 s cannot be answered by a person. */
const MIN_TIMEOUT_MS = 10_000
const MAX_TIMEOUT_MS = 6 * 60 * 60 * 1000
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 }

/**
 * `90s`, `15m`, `2h`, `1h30m`; a bare number is seconds. Undefined when it is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase().replace(/\s+/g, '')
  if (/^\d+$/.test(value)) return Number(value) * 1000
  if (!/^(?:\d+(?:\.\d+)?[hms])+$/.test(value)) return undefined
  let total = 0
  const seen = new Set<string>()
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)([hms])/g)) {
    if (seen.has(unit!)) return undefined
    seen.add(unit!)
    total += Number(amount) * UNIT_MS[unit!]!
  }
  return Math.round(total)
}

/** A duration as people write it: 1h, 15m, 1h 30m, 90 s as 1m 30s. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  const parts: string[] = []
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = seconds % 60
  if (hours) parts.push(`${hours}h`)
  if (minutes) parts.push(`${minutes}m`)
  if (rest || parts.length === 0) parts.push(`${rest}s`)
  return parts.join(' ')
}

/** What the gate needs to know of the other inputs to check them against its own. */
export interface GateContext {
  readonly mode: 'app' | 'webhook'
  readonly receivers: readonly Receiver[]
  readonly updateMessageId: string
  readonly replyTo: string
  /** The content input given ('preset' when none). */
  readonly contentInput: string
  /** The `preset` input as written ('' or auto when not chosen). */
  readonly preset: string
}

export function readApprovalInputs(
  input: (name: string) => string,
  booleanInput: (name: string) => boolean,
  context: GateContext,
): ApprovalConfig {
  const excludeInitiator = booleanInput('exclude-initiator')
  let approvers: MentionRequest[]
  try {
    approvers = readMentionInput(input('approvers'))
  } catch (error) {
    // The same forms as `mention`, so the same checks; the error names this input.
    if (!(error instanceof InputError)) throw error
    throw new InputError('approvers', error.message.replace(/^Input `mention`: /, ''))
  }
  const approvalsText = input('approvals').trim() || '1'
  const timeoutText = input('approval-timeout').trim() || '1h'
  if (approvers.length === 0) {
    const set = input('approvals').trim()
      ? 'approvals'
      : excludeInitiator
        ? 'exclude-initiator'
        : input('approval-timeout').trim()
          ? 'approval-timeout'
          : 'approvers'
    throw new InputError(
      set,
      'belongs to an approval gate, and `approvers` is empty; name who may decide in `approvers`',
    )
  }
  if (approvers.some((request) => request.kind === 'all'))
    throw new InputError('approvers', '"all" cannot approve; name the people who may decide')
  const approvals = Number(approvalsText)
  if (!/^\d+$/.test(approvalsText) || approvals < 1)
    throw new InputError('approvals', `"${shown(approvalsText)}" is not a whole number of 1 or more`)
  if (approvals > approvers.length)
    throw new InputError(
      'approvals',
      `is ${approvals}, but \`approvers\` names only ${approvers.length}; at most as many approvals as approvers can be given`,
    )
  const timeoutMs = parseDuration(timeoutText)
  if (timeoutMs === undefined)
    throw new InputError('approval-timeout', `"${shown(timeoutText)}" is not a duration such as 90s, 15m or 2h`)
  if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS)
    throw new InputError(
      'approval-timeout',
      `is ${formatDuration(timeoutMs)}; give 10s to 6h (6 h is the longest a job on a GitHub-hosted runner runs)`,
    )
  checkGateTarget(context, input)
  if (input('mention'))
    throw new InputError(
      'mention',
      'cannot be used with `approvers`: the approval card mentions the approvers; name whoever should decide in `approvers`',
    )
  return Object.freeze({ approvers: Object.freeze(approvers), approvals, timeoutMs, excludeInitiator })
}

/** A gate sends one new card by the app bot, to one receiver, and waits on its reactions. */
function checkGateTarget(context: GateContext, input: (name: string) => string): void {
  if (context.mode === 'webhook')
    throw new InputError(
      'approvers',
      "an approval gate needs the app bot, which can read the card's reactions; a custom bot webhook cannot. Use app-id and app-secret",
    )
  if (context.updateMessageId)
    throw new InputError('update-message-id', 'cannot be used with `approvers`: a gate sends a new card of its own')
  if (context.replyTo)
    throw new InputError('reply-to', 'cannot be used with `approvers`: a gate sends a new card to one chat or person')
  if (context.receivers.length !== 1)
    throw new InputError(
      input('chat-id') || !input('receive-id') ? 'chat-id' : 'receive-id',
      `a gate sends its card to one receiver, and ${context.receivers.length} are given; give one chat (chat-id) or one person (receive-id)`,
    )
  if (context.contentInput === 'text' || context.contentInput === 'post')
    throw new InputError(
      context.contentInput,
      'cannot carry an approval gate: the answer is shown by updating the card, and only cards can be updated; give card, card-file or template-id, or no content input for the built-in approval card',
    )
  const preset = context.preset.trim().toLowerCase()
  if (context.contentInput === 'preset' && preset && preset !== 'auto')
    throw new InputError(
      'preset',
      'chooses a built-in card, and with `approvers` the built-in approval card is sent; remove `preset`',
    )
}
