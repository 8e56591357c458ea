import { describe, expect, it } from 'vitest'
import { composeMessage } from '../../src/compose/message.js'
import type { Content } from '../../src/inputs/config.js'
import { runContext } from '../../src/github/context.js'

const context = runContext(
  { GITHUB_REPOSITORY: 'octo/app', GITHUB_REF_NAME: 'v1.2.3', GITHUB_SHA: '0123456789abcdef', GITHUB_RUN_ID: '42' },
  {},
)
const compose = (content: Content, variables?: Record<string, unknown>, mentions: string[] = []) =>
  composeMessage({ content, variables, status: '', title: '', mentions: mentions.map((id) => ({ id })) }, context)

describe('composeMessage', () => {
  it('fills text from built-ins and variables', async () => {
    const message = await compose(
      { kind: 'text', input: 'text', text: '${repository} ${ref_name} ${short_sha} by ${who}\n${run_url}' },
      { who: 'ci' },
    )
    expect(message).toEqual({
      msgType: 'text',
      input: 'text',
      content: { text: 'octo/app v1.2.3 0123456 by ci\nhttps://github.com/octo/app/actions/runs/42' },
    })
  })

  it('lets variables use built-ins', async () => {
    const message = await compose(
      { kind: 'text', input: 'text', text: '${tag} ${repository}' },
      { tag: 'release ${ref_name}' },
    )
    expect(message.content).toEqual({ text: 'release v1.2.3 octo/app' })
  })

  it('refuses a variable that would replace a built-in in text, post or card, but not in a template', async () => {
    await expect(
      compose({ kind: 'text', input: 'text', text: '${run_url}' }, { run_url: 'https://evil.example' }),
    ).rejects.toThrow('Input `variables`: "run_url" is a built-in variable; give yours another name')
    await expect(compose({ kind: 'card', input: 'card', card: {} }, { repository: 'x' })).rejects.toThrow(
      '"repository" is a built-in variable',
    )
    const template = await compose(
      { kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' },
      { repository: '${repository}!' },
    )
    expect(template.content).toEqual({
      type: 'template',
      data: { template_id: 'AAq1', template_variable: { repository: 'octo/app!' } },
    })
  })

  it('accepts a post by locale, the custom-bot wrapper, or a bare title/content', async () => {
    const body = { title: 'T ${ref_name}', content: [[{ tag: 'text', text: 'x' }]] }
    const expected = { zh_cn: { title: 'T v1.2.3', content: [[{ tag: 'text', text: 'x' }]] } }
    expect((await compose({ kind: 'post', input: 'post', post: { zh_cn: body } })).content).toEqual(expected)
    expect((await compose({ kind: 'post', input: 'post', post: { post: { zh_cn: body } } })).content).toEqual(expected)
    expect((await compose({ kind: 'post', input: 'post', post: body })).content).toEqual(expected)
  })

  it.each([
    [[1], 'must be a mapping of locales'],
    [{ zh_cn: { content: 'text' } }, 'zh_cn.content must be a list of paragraphs'],
    [{ zh_cn: { content: [[{ text: 'no tag' }]] } }, 'zh_cn.content[0][0] needs a tag'],
    [{ zh_cn: { title: 3, content: [] } }, 'zh_cn.title must be a string'],
  ])('rejects the post %j', async (post, message) => {
    await expect(compose({ kind: 'post', input: 'post', post })).rejects.toThrow(`Input \`post\`: ${message}`)
  })

  it('sends a template with version and typed variables, built-ins filled', async () => {
    const message = await compose(
      { kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '1.0.2' },
      { version: '${ref_name}', count: 3, services: ['api', '${repository}'] },
    )
    expect(message).toEqual({
      msgType: 'interactive',
      input: 'template-id',
      content: {
        type: 'template',
        data: {
          template_id: 'AAq1',
          template_version_name: '1.0.2',
          template_variable: { version: 'v1.2.3', count: 3, services: ['api', 'octo/app'] },
        },
      },
    })
  })

  it('omits template_version_name and template_variable when not given', async () => {
    expect(
      (await compose({ kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' })).content,
    ).toEqual({ type: 'template', data: { template_id: 'AAq1' } })
  })

  it.each([
    ['x', 'must be a card object, not a plain string'],
    [{ msg_type: 'interactive', card: {} }, 'looks like a whole request body'],
    [{ schema: '2.0', elements: [] }, 'is a card JSON 2.0 (schema "2.0"), whose elements go under body.elements'],
    [{ type: 'template', data: {} }, 'is a template envelope without data.template_id'],
  ])('rejects the card %j', async (card, message) => {
    await expect(compose({ kind: 'card', input: 'card-file', card })).rejects.toThrow(`Input \`card-file\`: ${message}`)
  })

  it('checks sizes after filling: text 150 KB, cards 30 KB', async () => {
    await expect(compose({ kind: 'text', input: 'text', text: 'a'.repeat(150 * 1024 - 300) })).resolves.toBeDefined()
    await expect(compose({ kind: 'text', input: 'text', text: '\n'.repeat(76 * 1024) })).rejects.toThrow(
      'Feishu accepts at most 150 KB for text messages',
    )
    await expect(compose({ kind: 'text', input: 'text', text: 'a'.repeat(150 * 1024) })).rejects.toThrow(
      'Feishu accepts at most 150 KB for text messages',
    )
    await expect(
      compose(
        { kind: 'card', input: 'card', card: { elements: [{ tag: 'markdown', content: '${big}' }] } },
        { big: '字'.repeat(11000) },
      ),
    ).rejects.toThrow(/Input `card`: the message is 32\.\d KB after filling placeholders; Feishu accepts at most 30 KB/)
  })
})

describe('mentions and built-in cards', () => {
  it('adds mentions to text as <at user_id> and to every post locale as at nodes', async () => {
    expect(
      (await compose({ kind: 'text', input: 'text', text: 'Build failed' }, undefined, ['ou_a', 'all'])).content,
    ).toEqual({ text: 'Build failed\n<at user_id="ou_a"></at> <at user_id="all"></at>' })
    const post = await compose(
      {
        kind: 'post',
        input: 'post',
        post: { zh_cn: { title: 't', content: [[{ tag: 'text', text: 'x' }]] }, en_us: { content: [] } },
      },
      undefined,
      ['ou_a'],
    )
    expect(post.content).toEqual({
      zh_cn: { title: 't', content: [[{ tag: 'text', text: 'x' }], [{ tag: 'at', user_id: 'ou_a' }]] },
      en_us: { content: [[{ tag: 'at', user_id: 'ou_a' }]] },
    })
  })

  it('a text that quotes a commit message through ${commit_message} gets no mention from it', async () => {
    const push = runContext(
      { GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r' },
      { head_commit: { id: 'a'.repeat(40), message: 'hi <at user_id="all"></at>' } },
    )
    const message = await composeMessage(
      {
        content: { kind: 'text', input: 'text', text: 'New commit: ${commit_message}' },
        variables: undefined,
        status: '',
        title: '',
        mentions: [],
      },
      push,
    )
    expect(JSON.stringify(message.content)).not.toMatch(/<at/)
  })

  it('fills a text with the plain form of ${commit_message}, not the markdown-escaped one', async () => {
    const push = runContext(
      { GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r' },
      { head_commit: { id: 'a'.repeat(40), message: 'Fix *all* the_things #1' } },
    )
    const message = await composeMessage(
      {
        content: { kind: 'text', input: 'text', text: 'New commit: ${commit_message}' },
        variables: undefined,
        status: '',
        title: '',
        mentions: [],
      },
      push,
    )
    expect(message.content).toEqual({ text: 'New commit: Fix *all* the_things #1' })
  })

  it('builds the workflow card, filling the title with variables', async () => {
    const message = await composeMessage(
      {
        content: { kind: 'preset', input: 'preset', preset: 'workflow' },
        variables: undefined,
        status: 'failure',
        title: 'Nightly ${status} on ${ref_name}',
        mentions: [{ id: 'ou_a' }],
      },
      context,
    )
    expect(message.msgType).toBe('interactive')
    expect(message.content).toMatchObject({
      schema: '2.0',
      header: { template: 'red', title: { content: 'Nightly failure on v1.2.3' } },
    })
    expect(JSON.stringify(message.content)).toContain('<at id=ou_a></at>')
  })

  it('release card needs a release in the payload', async () => {
    await expect(
      composeMessage(
        {
          content: { kind: 'preset', input: 'preset', preset: 'release' },
          variables: undefined,
          status: '',
          title: '',
          mentions: [],
        },
        context,
      ),
    ).rejects.toThrow('Input `preset`: release needs a release in the event payload')
  })

  it('offers the release notes as ${release_body}, converted to card markdown', async () => {
    const release = runContext(
      { GITHUB_EVENT_NAME: 'release', GITHUB_REPOSITORY: 'o/r' },
      {
        release: {
          tag_name: 'v2',
          html_url: 'https://github.com/o/r/releases/tag/v2',
          body: '# Big\n\nFixes #3 <at id=all></at>',
        },
      },
    )
    const message = await composeMessage(
      {
        content: {
          kind: 'card',
          input: 'card',
          card: { elements: [{ tag: 'markdown', content: '${release_tag}: ${release_body}' }] },
        },
        variables: undefined,
        status: '',
        title: '',
        mentions: [],
      },
      release,
    )
    const content = JSON.stringify(message.content)
    expect(content).toContain('v2: ')
    expect(content).toContain('[#3](https://github.com/o/r/issues/3)')
    expect(content).not.toMatch(/<at/)
  })

  it('checks webhook messages against the 20 KB body limit, for every type', async () => {
    const webhook = (content: Content, variables?: Record<string, unknown>) =>
      composeMessage({ content, variables, mode: 'webhook', status: '', title: '', mentions: [] }, context)
    await expect(webhook({ kind: 'text', input: 'text', text: 'a'.repeat(19 * 1024) })).resolves.toBeDefined()
    await expect(webhook({ kind: 'text', input: 'text', text: 'a'.repeat(20 * 1024) })).rejects.toThrow(
      /^Input `text`: the message is 20\.\d KB after filling placeholders; a custom bot webhook accepts at most 20 KB for the whole request$/,
    )
    const card = { elements: [{ tag: 'markdown', content: '${big}' }] }
    await expect(compose({ kind: 'card', input: 'card', card }, { big: 'x'.repeat(25 * 1024) })).resolves.toBeDefined()
    await expect(webhook({ kind: 'card', input: 'card', card }, { big: 'x'.repeat(25 * 1024) })).rejects.toThrow(
      /^Input `card`: .* at most 20 KB/,
    )
    await expect(
      webhook(
        { kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' },
        { notes: 'x'.repeat(21 * 1024) },
      ),
    ).rejects.toThrow(/^Input `template-id`: .* at most 20 KB/)
  })
})

describe('update_multi (§4.5, §5.2)', () => {
  const app = async (
    card: Record<string, unknown>,
    more: { mode?: 'app' | 'webhook'; updateMessageId?: string } = {},
  ) =>
    (
      await composeMessage(
        {
          content: { kind: 'card', input: 'card', card },
          variables: undefined,
          status: '',
          title: '',
          mentions: [],
          ...more,
        },
        context,
      )
    ).content

  it('a 1.0 card the app bot sends becomes shared, its own config kept', async () => {
    expect(await app({ elements: [] })).toEqual({ elements: [], config: { update_multi: true } })
    expect(await app({ config: { wide_screen_mode: true }, elements: [] })).toEqual({
      config: { wide_screen_mode: true, update_multi: true },
      elements: [],
    })
    expect(await app({ schema: '1.0', elements: [] }, { updateMessageId: 'om_1' })).toEqual({
      schema: '1.0',
      elements: [],
      config: { update_multi: true },
    })
  })

  it('leaves 2.0 cards, templates, an update_multi the card sets, and webhook cards alone', async () => {
    for (const card of [
      { schema: '2.0', body: { elements: [] } },
      { type: 'template', data: { template_id: 'AAq1' } },
      { config: { update_multi: false }, elements: [] },
      { config: 'not a mapping' },
    ])
      expect(await app(card)).toEqual(card)
    expect(await app({ elements: [] }, { mode: 'webhook' })).toEqual({ elements: [] })
    const template = await composeMessage(
      {
        content: { kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '' },
        variables: undefined,
        status: '',
        title: '',
        mentions: [],
      },
      context,
    )
    expect(template.content).toEqual({ type: 'template', data: { template_id: 'AAq1' } })
  })

  it('an update with a card whose config is not a mapping is an input error', async () => {
    await expect(app({ config: null, elements: [] }, { updateMessageId: 'om_1' })).rejects.toThrow(
      'Input `card`: has a config that is not a mapping',
    )
  })

  it('a custom bot post takes only text, a, at and img nodes (§7.2)', async () => {
    const post = (tag: string) =>
      composeMessage(
        {
          content: {
            kind: 'post',
            input: 'post',
            post: { zh_cn: { content: [[{ tag: 'text', text: 'x' }, { tag }]] } },
          },
          variables: undefined,
          status: '',
          title: '',
          mentions: [{ id: 'ou_a' }],
          mode: 'webhook',
        },
        context,
      )
    await expect(post('img')).resolves.toBeDefined()
    // Only the custom bot is limited: the app bot's post takes md nodes (§4.2).
    const app = await composeMessage(
      {
        content: { kind: 'post', input: 'post', post: { zh_cn: { content: [[{ tag: 'md', text: '**x**' }]] } } },
        variables: undefined,
        status: '',
        title: '',
        mentions: [],
        mode: 'app',
      },
      context,
    )
    expect(app.content).toEqual({ zh_cn: { content: [[{ tag: 'md', text: '**x**' }]] } })
    await expect(post('md')).rejects.toThrow(
      "Input `post`: zh_cn.content[0][1] is a md node, which a custom bot's post does not take (only text, a, at and img)",
    )
  })

  it('an update with a 1.0 card that sets update_multi: true itself is taken as written', async () => {
    const card = { config: { update_multi: true, wide_screen_mode: true }, elements: [] }
    expect(await app(card, { updateMessageId: 'om_1' })).toEqual(card)
  })

  it('an update with a card that is not shared is an input error', async () => {
    await expect(app({ config: { update_multi: false }, elements: [] }, { updateMessageId: 'om_1' })).rejects.toThrow(
      'Input `card`: sets config.update_multi to something other than true, but only shared cards (update_multi: true) can be updated; remove it',
    )
  })
})
