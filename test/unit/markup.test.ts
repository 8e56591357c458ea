// The markup library on its own (src/markup/): entities, escaping and safe URLs at their edges.
import { describe, expect, it } from 'vitest'
import { decodeEntities } from '../../src/markup/entities.js'
import { escapeCardMarkdown, escapeLiteral, neutralizeMarkup } from '../../src/markup/escape.js'
import { safeHttpUrl } from '../../src/markup/safe-url.js'

describe('decodeEntities', () => {
  it.each([
    ['&#60;&#x3c;&#X3C;&lt;', '<<<<'],
    ['&#xD7FF;&#xE000;&#x10FFFF;', '\uD7FF\uE000\u{10FFFF}'],
    ['&#0;&#xD800;&#xDFFF;&#x110000;&#1114112;', '\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD'],
    ['&nosuch; &amp &#; &#x; &#12345678;', '&nosuch; &amp &#; &#x; &#12345678;'],
    ['no entity at all', 'no entity at all'],
  ])('%j -> %j', (text, decoded) => {
    expect(decodeEntities(text)).toBe(decoded)
  })
})

describe('neutralizeMarkup', () => {
  it('puts a zero-width space after every < and every & that could start an entity, also at the end', () => {
    expect(neutralizeMarkup('<at> & &amp; &#1; a&')).toBe('<\u200Bat> & &\u200Bamp; &\u200B#1; a&\u200B')
  })
})

describe('escapeCardMarkdown', () => {
  it.each([
    ['# h', '&#35; h'],
    ['#', '&#35;'],
    ['###### x', '&#35;##### x'],
    ['#h', '#h'],
    ['####### x', '####### x'],
    ['- x', '&#45; x'],
    ['-x', '-x'],
    ['+ x', '&#43; x'],
    ['+', '&#43;'],
    ['---', '&#45;--'],
    ['- - -', '&#45; - -'],
    ['-- -', '&#45;- -'],
    ['===', '&#61;=='],
    ['== x', '== x'],
    ['1. x', '1&#46; x'],
    ['1) x', '1&#41; x'],
    ['123456789. x', '123456789&#46; x'],
    ['1234567890. x', '1234567890. x'],
    ['1.x', '1.x'],
    ['> q', '&#62; q'],
    ['  # indented', '&#35; indented'],
    ['\t- tab', '&#45; tab'],
    ['http://x.com https://y', 'http&#58;//x.com https&#58;//y'],
    ['www.x.com awww.b', 'www&#46;x.com awww.b'],
    ['a@b.co', 'a&#64;b.co'],
    ['\\`*_~[]|', '&#92;&#96;&#42;&#95;&#126;&#91;&#93;&#124;'],
    ['a\n\nb', 'a\n\nb'],
    ['a\n# b', 'a\n&#35; b'],
  ])('%j -> %j', (text, escaped) => {
    expect(escapeCardMarkdown(text)).toBe(escaped)
  })
})

describe('escapeLiteral', () => {
  it("continues a container's lines with its prefix, escaping what starts each line", () => {
    const state = { atLineStart: true }
    expect(escapeLiteral('# a\n# b', state, '\n> ')).toBe('&#35; a\n> &#35; b')
    expect(state.atLineStart).toBe(false)
  })

  it('joins lines with a space inside a table cell, where no line starts', () => {
    const state = { atLineStart: false }
    expect(escapeLiteral('# a\nb\n- c', state, ' ')).toBe('# a b - c')
    expect(state.atLineStart).toBe(false)
  })

  it('leaves the line start pending after nothing but blanks', () => {
    const state = { atLineStart: true }
    expect(escapeLiteral('', state, '\n')).toBe('')
    expect(escapeLiteral('  ', state, '\n')).toBe('')
    expect(state.atLineStart).toBe(true)
    expect(escapeLiteral('# x', state, '\n')).toBe('&#35; x')
  })
})

describe('safeHttpUrl', () => {
  it.each([
    ['https://e.com/a(b)[c]<d>"e\'f`g|h\\i j', 'https://e.com/a%28b%29%5Bc%5D%3Cd%3E%22e%27f%60g%7Ch/i%20j'],
    [' https://e.com/?q=&lt;x&gt; ', 'https://e.com/?q=%3Cx%3E'],
    ['https://e.com/?a=1&amp=2&b', 'https://e.com/?a=1%26amp=2&b'],
    ['http://e.com/&#x3C;', 'http://e.com/%3C'],
    ['javascript:alert(1)', undefined],
    ['ftp://x', undefined],
    ['not a url', undefined],
  ])('%j -> %j', (raw, url) => {
    expect(safeHttpUrl(raw)).toBe(url)
  })

  it('decodes no entity when told not to, and leaves none that could decode later', () => {
    expect(safeHttpUrl(' https://e.com/?q=&lt;x&gt; ', false)).toBe('https://e.com/?q=%26lt;x%26gt;')
    expect(safeHttpUrl('http://e.com/&#x3C;', false)).toBe('http://e.com/%26#x3C;')
  })
})
