// The markup library on its own (src/markup/): entities, escaping and safe URLs at their edges.
import { describe, expect, it } from 'vitest'
import { decodeEntities } from '../../src/markup/entities.js'

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
