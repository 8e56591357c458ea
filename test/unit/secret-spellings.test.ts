// Every spelling of a secret that a server could quote back is hidden, by the runner's masking and
// by the action's own redaction; short values are left alone so ordinary text is not blanked.
import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../src/base/runner.js'
import { MIN_SECRET_LENGTH, secretSpellings } from '../../src/base/secret-spellings.js'

const SECRET = 'S3cr/t+Key=é"\\x'

describe('secretSpellings', () => {
  it('holds the secret as given first, then its encodings, each once', () => {
    const spellings = secretSpellings(SECRET)
    expect(spellings[0]).toBe(SECRET)
    expect(new Set(spellings).size).toBe(spellings.length)
    expect(spellings).toContain(encodeURIComponent(SECRET))
    expect(spellings).toContain(JSON.stringify(SECRET).slice(1, -1))
    expect(spellings).toContain(Buffer.from(SECRET).toString('base64'))
    expect(spellings).toContain(Buffer.from(SECRET).toString('base64url'))
  })

  it('derives no spelling shorter than 6 characters', () => {
    for (const spelling of secretSpellings('abc').slice(1)) expect(spelling.length).toBeGreaterThanOrEqual(6)
  })
})

describe('redactSecrets finds a secret however it is spelled', () => {
  const quoted: [string, string][] = [
    ['as given', SECRET],
    ['percent-encoded', encodeURIComponent(SECRET)],
    ['percent-encoded, lower-case hex', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form-encoded', new URLSearchParams({ q: `${SECRET} x` }).toString()],
    ['JSON-escaped', JSON.stringify({ msg: SECRET })],
    [
      'JSON-escaped, ASCII only',
      JSON.stringify(SECRET).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ],
    ['JSON-escaped slashes', JSON.stringify(SECRET).replace(/\//g, '\\/')],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['base64 at offset 1, inside more', Buffer.from(`u:${SECRET}!!`).toString('base64')],
    ['base64 at offset 2, inside more', Buffer.from(`us:${SECRET}?`).toString('base64')],
    ['base64 at offset 0, inside more', Buffer.from(`use:${SECRET}`).toString('base64')],
  ]
  it.each(quoted)('%s', (_, spelling) => {
    const text = `the server said: ${spelling} (end)`
    const redacted = redactSecrets(text, [SECRET])
    expect(redacted).toContain('***')
    expect(redacted).toMatch(/^the server said: /)
    expect(redacted).toMatch(/ \(end\)$/)
    // No run of the secret's own spellings is left.
    for (const form of secretSpellings(SECRET)) expect(redacted).not.toContain(form)
  })

  it('a percent-encoded secret given as such is found decoded too', () => {
    expect(redactSecrets('token a/b+c=d', ['a%2Fb%2Bc%3Dd'])).toBe('token ***')
  })

  it('leaves text without the secret as it was', () => {
    expect(redactSecrets('{"ok":true,"a":"b"}', [SECRET])).toBe('{"ok":true,"a":"b"}')
  })

  it(`leaves values shorter than ${MIN_SECRET_LENGTH} characters alone: JSON keys and words stay`, () => {
    expect(redactSecrets('{"ok":true,"id":"om_1"}', ['o', 'ok', 'id'])).toBe('{"ok":true,"id":"om_1"}')
    expect(redactSecrets('a key', ['key'])).toBe('a ***')
  })

  it('redacting JSON text keeps it JSON', () => {
    const json = JSON.stringify({ error: `bad ${SECRET}`, url: `https://h/?t=${encodeURIComponent(SECRET)}` })
    const redacted = redactSecrets(json, [SECRET])
    expect(JSON.parse(redacted)).toEqual({ error: 'bad ***', url: 'https://h/?t=***' })
  })
})
