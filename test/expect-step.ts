// Assertions about a finished step that the end-to-end files share.
import { expect } from 'vitest'
import type { ActionRun } from './run-action.mjs'

/** The ::error:: lines the step printed. */
export function errorLines(result: ActionRun): string[] {
  return result.stdout.split('\n').filter((line) => line.startsWith('::error::'))
}

/** The step failed with one input error naming `input`, in one line (@actions/core escapes a newline inside a message as %0A). */
export function expectInputError(result: ActionRun, input: string): void {
  expect(result.exitCode).toBe(1)
  const errors = errorLines(result)
  expect(errors).toHaveLength(1)
  expect(errors[0]).toMatch(new RegExp(`^::error::Input \`${input}\`: `))
  expect(errors[0]).not.toContain('%0A')
}
