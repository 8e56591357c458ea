// Secrets out of the card before it is drawn: the preview is a file, which the runner does not mask.
// Only values are redacted, never keys (they are the card's field names, which the preview never
// draws, and rewriting one would redraw a different card); and a "secret" shorter than
// MIN_SECRET_LENGTH hides only a value that is nothing but the secret, so that a one- or
// two-character value given to setSecret does not turn every word containing it into ***.
// Longer secrets are hidden wherever they occur, as in the log. Pure.

import type { Runner } from '../../base/runner.js'

/** Below this length a secret hides only a whole value (base/runner.ts RedactOptions.minLength). */
const MIN_SECRET_LENGTH = 4

/** Parts deeper than this are dropped: the preview draws a placeholder long before. */
const MAX_DEPTH = 256

/** A copy of `value` with every string (and number) value redacted; the keys as they were. */
export function redactValues(value: unknown, redact: Runner['redact'], depth = 0): unknown {
  if (depth > MAX_DEPTH) return null
  if (typeof value === 'string') return redact(value, { minLength: MIN_SECRET_LENGTH })
  if (typeof value === 'number') {
    const shown = redact(String(value), { minLength: MIN_SECRET_LENGTH })
    return shown === String(value) ? value : shown
  }
  if (Array.isArray(value)) return value.map((item) => redactValues(item, redact, depth + 1))
  if (typeof value !== 'object' || value === null) return value
  // fromEntries defines own properties: a `__proto__` key stays a plain key.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValues(item, redact, depth + 1)]))
}
