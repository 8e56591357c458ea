import { describe, expect, it } from 'vitest'
import { releaseNotesToCardMarkdown, type NotesOptions } from '../../src/compose/release-notes/index.js'

const options: NotesOptions = {
  repositoryUrl: 'https://github.com/octo/notify',
  serverUrl: 'https://github.com',
  fullNotesUrl: 'https://github.com/octo/notify/releases/tag/v1.5.0',
  maxBytes: 24 * 1024,
}
const bytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2
const FULL = '[Full release notes](https://github.com/octo/notify/releases/tag/v1.5.0)'

async function timed(body: string, overrides: Partial<NotesOptions> = {}) {
  const start = performance.now()
  const result = await releaseNotesToCardMarkdown(body, { ...options, ...overrides })
  return { ...result, ms: performance.now() - start }
}

describe('release notes conversion is bounded', () => {
  it('3 KB of nested quotes: plain escaped text with a link, no stack overflow', async () => {
    const { markdown, plain, truncated } = await timed(`${'>'.repeat(3000)} hello <at id=all></at>`)
    expect(plain).toBe(true)
    expect(truncated).toBe(false)
    expect(markdown.startsWith('&#62;>>>')).toBe(true)
    expect(markdown).toContain('hello <\u200Bat id=all><\u200B/at>')
    expect(markdown).toMatch(new RegExp(`Shown as plain text.*${FULL.replace(/[[\]().]/g, '\\$&')}$`))
  })

  it('a list nested 3000 levels deep by indentation, or on one line, is not parsed', async () => {
    const indented = Array.from({ length: 3000 }, (_, level) => `${' '.repeat(level * 2)}- item`).join('\n')
    const oneLine = `${'- '.repeat(500)}item`
    for (const body of [indented, oneLine]) {
      const { markdown, plain, ms } = await timed(body)
      expect(plain).toBe(true)
      expect(ms).toBeLessThan(1000)
      expect(bytes(markdown)).toBeLessThanOrEqual(options.maxBytes)
      expect(markdown).toContain(FULL)
    }
  })

  it('120 KB of emphasis delimiters is shown as plain text within the budget, fast', async () => {
    for (const unit of ['*a', '_a', '*a_', '~a']) {
      const { markdown, plain, truncated, ms } = await timed(unit.repeat(120_000 / unit.length))
      expect(plain).toBe(true)
      expect(truncated).toBe(true)
      expect(ms).toBeLessThan(1000)
      expect(bytes(markdown)).toBeLessThanOrEqual(options.maxBytes)
      expect(markdown.endsWith(`… ${FULL}`)).toBe(true)
      // Cut between escapes, never inside one.
      expect(markdown.split('\n\n')[0]).toMatch(/^(?:&#\d+;|a)+$/)
    }
  })

  it('many paragraphs each under the per-paragraph bound stop at the time limit', async () => {
    const body = `${'*a_'.repeat(130)}\n\n`.repeat(300)
    const { plain, ms } = await timed(body, { timeLimitMs: 0 })
    expect(plain).toBe(true)
    expect(ms).toBeLessThan(1000)
  })

  it('deeply nested inline emphasis falls back instead of overflowing the renderer', async () => {
    const { plain } = await timed(`${'*_'.repeat(150)}x${'_*'.repeat(150)}`)
    expect(plain).toBe(true)
  })

  it('notes longer than 64 KB are read up to a line end and say the rest is on the release page', async () => {
    const body = `${'Fixed a thing.\n\n'.repeat(4200)}`
    expect(body.length).toBeGreaterThan(64 * 1024)
    const { markdown, truncated, plain } = await timed(body, { maxBytes: 10_000_000 })
    expect(plain).toBeUndefined()
    expect(truncated).toBe(true)
    expect(markdown.endsWith(`Fixed a thing.\n\n… ${FULL}`)).toBe(true)
  })

  it('ordinary notes are still converted as markdown', async () => {
    const { markdown, plain } = await timed('## Changes\n\n- fix #12 by @bob\n\n> note')
    expect(plain).toBeUndefined()
    expect(markdown).toBe(
      '#### Changes\n\n- fix [#12](https://github.com/octo/notify/issues/12) by [@bob](https://github.com/bob)\n\n> note',
    )
  })

  it('reference-style links still resolve through the bounded lexer', async () => {
    const { markdown } = await timed('See [the docs][d].\n\n[d]: https://example.com/docs')
    expect(markdown).toBe('See [the docs](https://example.com/docs).')
  })

  it('a plain fallback without a safe release URL still fits and says it is plain', async () => {
    const { markdown } = await timed('>'.repeat(40) + ' x', { fullNotesUrl: 'javascript:alert(1)' })
    expect(markdown).toMatch(/x\n\n\*\(Shown as plain text: .*\)\*$/)
  })
})
