import { afterEach, describe, expect, it, vi } from 'vitest'
import { actionsRunner } from '../../src/base/runner.js'
import { composeMessage } from '../../src/compose/message.js'
import { runContext } from '../../src/github/context.js'
import { readConfig } from '../../src/inputs/config.js'
import { inputEnv } from '../run-action.mjs'

vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
afterEach(() => vi.unstubAllEnvs())

const HOSTILE = 'fix <at user_id="all"></at> </font> [x](https://evil.example) ${HOME} `code` *bold*'
const base = { 'app-id': 'cli_test', 'app-secret': 's', 'chat-id': 'oc_1' }

async function compose(inputs: Record<string, string>) {
  for (const [name, value] of Object.entries(inputEnv({ ...base, ...inputs }))) vi.stubEnv(name, value)
  const config = await readConfig(process.env, actionsRunner)
  return composeMessage({ ...config, mentions: [] }, runContext({ GITHUB_REPOSITORY: 'o/r' }, {}))
}

describe('untrusted-variables', () => {
  it('text: fills the value as inert text; ${HOME} inside it is text, not a placeholder', async () => {
    const message = await compose({
      text: 'Commit: ${commit} in ${repository}',
      'untrusted-variables': `commit: ${JSON.stringify(HOSTILE)}`,
    })
    const text = (message.content as { text: string }).text
    expect(text).toContain('${HOME}')
    expect(text).not.toMatch(/<at|<\/font|\]\(/)
    expect(text).toContain('<\u200Bat user_id="all"><\u200B/at>')
    expect(text.endsWith(' in o/r')).toBe(true)
  })

  it('card markdown: markdown characters are literal too', async () => {
    const card = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: '${commit}' }] } })
    const message = await compose({ card, 'untrusted-variables': `commit: ${JSON.stringify(HOSTILE)}` })
    const content = JSON.stringify(message.content)
    expect(content).not.toMatch(/<at|\*bold\*|\[x\]/)
    expect(content).toContain('&#42;bold&#42;')
  })

  it('the same text through `variables` is markup, and ${HOME} fails: the difference the input exists for', async () => {
    await expect(compose({ text: '${commit}', variables: `commit: ${JSON.stringify(HOSTILE)}` })).rejects.toThrow(
      'Input `variables`: unknown placeholder ${HOME}',
    )
  })

  it('templates get the plain, inert form', async () => {
    const message = await compose({
      'template-id': 'AAq1',
      'untrusted-variables': 'title: "<at id=all></at>"',
      variables: 'n: 1',
    })
    expect((message.content as any).data.template_variable).toEqual({ n: 1, title: '<\u200Bat id=all><\u200B/at>' })
  })

  it.each([
    ['a list value', 'commit: [1, 2]', 'Input `untrusted-variables`: "commit" is a list; its values are text'],
    ['a name also in variables', 'n: x', 'Input `untrusted-variables`: "n" is in `variables` too'],
    ['a built-in name', 'actor: x', 'Input `untrusted-variables`: "actor" is a built-in variable'],
    ['a bad name', '"my var": x', 'Input `untrusted-variables`: "my var" is not a valid variable name'],
    ['not a mapping', '- a', 'Input `untrusted-variables`: must be a mapping'],
  ])('refuses %s in one line naming the input', async (_, source, message) => {
    await expect(compose({ text: 'x', variables: 'n: 1', 'untrusted-variables': source })).rejects.toThrow(message)
  })

  it('numbers and booleans are text; null is empty', async () => {
    const message = await compose({ text: '${a}|${b}|${c}', 'untrusted-variables': 'a: 3\nb: true\nc: null' })
    expect((message.content as { text: string }).text).toBe('3|true|')
  })
})
