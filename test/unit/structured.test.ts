import { describe, expect, it } from 'vitest'
import { jsonErrorOffset, parseMapping, parseStructured } from '../../src/inputs/structured.js'
import { InputError } from '../../src/inputs/errors.js'

describe('parseStructured', () => {
  it('reads JSON', async () => {
    await expect(parseStructured('{"a": [1, true, null]}', 'card')).resolves.toEqual({ a: [1, true, null] })
  })

  it('reads YAML, including flow mappings that are not JSON', async () => {
    await expect(
      parseStructured('zh_cn:\n  title: Hi\n  content: [[{tag: text, text: "x"}]]', 'post'),
    ).resolves.toEqual({ zh_cn: { title: 'Hi', content: [[{ tag: 'text', text: 'x' }]] } })
    await expect(parseStructured('{zh_cn: {title: t}}', 'post')).resolves.toEqual({ zh_cn: { title: 't' } })
  })

  it('reports YAML errors in one line with the input, line and column', async () => {
    const error = await parseStructured('a: 1\nb: [1, 2\nc: 3', 'card').catch((caught: Error) => caught)
    expect(String(error)).toBe(
      'InputError: Input `card`: is not valid YAML (line 3, column 1: missed comma between flow collection entries)',
    )
  })

  it.each([
    ['{"a": 1,, }', 'line 1, column 9', 'Expected double-quoted property name'],
    ['{"a": "b",\n"c": [1,,2]}', 'line 2, column 9', "Unexpected token ','"],
    ['{"version": "v", "count": , "ok": true}', 'line 1, column 27', "Unexpected token ','"],
    ['{"a": 1', 'line 1, column 8', "Expected ',' or '}' after property value"],
    ['{"a": "x\ny"}', 'line 1, column 9', 'Bad control character in string literal'],
  ])('reports broken JSON %j as JSON, one line, with its position', async (source, at, reason) => {
    const error = await parseStructured(source, 'variables').catch((caught: Error) => caught)
    expect((error as Error).message).toBe(`Input \`variables\`: is not valid JSON (${at}: ${reason})`)
  })

  it('finds the offset of the first JSON error, or -1 for valid JSON', () => {
    expect(jsonErrorOffset('{"a": [1, 2, {"b": "\\u00e9"}], "c": -1.5e3}')).toBe(-1)
    expect(jsonErrorOffset('[1, 2,]')).toBe(6)
    expect(jsonErrorOffset('{"a": tru}')).toBe(6)
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9)
    expect(jsonErrorOffset('"\\x"')).toBe(1)
  })

  it('rejects duplicate YAML keys', async () => {
    await expect(parseStructured('a: 1\na: 2', 'variables')).rejects.toThrow(
      'Input `variables`: is not valid YAML (line 2, column 1: duplicated mapping key)',
    )
  })

  it('names the file for file content', async () => {
    await expect(parseStructured('a: [', 'card-file', 'cards/x.yml')).rejects.toThrow(
      'Input `card-file`: cards/x.yml is not valid YAML',
    )
  })

  it('refuses an alias bomb, and an alias that contains itself, naming the input', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`)
    await expect(parseStructured(levels.join('\n'), 'card')).rejects.toThrow(
      'Input `card`: holds more than 100000 values (YAML aliases repeating themselves?)',
    )
    await expect(parseStructured('a: &a [x, *a]', 'card')).rejects.toThrow(
      'Input `card`: nests deeper than 100 levels (a YAML alias containing itself?)',
    )
  })

  it.each([
    ['x: .inf', 'at x: Infinity cannot be sent as JSON'],
    ['x: .nan', 'at x: NaN cannot be sent as JSON'],
    ['x: [-.inf]', 'at x[0]: -Infinity cannot be sent as JSON'],
    ['x: 12345678901234567890', 'at x: 12345678901234567000 is too large to send exactly; quote it to send text'],
    ['{"x": 12345678901234567890}', 'at x: 12345678901234567000 is too large to send exactly'],
    ['x: !!binary aGk=', 'is not valid YAML (line 1, column 17: unknown tag !<tag:yaml.org,2002:binary>)'],
    ['x: !!set {a, b}', 'is not valid YAML (line 1, column 16: unknown tag !<tag:yaml.org,2002:set>)'],
    ['x: !foo bar', 'is not valid YAML'],
  ])('refuses %j, which JSON cannot carry unchanged', async (source, message) => {
    await expect(parseStructured(source, 'variables')).rejects.toThrow(message)
  })

  it('keeps dates and other YAML 1.1 forms as the text written', async () => {
    await expect(parseStructured('d: 2024-01-01\ny: yes\nv: 1.10\nq: "1.10"', 'variables')).resolves.toEqual({
      d: '2024-01-01',
      y: 'yes',
      v: 1.1,
      q: '1.10',
    })
  })

  it('keeps a __proto__ key as data', async () => {
    const parsed = (await parseStructured('{"__proto__": {"x": 1}, "a": 2}', 'card')) as Record<string, unknown>
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a'])
    const yaml = (await parseStructured('__proto__: {x: 1}\na: 2', 'card')) as Record<string, unknown>
    expect(Object.keys(yaml)).toEqual(['__proto__', 'a'])
  })
})

describe('parseMapping', () => {
  it.each([
    ['[1, 2]', 'a list'],
    ['hello', 'a plain string'],
    ['42', 'a number'],
    ['', 'empty'],
  ])('rejects %j (%s)', async (source, kind) => {
    await expect(parseMapping(source, 'variables')).rejects.toThrow(
      `Input \`variables\`: must be a mapping (key: value), not ${kind}`,
    )
  })
})

describe('deep nesting is an error with the input and a position, never a stack overflow', () => {
  const deep = '['.repeat(5000)
  it.each([
    ['card', deep, 'line 1, column 101'],
    ['post', `{"a":${'{"b":'.repeat(3000)}`, 'line 1, column 501'],
    ['variables', `[\n${'[1,'.repeat(200)}${']'.repeat(201)}`, 'line 2, column 298'],
    ['card-file', `  ${deep}`, 'line 1, column 103'],
  ])('%s', async (input, source, at) => {
    const error = await parseStructured(source, input).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(
      `Input \`${input}\`: nests too deeply (${at}: deeper than 100 levels of [ and {; no message needs that many)`,
    )
  })

  it('YAML nested past its limit names the input and the line', async () => {
    const error = await parseStructured(`a:\n  b: ${'['.repeat(3000)}`, 'variables').catch((caught: unknown) => caught)
    expect((error as Error).message).toMatch(
      /^Input `variables`: is not valid YAML \(line 2, column \d+: nesting exceeded/,
    )
  })

  it('exactly 100 levels is still fine', async () => {
    let value = await parseStructured(`${'['.repeat(100)}${']'.repeat(100)}`, 'card')
    // 100 lists, each holding the next; the innermost is empty.
    let depth = 0
    while (Array.isArray(value) && value.length === 1) {
      value = value[0]
      depth += 1
    }
    expect(depth).toBe(99)
    expect(value).toEqual([])
  })
})
