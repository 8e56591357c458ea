// InputError: the workflow must change an input. Raised before any network call; its message is
// one line that names the input, and never repeats a secret.

/** A problem with the step's inputs. The message is one line that names the input. */
export class InputError extends Error {
  readonly input: string

  constructor(input: string, problem: string) {
    super(`Input \`${input}\`: ${problem}`)
    this.name = 'InputError'
    this.input = input
  }
}
