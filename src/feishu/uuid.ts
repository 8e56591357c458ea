// The idempotency key of each message (§3.5): Feishu stores at most one message per uuid per
// hour, so every attempt at one logical message must carry the same uuid, and different
// messages must not share one.

import { createHash, randomUUID } from 'node:crypto'
import type { Target } from './targets.js'

const MAX_LENGTH = 50

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url')
}

/**
 * Given `uuid` input: used as is for a single receiver; with several receivers each gets its own
 * key derived from it (one uuid for all would let Feishu drop every message after the first).
 * Default: derived from the step's identity (run, attempt, job, step: see github/context.ts),
 * receiver and content, so a retry within the job, even a retry loop around this step, never
 * duplicates a message, while a re-run (a new attempt) sends again. Without a step identity (a
 * local run) it is random, so local runs are never silently dropped.
 */
export function messageUuid(options: {
  given: string
  receiver: Target
  receiverCount: number
  body: string
  step: readonly string[] | null
}): string {
  const { given, receiver, receiverCount, body, step } = options
  const target = [receiver.receiveIdType, receiver.receiveId]
  if (given) {
    if (receiverCount === 1) return given
    return `${given.slice(0, MAX_LENGTH - 13)}-${digest([given, ...target]).slice(0, 12)}`
  }
  if (!step) return `local-${randomUUID()}`
  return `gh-${digest([...step, ...target, body]).slice(0, 40)}`
}
