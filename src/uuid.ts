// The idempotency key of each message (§3.5): Feishu stores at most one message per uuid per
// hour, so every attempt at one logical message must carry the same uuid, and different
// messages must not share one.

import { createHash, randomUUID } from 'node:crypto'
import type { Environment } from './github-context.js'
import type { Target } from './receivers.js'

const MAX_LENGTH = 50

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url')
}

/**
 * Given `uuid` input: used as is for a single receiver; with several receivers each gets its own
 * key derived from it (one uuid for all would let Feishu drop every message after the first).
 * Default: derived from run id, run attempt, job (and the runner's id for it), step, receiver and
 * content, so a retry within the job, even a retry loop around this step, never duplicates a
 * message, while a re-run (a new attempt) sends again. Outside a
 * workflow run (no GITHUB_RUN_ID) it is random, so local runs are never silently dropped.
 */
export function messageUuid(options: {
  given: string
  receiver: Target
  receiverCount: number
  body: string
  env: Environment
}): string {
  const { given, receiver, receiverCount, body, env } = options
  const target = [receiver.receiveIdType, receiver.receiveId]
  if (given) {
    if (receiverCount === 1) return given
    return `${given.slice(0, MAX_LENGTH - 13)}-${digest([given, ...target]).slice(0, 12)}`
  }
  if (!env.GITHUB_RUN_ID) return `local-${randomUUID()}`
  // RUNNER_TRACKING_ID is the runner's id of this job (github_<guid>): legs of a matrix and
  // reusable workflows called twice share the job and step names but not this.
  const run = [
    env.GITHUB_RUN_ID,
    env.GITHUB_RUN_ATTEMPT ?? '',
    env.GITHUB_JOB ?? '',
    env.GITHUB_ACTION ?? '',
    env.RUNNER_TRACKING_ID ?? '',
  ]
  return `gh-${digest([...run, ...target, body]).slice(0, 40)}`
}
