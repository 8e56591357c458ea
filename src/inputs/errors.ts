// InputError: the workflow must change an input. Raised before any network call; its message is
// one line that names the input, and never repeats a secret, nor more than a bounded part of it.

import { bounded } from '../base/bounded.js'

import { ActionError } from '../base/errors.js'

/** A problem with the step's inputs. The message is one line that names the input. */
export class InputError extends ActionError {
  readonly input: string

  /** `cause`: what was wrong underneath (a parser's error), for the debug log; never shown in the line. */
  constructor(input: string, problem: string, options?: { cause?: unknown }) {
    super(`Input \`${input}\`: ${problem}`, options)
    this.name = 'InputError'
    this.input = input
  }
}

/** Characters no one sees: controls, format characters (zero-width spaces, joiners, direction marks), and separators other than the space. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u3164\uffa0]/gu

/** Whether `text` holds a character that would not show in an error message. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0
  return INVISIBLE.test(text)
}

/** The invisible characters in `text`, each as \uXXXX, for a message that cannot show `text` itself (personal data). */
export function invisibleIn(text: string): string {
  return [...new Set(text.match(INVISIBLE) ?? [])].map((char) => shown(char)).join(' ')
}

/** `text` for an error message, cut to a bounded length, with each invisible character written as \uXXXX so the reader sees it. */
export function shown(text: string): string {
  return bounded(text).replace(INVISIBLE, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}
