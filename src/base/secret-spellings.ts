// The spellings of a secret that a server, a proxy or an error text may quote back: as given, its
// percent-decoded form, percent-encoded (as in a URL or a form), JSON-escaped (as in a JSON body)
// and base64 (as in a Basic auth header, also where it starts inside a longer base64 text). Every
// registration with the runner's masking and every redaction of the action's own goes through
// `secretSpellings`, so hiding one spelling hides them all. Pure; no I/O.

/**
 * A secret shorter than this is not looked for by the action's own redaction: hiding one or two
 * characters would blank ordinary words and rewrite JSON keys, and hides nothing of value.
 */
export const MIN_SECRET_LENGTH = 3

/**
 * A spelling derived from a secret (rather than the secret as given) is looked for only when at
 * least this long: a short fragment of base64 occurs by chance.
 */
const MIN_DERIVED_LENGTH = 6

const cache = new Map<string, readonly string[]>()

/** `secret` and each of its other spellings (derived ones of at least 6 characters), each once. */
export function secretSpellings(secret: string): readonly string[] {
  let spellings = cache.get(secret)
  if (!spellings) {
    const derived = [...new Set(derive(secret))].filter(
      (spelling) => spelling !== secret && spelling.length >= MIN_DERIVED_LENGTH,
    )
    spellings = [secret, ...derived]
    // Bounded: a run registers a few secrets and personal data of at most a few hundred people.
    if (cache.size < 10_000) cache.set(secret, spellings)
  }
  return spellings
}

function derive(secret: string): string[] {
  const forms = [secret]
  const decoded = percentDecoded(secret)
  if (decoded !== undefined) forms.push(decoded)
  const out: string[] = []
  for (const form of forms) {
    out.push(form, ...percentEncodings(form), ...jsonEscapes(form), ...base64Spellings(form))
  }
  return out
}

function percentDecoded(text: string): string | undefined {
  if (!text.includes('%')) return undefined
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

/** As a URL component, as a whole URL would keep it, with lower-case hex digits, and as a form value (space as +). */
function percentEncodings(text: string): string[] {
  const component = encodeURIComponent(text)
  const form = new URLSearchParams({ v: text }).toString().slice(2)
  return [
    component,
    component.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    encodeURI(text),
    form,
    form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  ]
}

/**
 * Inside a JSON string: as JSON.stringify writes it; with `/` escaped; with every character past
 * ASCII as \uXXXX (lower- or upper-case hex), as ASCII-only encoders write it; and with < > & as
 * \u003c \u003e \u0026, as HTML-safe encoders write it.
 */
function jsonEscapes(text: string): string[] {
  const plain = JSON.stringify(text).slice(1, -1)
  const unicode = (pattern: RegExp, upper = false): string =>
    plain.replace(pattern, (char) => {
      const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
      return `\\u${upper ? hex.toUpperCase() : hex}`
    })
  return [
    plain,
    plain.replace(/\//g, '\\/'),
    unicode(/[\u0080-\uffff]/g),
    unicode(/[\u0080-\uffff]/g, true),
    unicode(/[<>&]/g),
  ]
}

/**
 * Base64 and base64url of the UTF-8 bytes, padded and not; and the characters that stand for the
 * secret alone when it starts 1 or 2 bytes into a longer text (`user:password` in a Basic auth
 * header) or is followed by more bytes: base64 turns every 3 bytes into 4 characters, so those
 * are the three ways it can be aligned.
 */
function base64Spellings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8')
  const out: string[] = []
  for (const shift of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes])
    const standard = shifted.toString('base64')
    // Characters that hold only the secret's bits: after the prefix's, up to the last whole one.
    const first = Math.ceil((shift * 8) / 6)
    const last = Math.floor(((shift + bytes.length) * 8) / 6)
    const inner = standard.slice(first, last)
    if (shift === 0) out.push(standard, standard.replace(/=+$/, ''))
    out.push(inner)
  }
  return [...out, ...out.map((spelling) => spelling.replace(/\+/g, '-').replace(/\//g, '_'))]
}
