import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readConfig, resolveBaseUrl } from '../../src/inputs.js'
import { inputEnv } from '../run-action.mjs'

const base = { 'app-id': 'cli_test', 'app-secret': 'test-secret', 'chat-id': 'oc_1', text: 'hi' }

async function configWith(inputs: Record<string, string>, env: Record<string, string> = {}) {
  for (const [name, value] of Object.entries(inputEnv(inputs))) vi.stubEnv(name, value)
  return readConfig({ ...process.env, ...env })
}

// @actions/core writes ::add-mask:: and ::warning:: lines to stdout; keep test output readable.
vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
afterEach(() => vi.unstubAllEnvs())

describe('readConfig', () => {
  it('reads a complete text step with action.yml defaults', async () => {
    const config = await configWith(base)
    expect(config).toMatchObject({
      appId: 'cli_test', baseUrl: 'https://open.feishu.cn', receivers: [{ receiveId: 'oc_1', receiveIdType: 'chat_id' }],
      content: { kind: 'text', text: 'hi' }, dryRun: false, failOnError: true, timeoutMs: 10_000, uuid: '', variables: undefined,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads typed variables from YAML', async () => {
    const config = await configWith({ ...base, text: '', 'template-id': 'AAq1', 'template-version': '1.0.2', variables: 'version: v1\ncount: 3\nok: true\nservices: [api, web]\nmeta: {a: 1}' })
    expect(config.content).toEqual({ kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '1.0.2' })
    expect(config.variables).toEqual({ version: 'v1', count: 3, ok: true, services: ['api', 'web'], meta: { a: 1 } })
  })

  it('chooses the built-in card when no content input is given: release card on release events, else the build card', async () => {
    const none = { ...base, text: '' }
    expect((await configWith(none, { GITHUB_EVENT_NAME: 'push' })).content).toEqual({ kind: 'preset', input: 'preset', preset: 'workflow' })
    expect((await configWith(none, { GITHUB_EVENT_NAME: 'release' })).content).toEqual({ kind: 'preset', input: 'preset', preset: 'release' })
    expect((await configWith({ ...none, preset: 'Workflow' }, { GITHUB_EVENT_NAME: 'release' })).content).toEqual({ kind: 'preset', input: 'preset', preset: 'workflow' })
  })

  it('reads status, title, mentions and summary', async () => {
    const config = await configWith({ ...base, text: '', status: 'Failure', title: 'Nightly ${status}', mention: 'ou_a\nall, @ou_b ou_a', summary: 'false' })
    expect(config).toMatchObject({ status: 'failure', title: 'Nightly ${status}', mentions: ['ou_a', 'all', 'ou_b'], summary: false })
    expect((await configWith(base)).summary).toBe(true)
  })

  it('reads card-file relative to GITHUB_WORKSPACE', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'))
    writeFileSync(join(workspace, 'card.yml'), 'header:\n  title: {tag: plain_text, content: Hi}\nelements: []\n')
    const config = await configWith({ ...base, text: '', 'card-file': 'card.yml' }, { GITHUB_WORKSPACE: workspace })
    expect(config.content).toEqual({ kind: 'card', input: 'card-file', card: { header: { title: { tag: 'plain_text', content: 'Hi' } }, elements: [] } })
  })

  it.each([
    ['no credentials', { 'app-id': '', 'app-secret': '' }, 'Input `app-id`: app-id and app-secret are required'],
    ['a secret without an id', { 'app-id': '' }, 'Input `app-id`: is empty but `app-secret` is set'],
    ['an id without a secret', { 'app-secret': '' }, 'Input `app-secret`: is empty but `app-id` is set'],
    ['no receiver', { 'chat-id': '' }, 'Input `chat-id`: no receiver given'],
    ['two content inputs', { card: '{}' }, 'Input `card`: only one content input may be given, but `text` is set too'],
    ['preset with a content input', { preset: 'workflow' }, 'Input `preset`: chooses a built-in card, used only when no content input is given, and `text` is given'],
    ['an unknown preset', { text: '', preset: 'deploy' }, 'Input `preset`: "deploy" is not auto, release or workflow'],
    ['preset release on a push', { text: '', preset: 'release' }, 'Input `preset`: release needs a release event (on: release: types: [published]), and this run\'s event is "push"'],
    ['an unknown status', { status: 'failed' }, 'Input `status`: "failed" is not a job status'],
    ['title with text', { title: 'Hi' }, 'Input `title`: replaces the title of the built-in cards, and `text` is given'],
    ['a mention that is not an open_id', { mention: 'ou_1, boss@example.com' }, 'Input `mention`: "boss@example.com" is not an open_id (ou_...) or all'],
    ['a mention with a raw card', { text: '', card: '{}', mention: 'all' }, 'Input `mention`: works with text, post and the built-in cards'],
    ['summary not a boolean', { summary: 'yes please' }, 'Input `summary`: "yes please" is not a boolean'],
    ['template-version alone', { 'template-version': '1.0.0' }, 'Input `template-version`: is set but `template-id` is not'],
    ['unparseable card', { text: '', card: '{"header": ' }, 'Input `card`: is not valid JSON (line 1, column 11: Unexpected end of JSON input)'],
    ['unparseable post', { text: '', post: 'zh_cn: [' }, 'Input `post`: is not valid YAML (line 2, column 1: unexpected end of the stream within a flow collection)'],
    ['variables that are a list', { variables: '- a\n- b' }, 'Input `variables`: must be a mapping (key: value), not a list'],
    ['a bad variable name', { variables: '"my var": 1' }, 'Input `variables`: "my var" is not a valid variable name'],
    ['a long uuid', { uuid: 'x'.repeat(51) }, 'Input `uuid`: is 51 characters long; Feishu accepts at most 50'],
    ['a uuid with emoji', { uuid: '\u{1F680}'.repeat(20) }, 'Input `uuid`: may only contain printable ASCII'],
    ['a uuid with spaces', { uuid: 'deploy 42' }, 'Input `uuid`: may only contain printable ASCII'],
    ['a timeout that rounds to nothing', { timeout: '0.0001' }, 'Input `timeout`: "0.0001" is not a number of seconds from 0.1 to 600'],
    ['domain "constructor"', { domain: 'constructor' }, 'Input `domain`: "constructor" is not feishu, lark, or a base URL'],
    ['domain "__proto__"', { domain: '__proto__' }, 'Input `domain`: "__proto__" is not feishu, lark'],
    ['a domain holding a hook path', { domain: 'open.feishu.cn/open-apis/bot/v2/hook/t0ken' }, 'Input `domain`: "open.feishu.cn/..." is not feishu'],
    ['chat ids separated by a full-width comma, one broken', { 'chat-id': 'oc_1\uff0coc_' }, 'Input `chat-id`: "oc_" is not a valid chat_id'],
    ['an unknown receive-id type', { 'receive-id': 'phone:1' }, 'Input `receive-id`: unknown receiver type "phone"'],
    ['a missing card-file', { text: '', 'card-file': 'nope.json' }, 'Input `card-file`: cannot read nope.json'],
    ['a bad timeout', { timeout: 'soon' }, 'Input `timeout`: "soon" is not a number of seconds'],
    ['a bad boolean', { 'dry-run': 'yes please' }, 'Input `dry-run`: "yes please" is not a boolean'],
    ['an http domain', { domain: 'http://open.example.com' }, 'Input `domain`: http is only accepted for loopback hosts'],
    ['webhook (later)', { webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc' }, 'Input `webhook`: custom bot webhooks are not supported yet'],
    ['update-message-id (later)', { 'update-message-id': 'om_1' }, 'Input `update-message-id`'],
    ['reply-to (later)', { 'reply-to': 'om_1' }, 'Input `reply-to`'],
    ['reply-in-thread (later)', { 'reply-in-thread': 'true' }, 'Input `reply-in-thread`'],
    ['negative max-retries', { 'max-retries': '-1' }, 'Input `max-retries`: "-1" is not a whole number from 0 to 10'],
    ['fractional max-retries', { 'max-retries': '2.5' }, 'Input `max-retries`: "2.5" is not a whole number'],
    ['too many retries', { 'max-retries': '11' }, 'Input `max-retries`: "11" is not a whole number'],
    ['a proxy that is not a URL', { proxy: 'http://proxy corp:3128' }, 'Input `proxy`: is not a proxy URL (write it as http://host:port'],
    ['a socks proxy', { proxy: 'socks5://proxy.corp:1080' }, 'Input `proxy`: is not a proxy URL ("socks5:" proxies are not supported'],
    ['webhook-secret (later)', { 'webhook-secret': 's3cr3t' }, 'Input `webhook-secret`'],
  ])('rejects %s in one line naming the input', async (_, inputs, message) => {
    const error = await configWith({ ...base, ...inputs }, { GITHUB_EVENT_NAME: 'push' }).then(() => undefined, (caught: Error) => caught)
    expect(error?.message).toContain(message)
    expect(error?.message).not.toContain('\n')
  })

  it('never echoes the value of a later input that may hold a credential', async () => {
    const error = await configWith({ ...base, proxy: 'http://user:pa55word@proxy:3128', 'webhook-secret': 'wh-s3cr3t' }).catch((caught: Error) => caught)
    expect(String(error)).not.toMatch(/pa55word|wh-s3cr3t/)
  })

  it('reads max-retries and proxy, masking the proxy password before anything else', async () => {
    const write = vi.mocked(process.stdout.write)
    write.mockClear()
    const config = await configWith({ ...base, 'max-retries': '0', proxy: 'http://user:pa%24%24word@proxy.corp:3128' })
    expect(config).toMatchObject({ maxRetries: 0, proxy: { url: 'http://user:pa%24%24word@proxy.corp:3128', source: 'the `proxy` input' } })
    const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('')
    expect(printed).toContain('::add-mask::pa$$word')
    // @actions/core escapes % as %25 in workflow commands.
    expect(printed).toContain('::add-mask::pa%2524%2524word')
  })

  it('masks the password of a proxy written without a scheme', async () => {
    const write = vi.mocked(process.stdout.write)
    write.mockClear()
    await configWith(base, { HTTPS_PROXY: 'ci:no-scheme-pw@proxy.corp:3128' })
    expect(write.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('::add-mask::no-scheme-pw')
  })

  it('takes the proxy from the environment for the domain\'s scheme, lower case first, http:// when no scheme', async () => {
    expect((await configWith(base, { HTTPS_PROXY: 'proxy.corp:3128' })).proxy).toEqual({ url: 'http://proxy.corp:3128', source: 'HTTPS_PROXY' })
    expect((await configWith(base, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' })).proxy).toEqual({ url: 'http://a:1', source: 'https_proxy' })
    expect((await configWith(base, { HTTP_PROXY: 'http://only-http:1' })).proxy).toEqual({ url: '', source: '' })
    expect((await configWith({ ...base, domain: 'http://127.0.0.1:9' }, { HTTP_PROXY: 'http://p:1' })).proxy).toEqual({ url: 'http://p:1', source: 'HTTP_PROXY' })
    expect((await configWith({ ...base, proxy: 'http://input:1' }, { HTTPS_PROXY: 'http://bad proxy' })).proxy).toEqual({ url: 'http://input:1', source: 'the `proxy` input' })
  })

  it('reports a malformed proxy in the environment in one line, without its value', async () => {
    const error = await configWith(base, { HTTPS_PROXY: 'http://ci:s3cret@proxy host:3128' }).catch((caught: Error) => caught)
    expect(String(error)).toBe('InputError: Input `proxy`: comes from HTTPS_PROXY in the environment, which is not a proxy URL; fix it, or set `proxy` to override it (write it as http://host:port or http://user:password@host:port)')
  })

  it('lets a dry run go without credentials', async () => {
    await expect(configWith({ ...base, 'app-id': '', 'app-secret': '', 'dry-run': 'true' })).resolves.toMatchObject({ dryRun: true, appId: '' })
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
  ])('%s -> %s', (domain, url) => {
    expect(resolveBaseUrl(domain)).toBe(url)
  })

  it.each([
    ['open.feishu.cn', 'is not feishu, lark, or a base URL'],
    ['http://10.0.0.1', 'http is only accepted for loopback hosts'],
    ['ftp://x', 'URLs are not supported'],
    ['https://u:p@open.example.com', 'must not contain a user name or password'],
    ['https://open.example.com?x=1', 'without ?query'],
    ['https://open.feishu.cn/open-apis/bot/v2/hook/x', 'without /open-apis'],
  ])('rejects %s', (domain, message) => {
    expect(() => resolveBaseUrl(domain)).toThrow(message)
  })
})
