import { describe, expect, it } from 'vitest'
import { fillString, fillTree, UntrustedText } from '../../src/compose/placeholders.js'
import { InputError } from '../../src/inputs/errors.js'

const vars = new Map<string, unknown>([
  ['name', 'world'],
  ['count', 3],
  ['flag', false],
  ['list', ['a', 'b']],
  ['evil', 'he said "hi" \\ and\nleft", "admin": true, "x": "'],
])

describe('fillString', () => {
  it('fills names, numbers, booleans and lists', () => {
    expect(fillString('hello ${name} ${count} ${flag} ${list}', vars, 'text')).toBe('hello world 3 false ["a","b"]')
  })

  it('keeps $${name} as a literal and leaves non-names alone', () => {
    expect(fillString('$${name} ${{ github.sha }} $${ name } $name ${1x}', vars, 'text')).toBe(
      '${name} ${{ github.sha }} ${ name } $name ${1x}',
    )
  })

  it('fills ${ name } with spaces or tabs inside the braces like ${name}', () => {
    expect(fillString('${ name } ${\tcount\t} ${name }', vars, 'text')).toBe('world 3 world')
  })

  it('an unknown name fails with or without spaces', () => {
    for (const template of ['${nope}', '${ nope }']) {
      expect(() => fillString(template, vars, 'text')).toThrow(/^Input `text`: unknown placeholder \$\{nope\}/)
    }
  })

  it('stops at the size limit while filling, naming the input and the placeholder', () => {
    const big = new Map<string, unknown>([['big', 'x'.repeat(110_000)]])
    expect(() => fillString('${big}'.repeat(5000), big, 'text')).toThrow(
      /^Input `text`: the message grows past 300 K characters while filling placeholders \(at \$\{big\}\);/,
    )
    const card = {
      elements: [
        { tag: 'markdown', content: '${big}' },
        { tag: 'markdown', content: '${big} ${big}' },
      ],
    }
    expect(() => fillTree(card, big, 'card')).toThrow(/^Input `card`: .* \(at \$\{big\} in elements\[1\]\.content\);/)
    expect(fillString('${big}${big}', big, 'text')).toHaveLength(220_000)
  })

  it('does not expand placeholders that come from a value', () => {
    const chained = new Map<string, unknown>([
      ['a', '${b}'],
      ['b', 'no'],
    ])
    expect(fillString('${a}', chained, 'text')).toBe('${b}')
  })

  it('names the input, the place and the known names for an unknown placeholder', () => {
    const fill = (): string => fillString('x ${nope}', vars, 'card', 'elements[0].content')
    expect(fill).toThrow(InputError)
    expect(fill).toThrow(
      'Input `card`: unknown placeholder ${nope} at elements[0].content; known names: count, evil, flag, list, name',
    )
  })
})

describe('fillTree', () => {
  it('fills string values in nested data, never keys, and keeps other types', () => {
    const card = {
      header: { title: { content: 'Hi ${name}' } },
      elements: [{ tag: 'markdown', content: '${count} items' }],
      n: 1,
      '${name}': true,
    }
    expect(fillTree(card, vars, 'card')).toEqual({
      header: { title: { content: 'Hi world' } },
      elements: [{ tag: 'markdown', content: '3 items' }],
      n: 1,
      '${name}': true,
    })
  })

  it('keeps a hostile value inside one string: no new keys, JSON stays valid', () => {
    const filled = fillTree({ text: 'msg: ${evil}' }, vars, 'card') as Record<string, unknown>
    expect(Object.keys(filled)).toEqual(['text'])
    expect(filled.text).toBe(`msg: ${vars.get('evil') as string}`)
    expect(JSON.stringify(filled)).toBe(JSON.stringify({ text: `msg: ${vars.get('evil') as string}` }))
  })

  it('keeps a __proto__ key as an own key', () => {
    const filled = fillTree(JSON.parse('{"__proto__": {"x": "${name}"}, "a": 1}'), vars, 'card') as Record<
      string,
      unknown
    >
    expect(Object.keys(filled)).toEqual(['__proto__', 'a'])
    expect(JSON.stringify(filled)).toBe('{"__proto__":{"x":"world"},"a":1}')
  })

  it('reports the path of an unknown placeholder', () => {
    expect(() => fillTree({ body: { elements: [{ content: '${missing}' }] } }, vars, 'card')).toThrow(
      'at body.elements[0].content',
    )
  })
})

describe('untrusted text: plain in text fields, markdown-escaped where Feishu reads markdown', () => {
  const untrusted = new Map<string, unknown>([
    ['msg', new UntrustedText('plain *form*', 'markdown \\*form\\*')],
    ['none', null],
    ['missing', undefined],
    ['meta', { a: 1 }],
  ])

  it('fills the plain form into strings and the markdown form when asked', () => {
    expect(fillString('${msg}', untrusted, 'text')).toBe('plain *form*')
    expect(fillString('${msg}', untrusted, 'text', '', true)).toBe('markdown \\*form\\*')
  })

  it('fills null and undefined as nothing, objects as JSON, numbers as written (YAML .inf too)', () => {
    expect(fillString('[${none}][${missing}] ${meta}', untrusted, 'text')).toBe('[][] {"a":1}')
    const numbers = new Map<string, unknown>([
      ['inf', Number.POSITIVE_INFINITY],
      ['nan', Number.NaN],
      ['yes', true],
    ])
    expect(fillString('${inf} ${nan} ${yes}', numbers, 'text')).toBe('Infinity NaN true')
  })

  it('uses the markdown form in card markdown and lark_md content and in post md text, nowhere else', () => {
    const filled = fillTree(
      {
        title: { tag: 'plain_text', content: '${msg}' },
        elements: [
          { tag: 'markdown', content: '${msg}', text: '${msg}' },
          { tag: 'div', text: { tag: 'lark_md', content: '${msg}' } },
          { tag: 'lark_md', text: '${msg}' },
        ],
        post: [
          [
            { tag: 'md', text: '${msg}', content: '${msg}' },
            { tag: 'text', text: '${msg}' },
          ],
        ],
      },
      untrusted,
      'card',
    )
    expect(filled).toEqual({
      title: { tag: 'plain_text', content: 'plain *form*' },
      elements: [
        { tag: 'markdown', content: 'markdown \\*form\\*', text: 'plain *form*' },
        { tag: 'div', text: { tag: 'lark_md', content: 'markdown \\*form\\*' } },
        { tag: 'lark_md', text: 'plain *form*' },
      ],
      post: [
        [
          { tag: 'md', text: 'markdown \\*form\\*', content: 'plain *form*' },
          { tag: 'text', text: 'plain *form*' },
        ],
      ],
    })
  })

  it('keeps the markdown form for everything under a markdown field', () => {
    expect(fillTree({ tag: 'markdown', content: ['${msg}'] }, untrusted, 'card')).toEqual({
      tag: 'markdown',
      content: ['markdown \\*form\\*'],
    })
    expect(fillTree(['${msg}'], untrusted, 'card', '', true)).toEqual(['markdown \\*form\\*'])
  })

  it('names no place when the string has none', () => {
    expect(() => fillString('${nope}', untrusted, 'text')).toThrow(
      'Input `text`: unknown placeholder ${nope}; known names: meta, missing, msg, none. Write $${nope} for a literal ${nope}',
    )
    expect(() => fillTree(['ok', '${nope}'], untrusted, 'card')).toThrow('${nope} at [1];')
  })
})
