// Personal data as it may be shown: e-mail addresses and phone numbers masked for the log and the
// job summary (`a***@example.com`, `+86138****5678`). Plain string functions; no I/O.

/** `alice@example.com` -> `a***@example.com`: the first character and the domain stay. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '***'
  return `${Array.from(email)[0]}***${email.slice(at)}`
}

/**
 * `+8613812345678` -> `+86138****5678`; a number without a country code is a mainland China number
 * (as Feishu reads it, §14.1), so `13812345678` shows the same way. Short numbers keep only their
 * last two digits.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+/, '')
  const full = phone.startsWith('+') ? digits : `86${digits}`
  if (full.length < 9) return `${'*'.repeat(Math.max(3, full.length - 2))}${full.slice(-2)}`
  return `+${full.slice(0, 5)}****${full.slice(-4)}`
}

/**
 * Any text about to be shown (an input error, a log line) with every e-mail-like word and every
 * phone-like run of 7 or more digits masked as above, however it was written (`@a@b.c`,
 * `(139)1234-5678`, `tel:+86...`): a mistyped address is still personal data.
 */
export function maskPersonal(text: string): string {
  return text
    .replace(/@?[^\s"'<>(),;`@]+@[^\s"'<>(),;`@]+/g, (email) => maskEmail(email.replace(/^@+/, '')))
    .replace(/(?<![\w*])\+?\d[\d\s().-]{5,}\d(?!\w)/g, (number) => {
      const digits = number.replace(/\D/g, '')
      return digits.length >= 7 ? maskPhone(number.trim().startsWith('+') ? `+${digits}` : digits) : number
    })
}
