import { describe, expect, it } from 'vitest'
import { composeMessage } from '../../src/compose.js'
import type { Content } from '../../src/inputs.js'
import { builtinVariables } from '../../src/github-context.js'

const builtins = builtinVariables({ GITHUB_REPOSITORY: 'octo/app', GITHUB_REF_NAME: 'v1.2.3', GITHUB_SHA: '0123456789abcdef', GITHUB_RUN_ID: '42' })
const compose = (content: Content, variables?: Record<string, unknown>) => composeMessage({ content, variables }, builtins)

describe('composeMessage', () => {
  it('fills text from built-ins and variables', () => {
    const message = compose({ kind: 'text', input: 'text', text: '${repository} ${ref_name} ${short_sha} by ${who}\n${run_url}' }, { who: 'ci' })
    expect(message).toEqual({ msgType: 'text', input: 'text', content: { text: 'octo/app v1.2.3 0123456 by ci\nhttps://github.com/octo/app/actions/runs/42' } })
  })

  it('lets variables use built-ins', () => {
    const message = compose({ kind: 'text', input: 'text', text: '${tag} ${repository}' }, { tag: 'release ${ref_name}' })
    expect(message.content).toEqual({ text: 'release v1.2.3 octo/app' })
  })

  it('refuses a variable that would replace a built-in in text, post or card, but not in a template', () => {
    expect(() => compose({ kind: 'text', input: 'text', text: '${run_url}' }, { run_url: 'https://evil.example' })).toThrow('Input `variables`: "run_url" is a built-in variable; give yours another name')
    expect(() => compose({ kind: 'card', input: 'card', card: {} }, { repository: 'x' })).toThrow('"repository" is a built-in variable')
    const template = compose({ kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' }, { repository: '${repository}!' })
    expect(template.content).toEqual({ type: 'template', data: { template_id: 'AAq1', template_variable: { repository: 'octo/app!' } } })
  })

  it('accepts a post by locale, the custom-bot wrapper, or a bare title/content', () => {
    const body = { title: 'T ${ref_name}', content: [[{ tag: 'text', text: 'x' }]] }
    const expected = { zh_cn: { title: 'T v1.2.3', content: [[{ tag: 'text', text: 'x' }]] } }
    expect(compose({ kind: 'post', input: 'post', post: { zh_cn: body } }).content).toEqual(expected)
    expect(compose({ kind: 'post', input: 'post', post: { post: { zh_cn: body } } }).content).toEqual(expected)
    expect(compose({ kind: 'post', input: 'post', post: body }).content).toEqual(expected)
  })

  it.each([
    [[1], 'must be a mapping of locales'],
    [{ zh_cn: { content: 'text' } }, 'zh_cn.content must be a list of paragraphs'],
    [{ zh_cn: { content: [[{ text: 'no tag' }]] } }, 'zh_cn.content[0][0] needs a tag'],
    [{ zh_cn: { title: 3, content: [] } }, 'zh_cn.title must be a string'],
  ])('rejects the post %j', (post, message) => {
    expect(() => compose({ kind: 'post', input: 'post', post })).toThrow(`Input \`post\`: ${message}`)
  })

  it('sends a template with version and typed variables, built-ins filled', () => {
    const message = compose({ kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '1.0.2' }, { version: '${ref_name}', count: 3, services: ['api', '${repository}'] })
    expect(message).toEqual({
      msgType: 'interactive', input: 'template-id',
      content: { type: 'template', data: { template_id: 'AAq1', template_version_name: '1.0.2', template_variable: { version: 'v1.2.3', count: 3, services: ['api', 'octo/app'] } } },
    })
  })

  it('omits template_version_name and template_variable when not given', () => {
    expect(compose({ kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' }).content).toEqual({ type: 'template', data: { template_id: 'AAq1' } })
  })

  it.each([
    ['x', 'must be a card object, not a plain string'],
    [{ msg_type: 'interactive', card: {} }, 'looks like a whole request body'],
    [{ schema: '2.0', elements: [] }, 'is a card JSON 2.0 (schema "2.0"), whose elements go under body.elements'],
    [{ type: 'template', data: {} }, 'is a template envelope without data.template_id'],
  ])('rejects the card %j', (card, message) => {
    expect(() => compose({ kind: 'card', input: 'card-file', card })).toThrow(`Input \`card-file\`: ${message}`)
  })

  it('checks sizes after filling: text 150 KB, cards 30 KB', () => {
    expect(() => compose({ kind: 'text', input: 'text', text: 'a'.repeat(150 * 1024 - 300) })).not.toThrow()
    expect(() => compose({ kind: 'text', input: 'text', text: '\n'.repeat(76 * 1024) })).toThrow('Feishu accepts at most 150 KB for text messages')
    expect(() => compose({ kind: 'text', input: 'text', text: 'a'.repeat(150 * 1024) })).toThrow('Feishu accepts at most 150 KB for text messages')
    expect(() => compose({ kind: 'card', input: 'card', card: { elements: [{ tag: 'markdown', content: '${big}' }] } }, { big: '字'.repeat(11000) }))
      .toThrow(/Input `card`: the message is 32\.\d KB after filling placeholders; Feishu accepts at most 30 KB/)
  })

  it('checks webhook messages against the 20 KB body limit, for every type', () => {
    const webhook = (content: Content, variables?: Record<string, unknown>) => composeMessage({ content, variables, mode: 'webhook' }, builtins)
    expect(() => webhook({ kind: 'text', input: 'text', text: 'a'.repeat(19 * 1024) })).not.toThrow()
    expect(() => webhook({ kind: 'text', input: 'text', text: 'a'.repeat(20 * 1024) }))
      .toThrow(/^Input `text`: the message is 20\.\d KB after filling placeholders; a custom bot webhook accepts at most 20 KB for the whole request$/)
    const card = { elements: [{ tag: 'markdown', content: '${big}' }] }
    expect(() => compose({ kind: 'card', input: 'card', card }, { big: 'x'.repeat(25 * 1024) })).not.toThrow()
    expect(() => webhook({ kind: 'card', input: 'card', card }, { big: 'x'.repeat(25 * 1024) })).toThrow(/^Input `card`: .* at most 20 KB/)
    expect(() => webhook({ kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' }, { notes: 'x'.repeat(21 * 1024) })).toThrow(/^Input `template-id`: .* at most 20 KB/)
  })
})

describe('update_multi (§4.5, §5.2)', () => {
  const app = (card: Record<string, unknown>, more: { mode?: 'app' | 'webhook'; updateMessageId?: string } = {}) =>
    composeMessage({ content: { kind: 'card', input: 'card', card }, variables: undefined, ...more }, builtins).content

  it('a 1.0 card the app bot sends becomes shared, its own config kept', () => {
    expect(app({ elements: [] })).toEqual({ elements: [], config: { update_multi: true } })
    expect(app({ config: { wide_screen_mode: true }, elements: [] })).toEqual({ config: { wide_screen_mode: true, update_multi: true }, elements: [] })
    expect(app({ schema: '1.0', elements: [] }, { updateMessageId: 'om_1' })).toEqual({ schema: '1.0', elements: [], config: { update_multi: true } })
  })

  it('leaves 2.0 cards, templates, an update_multi the card sets, and webhook cards alone', () => {
    for (const card of [
      { schema: '2.0', body: { elements: [] } },
      { type: 'template', data: { template_id: 'AAq1' } },
      { config: { update_multi: false }, elements: [] },
      { config: 'not a mapping' },
    ]) expect(app(card)).toEqual(card)
    expect(app({ elements: [] }, { mode: 'webhook' })).toEqual({ elements: [] })
    const template = composeMessage({ content: { kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' }, variables: undefined }, builtins)
    expect(template.content).toEqual({ type: 'template', data: { template_id: 'AAq1' } })
  })

  it('an update with a card that is not shared is an input error', () => {
    expect(() => app({ config: { update_multi: false }, elements: [] }, { updateMessageId: 'om_1' }))
      .toThrow('Input `card`: sets config.update_multi to something other than true, but only shared cards (update_multi: true) can be updated; remove it')
  })
})
