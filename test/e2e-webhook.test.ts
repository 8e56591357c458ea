// Custom bot webhooks end to end: dist/index.js in a new node process, as the runner starts it,
// against the fake's hook endpoint, which verifies signatures, payload shapes, keywords and the
// 20 KB limit (§7). Each test checks what the group received and what the step printed and set.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorLines, expectInputError } from './expect-step.js'
import { startFakeFeishu } from './fake-feishu.mjs'
import { CONTEXT, RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>

// Distinctive values: the runner masks them, so they must not be words the log uses anyway.
const OPEN = 'c0ffee00-aaaa-4bbb-8ccc-0123456789ab'
const SIGNED = 'decade00-1111-4222-8333-444455556666'
const KEYWORD = 'facade00-7777-4888-9999-aaaabbbbcccc'
const SECRET = 'whsec-Xq81-Lp0z'
const RUN_URL = `https://github.com/${CONTEXT.GITHUB_REPOSITORY}/actions/runs/${CONTEXT.GITHUB_RUN_ID}`
const WEBHOOK_RESULT = {
  receive_id: '',
  receive_id_type: 'webhook',
  ok: true,
  message_id: '',
  chat_id: '',
  code: 0,
  error: '',
  status: 'sent',
}

const CONTENT: [string, Record<string, string>, Record<string, unknown>][] = [
  ['text', { text: 'deploy ${ref_name}' }, { msg_type: 'text', content: { text: 'deploy v1.2.3' } }],
  [
    'post',
    { post: 'zh_cn:\n  title: Build ${run_number}\n  content:\n    - - {tag: a, text: run, href: "${run_url}"}\n' },
    {
      msg_type: 'post',
      content: { post: { zh_cn: { title: 'Build 77', content: [[{ tag: 'a', text: 'run', href: RUN_URL }]] } } },
    },
  ],
  [
    'raw card',
    {
      card: '{"header": {"title": {"tag": "plain_text", "content": "${repository}"}}, "elements": [{"tag": "markdown", "content": "by ${actor}"}]}',
    },
    {
      msg_type: 'interactive',
      card: {
        header: { title: { tag: 'plain_text', content: 'octo-org/octo-repo' } },
        elements: [{ tag: 'markdown', content: 'by octocat' }],
      },
    },
  ],
  [
    'template card',
    { 'template-id': 'AAqRelease', 'template-version': '1.0.2', variables: 'version: ${ref_name}\ncount: 3' },
    {
      msg_type: 'interactive',
      card: {
        type: 'template',
        data: {
          template_id: 'AAqRelease',
          template_version_name: '1.0.2',
          template_variable: { version: 'v1.2.3', count: 3 },
        },
      },
    },
  ],
]

describe.each(RUNTIMES)('custom bot webhooks on $name', ({ bin }) => {
  let fake: Fake
  const hookUrl = (token: string) => `${fake.url}/open-apis/bot/v2/hook/${token}`
  const run = (
    inputs: Record<string, string>,
    more: Omit<Parameters<typeof runAction>[0], 'inputs'> = {},
  ): Promise<ActionRun> => runAction({ node: bin, ...more, inputs: { webhook: hookUrl(OPEN), ...inputs } })
  const hookRequests = () => fake.requests.filter((request) => request.path.startsWith('/open-apis/bot/v2/hook/'))

  function expectDelivered(result: ActionRun): void {
    expect(result.stderr).toBe('')
    expect(errorLines(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(fake.webhookMessages).toHaveLength(1)
  }

  function expectSecretsHidden(result: ActionRun): void {
    const visible = visibleOutput(result)
    for (const secret of [OPEN, SIGNED, KEYWORD, SECRET]) expect(visible).not.toContain(secret)
    for (const value of Object.values(result.outputs))
      expect(value).not.toMatch(new RegExp(`${OPEN}|${SIGNED}|${SECRET}`))
  }

  beforeAll(async () => {
    fake = await startFakeFeishu({
      bots: { [OPEN]: { chatId: 'oc_team' }, [SIGNED]: { secret: SECRET }, [KEYWORD]: { keywords: ['deploy'] } },
      templates: { AAqRelease: { versions: ['1.0.0', '1.0.2'], variables: { version: 'string', count: 'number' } } },
      // Both Node versions run these tests back to back against one fake: more than Feishu's 5 a
      // second to one bot. The limit itself is tested in fake-feishu.test.ts; 11232 is injected below.
      limits: { botPerSecond: 1000, botPerMinute: 1000 },
    })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it('sends a text: the webhook shape, no message id in the outputs, the host in the log, the token nowhere', async () => {
    const result = await run({ text: 'Released ${ref_name}' })
    expectDelivered(result)
    const [request] = hookRequests()
    expect(request!.path).toBe(`/open-apis/bot/v2/hook/${OPEN}`)
    expect(JSON.parse(request!.rawBody)).toEqual({ msg_type: 'text', content: { text: 'Released v1.2.3' } })
    expect(fake.webhookMessages[0]).toMatchObject({ token: OPEN, chat_id: 'oc_team', msg_type: 'text' })
    expect(result.outputs).toEqual({
      'message-id': '',
      'message-ids': '[""]',
      'chat-id': '',
      results: JSON.stringify([WEBHOOK_RESULT]),
      skipped: 'false',
    })
    expect(result.stdout).toContain(
      `Sending a text message (from \`text\`) by custom bot webhook ${fake.url}/open-apis/bot/v2/hook/***`,
    )
    expect(result.stdout).toContain('Delivered by the custom bot webhook (Feishu gives custom bots no message id).')
    expectSecretsHidden(result)
  })

  describe.each([
    ['unsigned', OPEN, {}],
    ['signed', SIGNED, { 'webhook-secret': SECRET }],
  ] as const)('%s', (_, token, signing) => {
    it.each(CONTENT)('delivers a %s', async (__, inputs, payload) => {
      const result = await run({ webhook: hookUrl(token), ...signing, ...inputs })
      expectDelivered(result)
      const body = JSON.parse(hookRequests()[0]!.rawBody) as Record<string, unknown>
      if (token === SIGNED) {
        // The fake checked the sign; the body carries it next to msg_type, timestamp in seconds.
        expect(Object.keys(body).slice(0, 2)).toEqual(['timestamp', 'sign'])
        expect(Math.abs(Number(body.timestamp) - Date.now() / 1000)).toBeLessThan(60)
        delete body.timestamp
        delete body.sign
      }
      expect(body).toEqual(payload)
      expect(JSON.parse(result.outputs.results!)).toEqual([WEBHOOK_RESULT])
      expectSecretsHidden(result)
    })
  })

  it('a wrong secret: 19021 with its fix, not retried, the secret never shown', async () => {
    const result = await run({ webhook: hookUrl(SIGNED), 'webhook-secret': 'not-the-secret-9f', text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(hookRequests()).toHaveLength(1)
    expect(fake.webhookMessages).toHaveLength(0)
    expect(errorLines(result)).toEqual([
      expect.stringMatching(
        /^::error::The custom bot webhook failed: Feishu code 19021: the custom bot refused the signature: it does not match the bot's secret, or the timestamp is more than an hour off Feishu's clock\. Fix: set `webhook-secret` to the secret shown under the bot's Security settings/,
      ),
    ])
    expect(JSON.parse(result.outputs.results!)).toEqual([
      {
        ...WEBHOOK_RESULT,
        ok: false,
        code: 19021,
        error: expect.stringContaining('Feishu code 19021'),
        status: 'failed',
      },
    ])
    expect(visibleOutput(result)).not.toContain('not-the-secret-9f')
    expectSecretsHidden(result)
  })

  it('signing on but no secret given: 19021', async () => {
    const result = await run({ webhook: hookUrl(SIGNED), text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('Feishu code 19021')
  })

  it('keywords: a message without one fails with 19024 and its fix; with one it is delivered', async () => {
    const missing = await run({ webhook: hookUrl(KEYWORD), text: 'hello' })
    expect(missing.exitCode).toBe(1)
    expect(missing.stdout).toMatch(
      /Feishu code 19024: the message contains none of the custom bot's keywords\. Fix: put one of the keywords set under the bot's Security settings > Custom keywords into the text or title/,
    )
    expect(hookRequests()).toHaveLength(1)
    expectDelivered(await run({ webhook: hookUrl(KEYWORD), text: 'deploy done' }))
  })

  it('11232 (throttled): retried after at least a second, delivered once', async () => {
    fake.inject({
      path: '/open-apis/bot/v2/hook/',
      status: 200,
      body: { code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]', data: {} },
    })
    const result = await run({ webhook: hookUrl(SIGNED), 'webhook-secret': SECRET, text: 'x' })
    expectDelivered(result)
    expect(hookRequests()).toHaveLength(2)
    expect(hookRequests()[1]!.time - hookRequests()[0]!.time).toBeGreaterThanOrEqual(1000)
    expect(result.stdout).toMatch(/custom bot webhook: throttled \(code 11232\); retry 1 of 3 in 1\.\d s/)
  })

  it('an answer with a Feishu error code (2200) is retried: Feishu did not keep that message', async () => {
    fake.inject({ path: '/open-apis/bot/v2/hook/', status: 200, body: { code: 2200, msg: 'Internal Error', data: {} } })
    expectDelivered(await run({ text: 'x' }))
    expect(hookRequests()).toHaveLength(2)
  })

  it.each([
    ['a lost answer (stored, then the connection dropped)', { action: 'reset-after' as const }, 1],
    ['a dropped connection', { action: 'reset' as const }, 0],
    [
      'a bare HTTP 502 (a gateway page, no Feishu code)',
      { status: 502, body: 'Bad Gateway' as unknown as Record<string, unknown> },
      0,
    ],
  ])(
    '%s is not resent, so it can never post twice; the step says the message may have arrived',
    async (_, rule, stored) => {
      fake.inject({ path: '/open-apis/bot/v2/hook/', ...rule })
      const result = await run({ text: 'x' })
      expect(result.exitCode).toBe(1)
      expect(hookRequests()).toHaveLength(1)
      expect(fake.webhookMessages).toHaveLength(stored)
      expect(errorLines(result).join('\n')).toContain(
        'Fix: the message may have arrived all the same: a custom bot takes no idempotency key, so the action does not send it again; check the group, and re-run only if it is not there',
      )
    },
  )

  it('an unknown token: 19001 with its fix, the token not shown', async () => {
    const unknown = '0badf00d-2222-4333-8444-555566667777'
    const result = await run({ webhook: hookUrl(unknown), text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/Feishu code 19001: Feishu does not know this hook.*Fix: copy the webhook URL again/)
    expect(visibleOutput(result)).not.toContain(unknown)
  })

  it('with step debug on, the URL, token and secret appear only in add-mask commands, even when Feishu echoes them', async () => {
    const ok = await run({ webhook: hookUrl(SIGNED), 'webhook-secret': SECRET, text: 'x' }, { debug: true })
    expectDelivered(ok)
    expect(ok.stdout).toContain('::debug::POST /open-apis/bot/v2/hook/***: HTTP 200, code 0')
    for (const value of [hookUrl(SIGNED), SIGNED, SECRET]) expect(ok.stdout).toContain(`::add-mask::${value}`)
    const firstOther = ok.stdout.split('\n').findIndex((line) => !line.startsWith('::add-mask::'))
    expect(ok.stdout.split('\n').slice(firstOther).join('\n')).not.toContain('::add-mask::')
    expectSecretsHidden(ok)

    fake.reset()
    fake.inject({
      path: '/open-apis/bot/v2/hook/',
      status: 400,
      body: { code: 9499, msg: `Bad Request: ${hookUrl(SIGNED)} sign ${SECRET}` },
    })
    const echoed = await run({ webhook: hookUrl(SIGNED), 'webhook-secret': SECRET, text: 'x' }, { debug: true })
    expect(echoed.exitCode).toBe(1)
    expect(echoed.stdout).toContain(`msg "Bad Request: ${fake.url}/open-apis/bot/v2/hook/*** sign ***"`)
    expectSecretsHidden(echoed)
  })

  it('a bare token goes to the host `domain` names', async () => {
    const result = await run({ webhook: OPEN, domain: fake.url, text: 'x' })
    expectDelivered(result)
    expect(result.stdout).toContain(`by custom bot webhook ${fake.url}/open-apis/bot/v2/hook/***`)
    expectSecretsHidden(result)
  })

  it('a full hook URL is used as given, whatever `domain` says', async () => {
    const result = await run({ domain: 'lark', text: 'x' })
    expectDelivered(result)
    expect(result.stdout).toContain(
      `::warning::Input \`domain\` is not used: the webhook URL names its own host (${fake.url}).`,
    )
  })

  it('dry run: the request with the token and sign hidden, nothing sent', async () => {
    const result = await run(
      { webhook: hookUrl(SIGNED), 'webhook-secret': SECRET, text: 'dry ${ref_name}', 'dry-run': 'true' },
      { debug: true },
    )
    expect(result.exitCode).toBe(0)
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).toContain(`::group::POST ${fake.url}/open-apis/bot/v2/hook/***`)
    expect(result.stdout).toContain('"sign": "***"')
    expect(result.stdout).toMatch(/"timestamp": "\d{10}"/)
    expect(result.stdout).toContain('"content": {\n    "text": "dry v1.2.3"\n  }')
    expect(JSON.parse(result.outputs.results!)).toEqual([
      { ...WEBHOOK_RESULT, ok: false, code: null, error: 'dry run: not sent', status: 'dry_run' },
    ])
    expectSecretsHidden(result)
  })

  it.each([
    ['webhook with app-id', { 'app-id': 'cli_test', 'app-secret': 'test-secret', text: 'x' }, 'webhook'],
    ['webhook with chat-id', { 'chat-id': 'oc_1', text: 'x' }, 'chat-id'],
    ['webhook with update-message-id', { 'update-message-id': 'om_1', card: '{}' }, 'update-message-id'],
    ['webhook with reply-to', { 'reply-to': 'om_1', text: 'x' }, 'reply-to'],
    ['a message over 20 KB', { text: 'x'.repeat(20 * 1024) }, 'text'],
    [
      'an http hook URL off loopback',
      { webhook: `http://open.feishu.cn/open-apis/bot/v2/hook/${OPEN}`, text: 'x' },
      'webhook',
    ],
  ])('%s: one line naming the input, no request, no token', async (_, inputs, input) => {
    const result = await run(inputs)
    expectInputError(result, input)
    expect(fake.requests).toHaveLength(0)
    expectSecretsHidden(result)
  })
})

// The fake can be only one host, so which host each combination uses is shown by dry runs (no
// request leaves) and by the resolution unit tests; loopback runs above show the requests go there.
describe('the host used for each combination of mode and domain', () => {
  const dry = (inputs: Record<string, string>) => runAction({ inputs: { text: 'x', 'dry-run': 'true', ...inputs } })

  it.each([
    [
      'app, feishu',
      { 'app-id': 'cli_x', 'app-secret': 's3', 'chat-id': 'oc_1', domain: 'feishu' },
      'https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id',
    ],
    [
      'app, lark',
      { 'app-id': 'cli_x', 'app-secret': 's3', 'chat-id': 'oc_1', domain: 'lark' },
      'https://open.larksuite.com/open-apis/im/v1/messages?receive_id_type=chat_id',
    ],
    [
      'app update, lark',
      { 'app-id': 'cli_x', 'app-secret': 's3', 'update-message-id': 'om_1', text: '', card: '{}', domain: 'lark' },
      'https://open.larksuite.com/open-apis/im/v1/messages/om_1',
    ],
    [
      'app reply, lark',
      { 'app-id': 'cli_x', 'app-secret': 's3', 'reply-to': 'om_1', domain: 'lark' },
      'https://open.larksuite.com/open-apis/im/v1/messages/om_1/reply',
    ],
    ['webhook token, feishu', { webhook: OPEN, domain: 'feishu' }, 'https://open.feishu.cn/open-apis/bot/v2/hook/***'],
    ['webhook token, lark', { webhook: OPEN, domain: 'lark' }, 'https://open.larksuite.com/open-apis/bot/v2/hook/***'],
    [
      'webhook token, private host',
      { webhook: OPEN, domain: 'https://open.example.com' },
      'https://open.example.com/open-apis/bot/v2/hook/***',
    ],
    [
      'webhook Lark URL, default domain',
      { webhook: `https://open.larksuite.com/open-apis/bot/v2/hook/${OPEN}` },
      'https://open.larksuite.com/open-apis/bot/v2/hook/***',
    ],
    [
      'webhook Feishu URL, domain lark',
      { webhook: `https://open.feishu.cn/open-apis/bot/v2/hook/${OPEN}`, domain: 'lark' },
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
    ],
  ])('%s', async (_, inputs, line) => {
    const result = await dry(inputs)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`::group::(POST|PATCH) ${line.replace(/[.*?+()[\]]/g, '\\$&')}\\n`))
    expect(visibleOutput(result)).not.toContain(OPEN)
  })
})
