// What the step says about its mentions: one warning per person who could not be mentioned, with
// the reason and the fix; in a dry run, who each entry resolved to and what a real run would look
// up; and the job summary's table. Everything here is already masked (github/people.ts): no
// e-mail address or phone number is shown whole.

import type { Runner } from '../base/runner.js'
import type { MentionOutcome } from '../github/people.js'

export function logMentions(runner: Runner, outcomes: readonly MentionOutcome[], dryRun: boolean): void {
  if (outcomes.length === 0) return
  const resolved = outcomes.filter((outcome) => outcome.resolvedTo)
  if (dryRun) {
    runner.info(
      `Mentions (dry run: nobody is looked up):\n${outcomes.map((outcome) => `- ${outcome.asked}: ${shownOutcome(outcome)}`).join('\n')}`,
    )
  } else if (resolved.length) {
    runner.info(`Mentioning ${resolved.map((outcome) => `${outcome.asked} (${outcome.resolvedTo})`).join(', ')}`)
  }
  for (const outcome of outcomes) {
    if (!outcome.problem) continue
    runner.warning(
      `Mention ${outcome.asked} is sent as plain text, not a mention: ${outcome.problem.reason}. Fix: ${outcome.problem.fix}`,
    )
  }
}

/** One entry's outcome in words. */
export function shownOutcome(outcome: MentionOutcome): string {
  if (outcome.resolvedTo) return `${outcome.resolvedTo} (from ${outcome.via})`
  if (outcome.lookup) return `a real run looks up ${outcome.lookup} (from ${outcome.via})`
  return `not mentioned: ${outcome.problem?.reason ?? 'unknown'}`
}
