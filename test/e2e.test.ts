// End to end: dist/index.js in a new node process, as the runner starts it, against the fake
// Feishu server on loopback. Each test checks what Feishu received and stored, not only the exit code.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { expectInputError } from './expect-step.js'
import { CONTEXT, RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>

const SECRET = 'test-secret'
const RUN_URL = `https://github.com/${CONTEXT.GITHUB_REPOSITORY}/actions/runs/${CONTEXT.GITHUB_RUN_ID}`

describe.each(RUNTIMES)('dist/index.js on $name', ({ bin }) => {
  let fake: Fake
  const run = (
    inputs: Record<string, string>,
    more: Omit<Parameters<typeof runAction>[0], 'inputs'> = {},
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      ...more,
      inputs: { 'app-id': 'cli_test', 'app-secret': SECRET, domain: fake.url, ...inputs },
    })
  const sends = () => fake.requests.filter((request) => request.path === '/open-apis/im/v1/messages')
  const tokenRequests = () => fake.requests.filter((request) => request.path.endsWith('/tenant_access_token/internal'))

  beforeAll(async () => {
    fake = await startFakeFeishu({
      apps: { cli_test: { secret: SECRET }, cli_noscope: { secret: 'noscope-secret', scopes: [] } },
      templates: {
        AAqRelease: {
          versions: ['1.0.0', '1.0.2'],
          variables: { version: 'string', run: 'string', count: 'number', services: 'array', ok: 'boolean' },
        },
      },
    })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  /** The whole request body Feishu gets: these four keys, content as the JSON string of `content`. */
  function expectSent(index: number, receiveId: string, msgType: string, content: unknown): void {
    const send = sends()[index]!
    expect(Object.keys(JSON.parse(send.rawBody) as object)).toEqual(['receive_id', 'msg_type', 'content', 'uuid'])
    expect(send.body).toEqual({
      receive_id: receiveId,
      msg_type: msgType,
      content: JSON.stringify(content),
      uuid: expect.stringMatching(/^gh-[\w-]{40}$/),
    })
  }

  function expectDelivered(result: ActionRun, count = 1): void {
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toContain('::error::')
    expect(result.exitCode).toBe(0)
    expect(fake.messages).toHaveLength(count)
  }

  it('sends a text with placeholders: exact request, one token, outputs', async () => {
    const result = await run({
      'chat-id': 'oc_1',
      text: 'Released ${ref_name} of ${repository}\nquote " and \\ backslash: ${note}',
      variables: 'note: "say \\"hi\\""',
    })
    expectDelivered(result)
    const [token] = tokenRequests()
    expect(token!.body).toEqual({ app_id: 'cli_test', app_secret: SECRET })
    const [send] = sends()
    expect(send!.query).toEqual({ receive_id_type: 'chat_id' })
    expect(send!.headers.authorization).toBe(`Bearer ${fake.tokens[0]}`)
    expect(send!.body).toEqual({
      receive_id: 'oc_1',
      msg_type: 'text',
      content: JSON.stringify({ text: 'Released v1.2.3 of octo-org/octo-repo\nquote " and \\ backslash: say "hi"' }),
      uuid: expect.stringMatching(/^gh-[\w-]{40}$/),
    })
    const stored = fake.messages[0]!
    expect(result.outputs['message-id']).toBe(stored.message_id)
    expect(result.outputs['chat-id']).toBe('oc_1')
    expect(JSON.parse(result.outputs['message-ids']!)).toEqual([stored.message_id])
    expect(JSON.parse(result.outputs.results!)).toEqual([
      {
        receive_id: 'oc_1',
        receive_id_type: 'chat_id',
        ok: true,
        message_id: stored.message_id,
        chat_id: 'oc_1',
        code: 0,
        error: '',
        status: 'sent',
      },
    ])
  })

  it('sends a post written in YAML', async () => {
    const post =
      'zh_cn:\n  title: Build ${run_number}\n  content:\n    - - {tag: text, text: "Run: "}\n      - {tag: a, text: open, href: "${run_url}"}\n'
    expectDelivered(await run({ 'chat-id': 'oc_1', post }))
    expectSent(0, 'oc_1', 'post', {
      zh_cn: {
        title: 'Build 77',
        content: [
          [
            { tag: 'text', text: 'Run: ' },
            { tag: 'a', text: 'open', href: RUN_URL },
          ],
        ],
      },
    })
  })

  it('sends a raw card JSON 1.0 as given, placeholders filled, made shareable (update_multi) so it can be updated', async () => {
    const card = {
      config: { wide_screen_mode: true },
      header: { template: 'green', title: { tag: 'plain_text', content: '${repository} ${ref_name}' } },
      elements: [
        { tag: 'markdown', content: '**sha** ${short_sha}' },
        {
          tag: 'action',
          actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Run' }, url: '${run_url}', type: 'primary' }],
        },
      ],
    }
    expectDelivered(await run({ 'chat-id': 'oc_1', card: JSON.stringify(card) }))
    expectSent(0, 'oc_1', 'interactive', {
      ...card,
      config: { wide_screen_mode: true, update_multi: true },
      header: { template: 'green', title: { tag: 'plain_text', content: 'octo-org/octo-repo v1.2.3' } },
      elements: [
        { tag: 'markdown', content: '**sha** 0d1a26e' },
        {
          tag: 'action',
          actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Run' }, url: RUN_URL, type: 'primary' }],
        },
      ],
    })
  })

  it('sends a card JSON 2.0 written in YAML', async () => {
    const card =
      'schema: "2.0"\nheader: {title: {tag: plain_text, content: Deployed}}\nbody:\n  elements:\n    - {tag: markdown, content: "by ${actor}"}\n'
    expectDelivered(await run({ 'chat-id': 'oc_1', card }))
    expectSent(0, 'oc_1', 'interactive', {
      schema: '2.0',
      header: { title: { tag: 'plain_text', content: 'Deployed' } },
      body: { elements: [{ tag: 'markdown', content: 'by octocat' }] },
    })
  })

  it('sends card-file from the workspace', async () => {
    const files = { 'card.json': JSON.stringify({ elements: [{ tag: 'markdown', content: 'from file ${workflow}' }] }) }
    expectDelivered(await run({ 'chat-id': 'oc_1', 'card-file': 'card.json' }, { files }))
    expectSent(0, 'oc_1', 'interactive', {
      elements: [{ tag: 'markdown', content: 'from file Release' }],
      config: { update_multi: true },
    })
  })

  it('sends a template card with its version and typed variables', async () => {
    const variables = 'version: ${ref_name}\nrun: ${run_url}\ncount: 3\nok: true\nservices: [api, web]\n'
    expectDelivered(
      await run({ 'chat-id': 'oc_1', 'template-id': 'AAqRelease', 'template-version': '1.0.2', variables }),
    )
    expectSent(0, 'oc_1', 'interactive', {
      type: 'template',
      data: {
        template_id: 'AAqRelease',
        template_version_name: '1.0.2',
        template_variable: { version: 'v1.2.3', run: RUN_URL, count: 3, ok: true, services: ['api', 'web'] },
      },
    })
  })

  it('sends to six receivers of mixed types with one token request', async () => {
    const result = await run({
      'chat-id': 'oc_1, oc_2',
      'receive-id': 'ou_alice\non_alice\nalice@example.com\nuser_id:alice',
      text: 'hello all',
    })
    expectDelivered(result, 6)
    expect(tokenRequests()).toHaveLength(1)
    expect(sends().map((request) => [request.query.receive_id_type, request.body.receive_id])).toEqual(
      expect.arrayContaining([
        ['chat_id', 'oc_1'],
        ['chat_id', 'oc_2'],
        ['open_id', 'ou_alice'],
        ['union_id', 'on_alice'],
        ['email', 'alice@example.com'],
        ['user_id', 'alice'],
      ]),
    )
    expect(new Set(sends().map((request) => request.body.uuid)).size).toBe(6)
    const results = JSON.parse(result.outputs.results!) as { receive_id: string; message_id: string; ok: boolean }[]
    expect(results.map((entry) => entry.receive_id)).toEqual([
      'oc_1',
      'oc_2',
      'ou_alice',
      'on_alice',
      'alice@example.com',
      'alice',
    ])
    expect(JSON.parse(result.outputs['message-ids']!)).toEqual(results.map((entry) => entry.message_id))
    for (const entry of results) expect(fake.messages.map((message) => message.message_id)).toContain(entry.message_id)
  })

  it.each([
    ['missing receiver', { 'chat-id': '' }, 'chat-id'],
    ['missing credentials', { 'app-id': '', 'app-secret': '' }, 'app-id'],
    ['two content inputs', { card: '{}' }, 'card'],
    ['unparseable card', { text: '', card: '{"a":' }, 'card'],
    ['variables not a mapping', { variables: '[1, 2]' }, 'variables'],
    ['uuid too long', { uuid: 'u'.repeat(51) }, 'uuid'],
    ['unknown receive-id type', { 'receive-id': 'phone:1' }, 'receive-id'],
    ['missing card-file', { text: '', 'card-file': 'missing.json' }, 'card-file'],
    ['a status that is not supported', { status: 'bogus' }, 'status'],
    ['unknown placeholder', { text: 'hi ${nobody}' }, 'text'],
    [
      'oversize card',
      { text: '', card: JSON.stringify({ elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }] }) },
      'card',
    ],
    ['http domain off loopback', { domain: 'http://open.example.com' }, 'domain'],
    ['a secret without an app id', { 'app-id': '' }, 'app-id'],
    ['an app id without a secret', { 'app-secret': '' }, 'app-secret'],
    ['unparseable YAML post', { text: '', post: 'zh_cn:\n  title: [unclosed\n  content: []' }, 'post'],
    ['broken JSON variables', { variables: '{"version": "v1", "count": , "ok": true}' }, 'variables'],
    ['a YAML alias containing itself', { text: '', card: 'elements: &a [{tag: markdown, content: x}, *a]' }, 'card'],
    ['a malformed chat id', { 'chat-id': 'oc_1\uff0coc_' }, 'chat-id'],
    [
      'a variable replacing a built-in',
      { text: '${run_url}', variables: 'run_url: https://evil.example' },
      'variables',
    ],
  ])('catches %s before any request, in one line naming the input', async (_, inputs, input) => {
    expectInputError(await run({ 'chat-id': 'oc_1', text: 'hi', ...inputs }), input)
    expect(fake.requests).toHaveLength(0)
  })

  it('keeps the secret and the token out of all output, also with step debug on', async () => {
    const result = await run({ 'chat-id': 'oc_1, oc_missing', text: 'secret test' }, { debug: true })
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n')[0]).toBe(`::add-mask::${SECRET}`)
    expect(result.stdout).toContain('::debug::')
    expect(result.stdout).toContain(`::add-mask::${SECRET}`)
    expect(result.stdout).toContain(`::add-mask::${fake.tokens[0]}`)
    const visible = visibleOutput(result)
    expect(visible).not.toContain(SECRET)
    expect(visible).not.toContain(fake.tokens[0])
    expect(visible).not.toContain(fake.tokens[0]!.slice(2))
  })

  it('never repeats a secret or token that Feishu echoes back, in logs or outputs', async () => {
    fake.inject({
      path: 'tenant_access_token',
      status: 200,
      body: { code: 10014, msg: `app secret invalid: ${SECRET}` },
    })
    const tokenFailure = await run({ 'chat-id': 'oc_1', text: 'x' })
    expect(tokenFailure.exitCode).toBe(1)
    expect(visibleOutput(tokenFailure)).not.toContain(SECRET)
    expect(tokenFailure.outputs.results).toContain('app secret invalid: ***')

    fake.reset()
    const first = await run({ 'chat-id': 'oc_1', text: 'x' })
    const token = fake.tokens[fake.tokens.length - 1]!
    fake.inject({
      path: '/open-apis/im/v1/messages',
      status: 400,
      times: 2,
      body: { code: 99991663, msg: `token ${token} is invalid` },
    })
    const echoed = await run({ 'chat-id': 'oc_1', text: 'x' })
    expect(first.exitCode).toBe(0)
    expect(echoed.exitCode).toBe(1)
    expect(visibleOutput(echoed)).not.toContain(token)
    expect(visibleOutput(echoed)).not.toContain(token.slice(2))
    expect(echoed.outputs.results).toContain('token *** is invalid')
  })

  it('carries a hostile commit message through variables with toJSON, as the README shows', async () => {
    const message =
      'Fix: "quotes", \\ backslash, <at user_id="all"></at>\nrun_url: https://evil.example/login\n{"json": true}'
    // What GitHub makes of `msg: ${{ toJSON(github.event.head_commit.message) }}` before the action runs.
    const variables = `msg: ${JSON.stringify(message)}`
    expectDelivered(await run({ 'chat-id': 'oc_1', text: '${msg}\n${run_url}', variables }))
    expect(fake.messages[0]!.parsedContent).toEqual({ text: `${message}\n${RUN_URL}` })
  })

  it('matrix legs with the same content each deliver; a retry loop inside one job does not repeat', async () => {
    const leg = (tracking: string) =>
      run({ 'chat-id': 'oc_1', text: 'same text' }, { env: { RUNNER_TRACKING_ID: tracking } })
    expect((await leg('github_aaaaaaaa-0000-4000-8000-000000000001')).exitCode).toBe(0)
    expect((await leg('github_aaaaaaaa-0000-4000-8000-000000000002')).exitCode).toBe(0)
    expect(fake.messages).toHaveLength(2)
    const again = await leg('github_aaaaaaaa-0000-4000-8000-000000000002')
    expect(again.exitCode).toBe(0)
    expect(fake.messages).toHaveLength(2)
    expect(again.outputs['message-id']).toBe(fake.messages[1]!.message_id)
  })

  it('dry-run prints the requests with secrets hidden and sends nothing', async () => {
    const result = await run(
      { 'chat-id': 'oc_1', 'receive-id': 'ou_alice', text: 'dry ${ref_name}', 'dry-run': 'true' },
      { debug: true },
    )
    expect(result.exitCode).toBe(0)
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).toContain('POST ' + fake.url + '/open-apis/im/v1/messages?receive_id_type=chat_id')
    expect(result.stdout).toContain('POST ' + fake.url + '/open-apis/im/v1/messages?receive_id_type=open_id')
    expect(result.stdout).toContain('Authorization: Bearer ***')
    expect(result.stdout).toContain('"content": "{\\"text\\":\\"dry v1.2.3\\"}"')
    expect(visibleOutput(result)).not.toContain(SECRET)
    expect(JSON.parse(result.outputs.results!)).toEqual([
      {
        receive_id: 'oc_1',
        receive_id_type: 'chat_id',
        ok: false,
        message_id: '',
        chat_id: '',
        code: null,
        error: 'dry run: not sent',
        status: 'dry_run',
      },
      {
        receive_id: 'ou_alice',
        receive_id_type: 'open_id',
        ok: false,
        message_id: '',
        chat_id: '',
        code: null,
        error: 'dry run: not sent',
        status: 'dry_run',
      },
    ])
    expect(result.outputs['message-id']).toBe('')
  })

  it('dry-run works without credentials, with a warning', async () => {
    const result = await run({ 'app-id': '', 'app-secret': '', 'chat-id': 'oc_1', text: 'x', 'dry-run': 'true' })
    expect(result.exitCode).toBe(0)
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).toContain('::warning::Dry run without `app-id` and `app-secret`')
  })

  it('reports a wrong app secret (10014) with its fix and sends nothing', async () => {
    const result = await run({ 'app-secret': 'wrong-secret', 'chat-id': 'oc_1', text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /::error::Nothing was sent: getting a tenant access token failed: Feishu code 10014: .*Fix: check `app-secret`/,
    )
    expect(visibleOutput(result)).not.toContain('wrong-secret')
    expect(fake.messages).toHaveLength(0)
    expect(JSON.parse(result.outputs.results!)[0]).toMatchObject({ ok: false, code: 10014 })
  })

  it('reports a chat the bot is not in (230002), still delivering to the others', async () => {
    const result = await run({ 'chat-id': 'oc_1, oc_notmember, oc_2', text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(fake.messages.map((message) => message.chat_id).sort()).toEqual(['oc_1', 'oc_2'])
    expect(result.stdout).toContain('1 of 3 receiver(s) did not get the message')
    expect(result.stdout).toMatch(
      /- chat_id oc_notmember: Feishu code 230002: the bot is not a member of this chat\. Fix: add the app's bot to the group .*log_id \w+/,
    )
    const results = JSON.parse(result.outputs.results!) as { ok: boolean; code: number }[]
    expect(results.map((entry) => [entry.ok, entry.code])).toEqual([
      [true, 0],
      [false, 230002],
      [true, 0],
    ])
    expect(result.outputs['message-id']).toBe(fake.messages.find((message) => message.chat_id === 'oc_1')!.message_id)
  })

  it('names the missing scope for 99991672', async () => {
    const result = await run({ 'app-id': 'cli_noscope', 'app-secret': 'noscope-secret', 'chat-id': 'oc_1', text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /Feishu code 99991672: the app lacks a permission scope this API needs \(im:message:send_as_bot, im:message, im:message:send\)\. Fix: add the scope im:message:send_as_bot \(or one of im:message, im:message:send\) under Permissions & Scopes in the developer console \(https:\/\/open\.feishu\.cn\/app\/cli_noscope\/auth\?[^)]*\), then create and publish a new app version/,
    )
  })

  it('explains a 230099 card error by its sub-code', async () => {
    const result = await run({ 'chat-id': 'oc_1', 'template-id': 'AAqRelease', variables: 'count: "three"' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /Feishu code 230099: Feishu could not build the card: a template variable has the wrong type \(card error 200732\)\. Fix: give the variable the type declared/,
    )
    const card20 = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }] } })
    const second = await run({ 'chat-id': 'oc_1', card: card20 })
    expect(second.stdout).toMatch(/card error 200861\)\. Fix: replace the tag/)
  })

  it('turns failures into warnings when fail-on-error is false', async () => {
    const result = await run({ 'chat-id': 'oc_notmember', text: 'x', 'fail-on-error': 'false' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).not.toContain('::error::')
    expect(result.stdout).toMatch(/::warning::1 of 1 receiver\(s\) did not get the message:.*230002/)
    expect(result.outputs['message-id']).toBe('')
  })

  it('reports a server that does not answer within timeout', async () => {
    fake.inject({ path: '/open-apis/im/v1/messages', action: 'hang' })
    const result = await run({ 'chat-id': 'oc_1', text: 'x', timeout: '0.5', 'max-retries': '0' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /chat_id oc_1: no answer from 127\.0\.0\.1:\d+ within 0\.5 s\. Fix: try again later, or raise `timeout`/,
    )
  })
})
