import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { actionsRunner } from '../../src/base/runner.js'
import { readConfig, resolveBaseUrl } from '../../src/inputs/config.js'
import { inputEnv } from '../run-action.mjs'

const base = { 'app-id': 'cli_test', 'app-secret': 'test-secret', 'chat-id': 'oc_1', text: 'hi' }

async function configWith(inputs: Record<string, string>, env: Record<string, string> = {}) {
  for (const [name, value] of Object.entries(inputEnv(inputs))) vi.stubEnv(name, value)
  // The real runner (@actions/core, reading INPUT_* from process.env): these tests read its ::add-mask:: lines.
  return readConfig({ ...process.env, ...env }, actionsRunner)
}

// @actions/core writes ::add-mask:: and ::warning:: lines to stdout; keep test output readable.
vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
afterEach(() => vi.unstubAllEnvs())

describe('readConfig', () => {
  it('reads a complete text step with action.yml defaults', async () => {
    const config = await configWith(base)
    expect(config).toMatchObject({
      appId: 'cli_test',
      baseUrl: 'https://open.feishu.cn',
      receivers: [{ receiveId: 'oc_1', receiveIdType: 'chat_id' }],
      content: { kind: 'text', text: 'hi' },
      dryRun: false,
      failOnError: true,
      timeoutMs: 10_000,
      uuid: '',
      variables: undefined,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads typed variables from YAML', async () => {
    const config = await configWith({
      ...base,
      text: '',
      'template-id': 'AAq1',
      'template-version': '1.0.2',
      variables: 'version: v1\ncount: 3\nok: true\nservices: [api, web]\nmeta: {a: 1}',
    })
    expect(config.content).toEqual({
      kind: 'template',
      input: 'template-id',
      templateId: 'AAq1',
      templateVersion: '1.0.2',
    })
    expect(config.variables).toEqual({ version: 'v1', count: 3, ok: true, services: ['api', 'web'], meta: { a: 1 } })
  })

  it('chooses the built-in card when no content input is given: release card on release events, else the build card', async () => {
    const none = { ...base, text: '' }
    expect((await configWith(none, { GITHUB_EVENT_NAME: 'push' })).content).toEqual({
      kind: 'preset',
      input: 'preset',
      preset: 'workflow',
    })
    expect((await configWith(none, { GITHUB_EVENT_NAME: 'release' })).content).toEqual({
      kind: 'preset',
      input: 'preset',
      preset: 'release',
    })
    expect((await configWith({ ...none, preset: 'Workflow' }, { GITHUB_EVENT_NAME: 'release' })).content).toEqual({
      kind: 'preset',
      input: 'preset',
      preset: 'workflow',
    })
  })

  it('takes an explicit preset: release on a release event', async () => {
    expect(
      (await configWith({ ...base, text: '', preset: 'Release' }, { GITHUB_EVENT_NAME: 'release' })).content,
    ).toEqual({ kind: 'preset', input: 'preset', preset: 'release' })
  })

  it('takes an https proxy as given, from the input and from the environment', async () => {
    expect((await configWith({ ...base, proxy: 'https://proxy.corp:8443' })).proxy).toEqual({
      url: 'https://proxy.corp:8443',
      source: 'the `proxy` input',
    })
    expect((await configWith(base, { HTTPS_PROXY: 'https://proxy.corp:8443' })).proxy).toEqual({
      url: 'https://proxy.corp:8443',
      source: 'HTTPS_PROXY',
    })
  })

  it('refuses a mention with anything after the open_id', async () => {
    await expect(configWith({ ...base, mention: 'ou_abc!' })).rejects.toThrow('Input `mention`')
    await expect(configWith({ ...base, mention: 'ou_abc/x' })).rejects.toThrow('Input `mention`')
  })

  it('reads status, title, mentions and summary', async () => {
    const config = await configWith({
      ...base,
      text: '',
      status: 'Failure',
      title: 'Nightly ${status}',
      mention: 'ou_a\nall, @ou_b ou_a',
      summary: 'false',
    })
    expect(config).toMatchObject({
      status: 'failure',
      title: 'Nightly ${status}',
      mentions: [
        { kind: 'person', person: { kind: 'open_id', id: 'ou_a' } },
        { kind: 'all' },
        { kind: 'person', person: { kind: 'open_id', id: 'ou_b' } },
      ],
      summary: false,
    })
    expect((await configWith(base)).summary).toBe(true)
  })

  it('reads card-file relative to GITHUB_WORKSPACE', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'))
    writeFileSync(join(workspace, 'card.yml'), 'header:\n  title: {tag: plain_text, content: Hi}\nelements: []\n')
    const config = await configWith({ ...base, text: '', 'card-file': 'card.yml' }, { GITHUB_WORKSPACE: workspace })
    expect(config.content).toEqual({
      kind: 'card',
      input: 'card-file',
      card: { header: { title: { tag: 'plain_text', content: 'Hi' } }, elements: [] },
    })
  })

  it.each([
    [
      'no credentials',
      { 'app-id': '', 'app-secret': '' },
      "Input `app-id`: app-id and app-secret (an app's bot), or webhook (a group's custom bot), are required",
    ],
    ['a secret without an id', { 'app-id': '' }, 'Input `app-id`: is empty but `app-secret` is set'],
    ['an id without a secret', { 'app-secret': '' }, 'Input `app-secret`: is empty but `app-id` is set'],
    ['no receiver', { 'chat-id': '' }, 'Input `chat-id`: no receiver given'],
    ['two content inputs', { card: '{}' }, 'Input `card`: only one content input may be given, but `text` is set too'],
    [
      'preset with a content input',
      { preset: 'workflow' },
      'Input `preset`: chooses a built-in card, used only when no content input is given, and `text` is given',
    ],
    ['an unknown preset', { text: '', preset: 'deploy' }, 'Input `preset`: "deploy" is not auto, release or workflow'],
    [
      'preset release on a push',
      { text: '', preset: 'release' },
      'Input `preset`: release needs a release event (on: release: types: [published]), and this run\'s event is "push"',
    ],
    ['an unknown status', { status: 'failed' }, 'Input `status`: "failed" is not a job status'],
    [
      'title with text',
      { title: 'Hi' },
      'Input `title`: replaces the title of the built-in cards, and `text` is given',
    ],
    [
      'a mention that is no kind of person',
      { mention: 'ou_1, boss@example' },
      'Input `mention`: "b***@example" is not all, an open_id (ou_...), user_id:<id>, an e-mail address',
    ],
    [
      'a mention with a raw card',
      { text: '', card: '{}', mention: 'all' },
      'Input `mention`: works with text, post and the built-in cards',
    ],
    ['summary not a boolean', { summary: 'yes please' }, 'Input `summary`: "yes please" is not a boolean'],
    [
      'template-version alone',
      { 'template-version': '1.0.0' },
      'Input `template-version`: is set but `template-id` is not',
    ],
    [
      'unparseable card',
      { text: '', card: '{"header": ' },
      'Input `card`: is not valid JSON (line 1, column 11: Unexpected end of JSON input)',
    ],
    [
      'unparseable post',
      { text: '', post: 'zh_cn: [' },
      'Input `post`: is not valid YAML (line 2, column 1: unexpected end of the stream within a flow collection)',
    ],
    [
      'variables that are a list',
      { variables: '- a\n- b' },
      'Input `variables`: must be a mapping (key: value), not a list',
    ],
    ['a bad variable name', { variables: '"my var": 1' }, 'Input `variables`: "my var" is not a valid variable name'],
    ['a long uuid', { uuid: 'x'.repeat(51) }, 'Input `uuid`: is 51 characters long; Feishu accepts at most 50'],
    ['a uuid with emoji', { uuid: '\u{1F680}'.repeat(20) }, 'Input `uuid`: may only contain printable ASCII'],
    ['a uuid with spaces', { uuid: 'deploy 42' }, 'Input `uuid`: may only contain printable ASCII'],
    [
      'a timeout that rounds to nothing',
      { timeout: '0.0001' },
      'Input `timeout`: "0.0001" is not a number of seconds from 0.1 to 600',
    ],
    [
      'domain "constructor"',
      { domain: 'constructor' },
      'Input `domain`: "constructor" is not feishu, lark, or a base URL',
    ],
    ['domain "__proto__"', { domain: '__proto__' }, 'Input `domain`: "__proto__" is not feishu, lark'],
    [
      'a domain holding a hook path',
      { domain: 'open.feishu.cn/open-apis/bot/v2/hook/t0ken' },
      'Input `domain`: "open.feishu.cn/..." is not feishu',
    ],
    [
      'chat ids separated by a full-width comma, one broken',
      { 'chat-id': 'oc_1\uff0coc_' },
      'Input `chat-id`: "oc_" is not a valid chat_id',
    ],
    ['an unknown receive-id type', { 'receive-id': 'phone:1' }, 'Input `receive-id`: unknown receiver type "phone"'],
    ['a missing card-file', { text: '', 'card-file': 'nope.json' }, 'Input `card-file`: nope.json: no such file'],
    [
      'a hexadecimal timeout',
      { timeout: '0x10' },
      'Input `timeout`: "0x10" is not a number of seconds from 0.1 to 600, written in decimal',
    ],
    ['a timeout in exponent form', { timeout: '1e1' }, 'Input `timeout`: "1e1" is not a number'],
    [
      'a text of only whitespace',
      { text: ' \n\t ' },
      'Input `text`: is only whitespace (an expression that came out empty?)',
    ],
    ['a card of only whitespace', { text: '', card: '\n' }, 'Input `card`: is only whitespace'],
    [
      'a chat id with a zero-width space',
      { 'chat-id': 'oc_abc\u200b' },
      'Input `chat-id`: "oc_abc\\u200b" is not a valid chat_id: it holds an invisible character',
    ],
    [
      'an e-mail with a zero-width joiner',
      { 'chat-id': '', 'receive-id': 'a\u200d@example.com' },
      // The address masked (personal data), the character named.
      'Input `receive-id`: "a***@example.com" is not a valid email: it holds an invisible character (\\u200d)',
    ],
    [
      'a mention with a zero-width space',
      { mention: 'ou_1\u200b' },
      'Input `mention`: "ou_1\\u200b" is not all, an open_id',
    ],
    [
      'a reply-to with a direction mark',
      { 'reply-to': 'om_1\u200e' },
      'Input `reply-to`: is not a message id: message ids start with om_ and hold only letters, digits, - and _ ("om_1\\u200e")',
    ],
    [
      'a webhook URL with a newline inside the token',
      { 'app-id': '', 'app-secret': '', 'chat-id': '', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/ab\ncd' },
      'Input `webhook`: contains a space, tab, newline or invisible character',
    ],
    [
      'a webhook URL with a tab inside the token',
      { 'app-id': '', 'app-secret': '', 'chat-id': '', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/ab\tcd' },
      'Input `webhook`: contains a space, tab, newline or invisible character',
    ],
    [
      'a domain with a newline',
      { domain: 'https://open.feishu\n.cn' },
      'Input `domain`: contains a space, tab, newline',
    ],
    ['a bad timeout', { timeout: 'soon' }, 'Input `timeout`: "soon" is not a number of seconds'],
    ['a bad boolean', { 'dry-run': 'yes please' }, 'Input `dry-run`: "yes please" is not a boolean'],
    [
      'an http domain',
      { domain: 'http://open.example.com' },
      'Input `domain`: http is only accepted for loopback hosts',
    ],
    ['negative max-retries', { 'max-retries': '-1' }, 'Input `max-retries`: "-1" is not a whole number from 0 to 10'],
    ['fractional max-retries', { 'max-retries': '2.5' }, 'Input `max-retries`: "2.5" is not a whole number'],
    ['too many retries', { 'max-retries': '11' }, 'Input `max-retries`: "11" is not a whole number'],
    [
      'a proxy that is not a URL',
      { proxy: 'http://proxy corp:3128' },
      'Input `proxy`: is not a proxy URL (write it as http://host:port',
    ],
    [
      'a socks proxy',
      { proxy: 'socks5://proxy.corp:1080' },
      'Input `proxy`: is not a proxy URL ("socks5:" proxies are not supported',
    ],
  ])('rejects %s in one line naming the input', async (_, inputs, message) => {
    const error = await configWith({ ...base, ...inputs }, { GITHUB_EVENT_NAME: 'push' }).then(
      () => undefined,
      (caught: Error) => caught,
    )
    expect(error?.message).toContain(message)
    expect(error?.message).not.toContain('\n')
  })

  it('never echoes the value of a later input that may hold a credential', async () => {
    const error = await configWith({
      ...base,
      proxy: 'http://user:pa55word@proxy:3128',
      'webhook-secret': 'wh-s3cr3t',
    }).catch((caught: Error) => caught)
    expect(`${(error as Error).name}: ${(error as Error).message}`).not.toMatch(/pa55word|wh-s3cr3t/)
  })

  it('reads max-retries and proxy, masking the proxy password before anything else', async () => {
    const write = vi.mocked(Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write'))
    write.mockClear()
    const config = await configWith({ ...base, 'max-retries': '0', proxy: 'http://user:pa%24%24word@proxy.corp:3128' })
    expect(config).toMatchObject({
      maxRetries: 0,
      proxy: { url: 'http://user:pa%24%24word@proxy.corp:3128', source: 'the `proxy` input' },
    })
    const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('')
    expect(printed).toContain('::add-mask::pa$$word')
    // @actions/core escapes % as %25 in workflow commands.
    expect(printed).toContain('::add-mask::pa%2524%2524word')
  })

  it('masks the password of a proxy written without a scheme', async () => {
    const write = vi.mocked(Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write'))
    write.mockClear()
    await configWith(base, { HTTPS_PROXY: 'ci:no-scheme-pw@proxy.corp:3128' })
    expect(write.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('::add-mask::no-scheme-pw')
  })

  it("takes the proxy from the environment for the domain's scheme, lower case first, http:// when no scheme", async () => {
    expect((await configWith(base, { HTTPS_PROXY: 'proxy.corp:3128' })).proxy).toEqual({
      url: 'http://proxy.corp:3128',
      source: 'HTTPS_PROXY',
    })
    expect((await configWith(base, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' })).proxy).toEqual({
      url: 'http://a:1',
      source: 'https_proxy',
    })
    expect((await configWith(base, { HTTP_PROXY: 'http://only-http:1' })).proxy).toEqual({ url: '', source: '' })
    expect((await configWith({ ...base, domain: 'http://127.0.0.1:9' }, { HTTP_PROXY: 'http://p:1' })).proxy).toEqual({
      url: 'http://p:1',
      source: 'HTTP_PROXY',
    })
    expect((await configWith({ ...base, proxy: 'http://input:1' }, { HTTPS_PROXY: 'http://bad proxy' })).proxy).toEqual(
      { url: 'http://input:1', source: 'the `proxy` input' },
    )
  })

  it('reports a malformed proxy in the environment in one line, without its value', async () => {
    const error = await configWith(base, { HTTPS_PROXY: 'http://ci:s3cret@proxy host:3128' }).catch(
      (caught: Error) => caught,
    )
    expect(`${(error as Error).name}: ${(error as Error).message}`).toBe(
      'InputError: Input `proxy`: comes from HTTPS_PROXY in the environment, which is not a proxy URL; fix it, or set `proxy` to override it (write it as http://host:port or http://user:password@host:port)',
    )
  })

  it('lets a dry run go without credentials', async () => {
    await expect(configWith({ ...base, 'app-id': '', 'app-secret': '', 'dry-run': 'true' })).resolves.toMatchObject({
      dryRun: true,
      appId: '',
    })
  })
})

describe('readConfig: webhook mode', () => {
  const TOKEN = 'a1b2c3d4-0000-4000-8000-0123456789ab'
  const FEISHU_HOOK = `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`
  const LARK_HOOK = `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`
  const hookStep = { webhook: FEISHU_HOOK, text: 'hi' }

  it('reads a hook URL: webhook mode, no receivers, the host it names', async () => {
    const config = await configWith(hookStep)
    expect(config).toMatchObject({
      mode: 'webhook',
      webhookUrl: FEISHU_HOOK,
      webhookSecret: '',
      baseUrl: 'https://open.feishu.cn',
      receivers: [],
      appId: '',
      updateMessageId: '',
      replyTo: '',
      replyInThread: false,
    })
  })

  it.each([
    ['a Feishu URL, default domain', FEISHU_HOOK, 'feishu', FEISHU_HOOK, 'https://open.feishu.cn'],
    ['a Lark URL, default domain: used as given', LARK_HOOK, 'feishu', LARK_HOOK, 'https://open.larksuite.com'],
    ['a Feishu URL with domain lark: used as given', FEISHU_HOOK, 'lark', FEISHU_HOOK, 'https://open.feishu.cn'],
    ['a bare token, domain feishu', TOKEN, 'feishu', FEISHU_HOOK, 'https://open.feishu.cn'],
    ['a bare token, domain lark', TOKEN, 'lark', LARK_HOOK, 'https://open.larksuite.com'],
    [
      'a bare token, a private base URL',
      TOKEN,
      'https://open.example.com',
      `https://open.example.com/open-apis/bot/v2/hook/${TOKEN}`,
      'https://open.example.com',
    ],
    [
      'a loopback http URL',
      `http://127.0.0.1:9/open-apis/bot/v2/hook/${TOKEN}`,
      'feishu',
      `http://127.0.0.1:9/open-apis/bot/v2/hook/${TOKEN}`,
      'http://127.0.0.1:9',
    ],
  ])('%s', async (_, webhook, domain, url, baseUrl) => {
    const config = await configWith({ webhook, domain, text: 'hi' })
    expect([config.webhookUrl, config.baseUrl]).toEqual([url, baseUrl])
  })

  it('warns that domain is not used when a full URL names another host', async () => {
    const write = vi.mocked(Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write'))
    write.mockClear()
    await configWith({ ...hookStep, domain: 'lark' })
    expect(write.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain(
      '::warning::Input `domain` is not used: the webhook URL names its own host (https://open.feishu.cn).',
    )
  })

  it('masks the URL, the token and the secret before anything else, also for a bare token and a malformed URL', async () => {
    const write = vi.mocked(Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write'))
    for (const [webhook, resolved] of [
      [FEISHU_HOOK, FEISHU_HOOK],
      [TOKEN, FEISHU_HOOK],
    ]) {
      write.mockClear()
      await configWith({ webhook: webhook!, 'webhook-secret': 'sign-s3cret', text: 'hi' })
      const lines = write.mock.calls.map(([chunk]) => String(chunk).trim())
      expect(lines).toEqual(
        expect.arrayContaining([
          `::add-mask::${webhook}`,
          `::add-mask::${TOKEN}`,
          '::add-mask::sign-s3cret',
          `::add-mask::${resolved}`,
        ]),
      )
      expect(lines.every((line) => line.startsWith('::add-mask::'))).toBe(true)
    }
    write.mockClear()
    await configWith({ webhook: `ftp://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, text: 'hi' }).catch(
      () => undefined,
    )
    expect(write.mock.calls.map(([chunk]) => String(chunk).trim())).toContain(`::add-mask::${TOKEN}`)
  })

  it.each([
    [
      'webhook and app-id',
      { 'app-id': 'cli_x', 'app-secret': 's' },
      "Input `webhook`: give either `webhook` (a group's custom bot) or `app-id` and `app-secret` (an app's bot), not both; `app-id` is set too",
    ],
    ['webhook and app-secret', { 'app-secret': 's' }, 'Input `webhook`: give either'],
    [
      'webhook and chat-id',
      { 'chat-id': 'oc_1' },
      'Input `chat-id`: cannot be used with `webhook`: a custom bot posts only into the group it was added to',
    ],
    ['webhook and receive-id', { 'receive-id': 'ou_1' }, 'Input `receive-id`: cannot be used with `webhook`'],
    [
      'webhook and update-message-id',
      { 'update-message-id': 'om_1' },
      'Input `update-message-id`: a custom bot webhook cannot update or reply to messages: Feishu gives custom bots no message id',
    ],
    ['webhook and reply-to', { 'reply-to': 'om_1' }, 'Input `reply-to`: a custom bot webhook cannot update or reply'],
    [
      'webhook and reply-in-thread',
      { 'reply-in-thread': 'true' },
      'Input `reply-in-thread`: a custom bot webhook cannot update or reply',
    ],
    ['webhook and uuid', { uuid: 'u-1' }, 'Input `uuid`: custom bot webhooks take no idempotency key'],
    [
      'an http hook off loopback',
      { webhook: `http://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}` },
      'Input `webhook`: must be an https:// URL (http is only accepted for loopback hosts), not http://open.feishu.cn',
    ],
    [
      'a URL that is not a hook',
      { webhook: `https://open.feishu.cn/open-apis/bot/v1/hook/${TOKEN}` },
      'Input `webhook`: is a URL on open.feishu.cn, but not a custom bot hook: its path must be /open-apis/bot/v2/hook/<token>',
    ],
    [
      'a hook URL with a query',
      { webhook: `${FEISHU_HOOK}?x=1` },
      'Input `webhook`: must be the hook URL as Feishu shows it',
    ],
    [
      'a hook URL with a trailing path',
      { webhook: `${FEISHU_HOOK}/more` },
      'Input `webhook`: is a URL on open.feishu.cn, but not a custom bot hook',
    ],
    [
      'a hook URL without a scheme',
      { webhook: `open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}` },
      'Input `webhook`: is neither a hook URL',
    ],
    ['a token with a space', { webhook: 'abc def' }, 'Input `webhook`: contains a space, tab, newline'],
    [
      'a secret without a webhook',
      { webhook: '', 'webhook-secret': 'sign-s3cret', 'app-id': 'cli_x', 'app-secret': 's', 'chat-id': 'oc_1' },
      'Input `webhook-secret`: is set but `webhook` is not',
    ],
  ])('rejects %s in one line naming the input, never repeating the token', async (_, inputs, message) => {
    const error = await configWith({ ...hookStep, ...inputs }).then(
      () => undefined,
      (caught: Error) => caught,
    )
    expect(error?.message).toContain(message)
    expect(error?.message).not.toContain('\n')
    expect(error?.message).not.toContain(TOKEN)
    expect(error?.message).not.toContain('sign-s3cret')
  })
})

describe('readConfig: update and reply', () => {
  const app = { 'app-id': 'cli_test', 'app-secret': 'test-secret' }
  const card = '{"elements": []}'

  it('an update targets the message: no receivers needed', async () => {
    const config = await configWith({ ...app, 'update-message-id': 'om_abc', card })
    expect(config).toMatchObject({
      mode: 'app',
      updateMessageId: 'om_abc',
      replyTo: '',
      receivers: [],
      content: { kind: 'card' },
    })
  })

  it('a reply targets the message, with any content, in its thread when asked', async () => {
    const config = await configWith({ ...app, 'reply-to': 'om_abc', 'reply-in-thread': 'true', text: 'tests passed' })
    expect(config).toMatchObject({
      mode: 'app',
      replyTo: 'om_abc',
      replyInThread: true,
      receivers: [],
      content: { kind: 'text' },
    })
    await expect(configWith({ ...app, 'reply-to': 'om_abc', post: '{zh_cn: {content: []}}' })).resolves.toMatchObject({
      replyInThread: false,
    })
  })

  it('a template card can be the update', async () => {
    await expect(configWith({ ...app, 'update-message-id': 'om_abc', 'template-id': 'AAq1' })).resolves.toMatchObject({
      updateMessageId: 'om_abc',
    })
  })

  it.each([
    [
      'update and reply together',
      { 'update-message-id': 'om_1', 'reply-to': 'om_2', card },
      'Input `reply-to`: cannot be combined with `update-message-id`',
    ],
    [
      'an update with chat-id',
      { 'update-message-id': 'om_1', 'chat-id': 'oc_1', card },
      'Input `chat-id`: cannot be used with `update-message-id`: the message id is the target',
    ],
    [
      'a reply with receive-id',
      { 'reply-to': 'om_1', 'receive-id': 'ou_1', text: 'x' },
      'Input `receive-id`: cannot be used with `reply-to`',
    ],
    [
      'an update with text',
      { 'update-message-id': 'om_1', text: 'x' },
      'Input `text`: cannot update a message: only cards can be updated',
    ],
    [
      'an update with post',
      { 'update-message-id': 'om_1', post: '{zh_cn: {content: []}}' },
      'Input `post`: cannot update a message: only cards can be updated',
    ],
    [
      'reply-in-thread without reply-to',
      { 'reply-in-thread': 'true', 'chat-id': 'oc_1', text: 'x' },
      'Input `reply-in-thread`: is true but `reply-to` is not set',
    ],
    [
      'a reply-in-thread that is not a boolean',
      { 'reply-to': 'om_1', 'reply-in-thread': 'thread', text: 'x' },
      'Input `reply-in-thread`: "thread" is not a boolean',
    ],
    [
      'a malformed update id',
      { 'update-message-id': 'oc_1', card },
      'Input `update-message-id`: is not a message id: message ids start with om_',
    ],
    ['a malformed reply id', { 'reply-to': 'om_1 om_2', text: 'x' }, 'Input `reply-to`: is not a message id'],
    [
      'uuid with an update',
      { 'update-message-id': 'om_1', card, uuid: 'u-1' },
      'Input `uuid`: a card update carries no uuid',
    ],
  ])('rejects %s in one line naming the input', async (_, inputs, message) => {
    const error = await configWith({ ...app, ...inputs }).then(
      () => undefined,
      (caught: Error) => caught,
    )
    expect(error?.message).toContain(message)
    expect(error?.message).not.toContain('\n')
  })
})

describe('resolveBaseUrl', () => {
  it.each([
    ['feishu', 'https://open.feishu.cn'],
    ['Lark', 'https://open.larksuite.com'],
    ['', 'https://open.feishu.cn'],
    ['https://open.example.com/', 'https://open.example.com'],
    ['https://gw.example.com/feishu/', 'https://gw.example.com/feishu'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:1', 'http://localhost:1'],
    ['http://[::1]:9', 'http://[::1]:9'],
    ['http://127.12.0.254:1', 'http://127.12.0.254:1'],
  ])('%s -> %s', (domain, url) => {
    expect(resolveBaseUrl(domain)).toBe(url)
  })

  it.each([
    ['open.feishu.cn', 'is not feishu, lark, or a base URL'],
    ['http://10.0.0.1', 'http is only accepted for loopback hosts'],
    ['http://127.0.0.1.nip.io', 'http is only accepted for loopback hosts'],
    ['http://localhost.example.com', 'http is only accepted for loopback hosts'],
    ['ftp://x', 'URLs are not supported'],
    ['https://u:p@open.example.com', 'must not contain a user name or password'],
    ['https://open.example.com?x=1', 'without ?query'],
    ['https://open.feishu.cn/open-apis/bot/v2/hook/x', 'without /open-apis'],
  ])('rejects %s', (domain, message) => {
    expect(() => resolveBaseUrl(domain)).toThrow(message)
  })
})
