import { describe, expect, it } from 'vitest'
import { parseMapping, parseStructured } from '../../src/structured.js'

describe('parseStructured', () => {
  it('reads JSON', async () => {
    await expect(parseStructured('{"a": [1, true, null]}', 'card')).resolves.toEqual({ a: [1, true, null] })
  })

  it('reads YAML, including flow mappings that are not JSON', async () => {
    await expect(parseStructured('zh_cn:\n  title: Hi\n  content: [[{tag: text, text: "x"}]]', 'post')).resolves.toEqual({ zh_cn: { title: 'Hi', content: [[{ tag: 'text', text: 'x' }]] } })
    await expect(parseStructured('{zh_cn: {title: t}}', 'post')).resolves.toEqual({ zh_cn: { title: 't' } })
  })

  it('reports YAML errors with the input, line and column', async () => {
    await expect(parseStructured('a: 1\nb: [1, 2\nc: 3', 'card')).rejects.toThrow(/^Input `card`: is not valid JSON or YAML \(YAML at line \d+, column \d+: /)
  })

  it('reports broken JSON as JSON', async () => {
    await expect(parseStructured('{"a": 1,, }', 'card')).rejects.toThrow(/^Input `card`: is not valid JSON or YAML \(JSON: /)
  })

  it('rejects duplicate YAML keys', async () => {
    await expect(parseStructured('a: 1\na: 2', 'variables')).rejects.toThrow('Input `variables`')
  })

  it('names the file for file content', async () => {
    await expect(parseStructured('a: [', 'card-file', 'cards/x.yml')).rejects.toThrow('Input `card-file`: cards/x.yml is not valid')
  })
})

describe('parseMapping', () => {
  it.each([['[1, 2]', 'a list'], ['hello', 'a plain string'], ['42', 'a number'], ['', 'empty']])('rejects %j (%s)', async (source, kind) => {
    await expect(parseMapping(source, 'variables')).rejects.toThrow(`Input \`variables\`: must be a mapping (key: value), not ${kind}`)
  })
})
