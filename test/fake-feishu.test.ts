// Checks the fake Feishu server itself against docs/feishu-api.md, so tests of the Action that
// rely on it rely on documented behaviour.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { hookSign, startFakeFeishu } from './fake-feishu.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
type Answer = { status: number; json: any; headers: Headers }
// Feishu answers are probed field by field; a loose type keeps the assertions readable.
type Json = Record<string, any>

let fake: Fake
let token: string

const SEND = '/open-apis/im/v1/messages'
const TOKEN = '/open-apis/auth/v3/tenant_access_token/internal'

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, json: await res.json(), headers: res.headers }
}

async function getToken(app_id = 'cli_test', app_secret = 'test-secret'): Promise<Answer> {
  return call('POST', TOKEN, { app_id, app_secret })
}

function send(
  body: Record<string, unknown>,
  type = 'chat_id',
  auth: string | null = `Bearer ${token}`,
): Promise<Answer> {
  return call('POST', `${SEND}?receive_id_type=${type}`, body, auth === null ? {} : { authorization: auth })
}

function text(receive_id: string, s: string, extra: Record<string, unknown> = {}) {
  return { receive_id, msg_type: 'text', content: JSON.stringify({ text: s }), ...extra }
}

function card(receive_id: string, cardJson: unknown) {
  return { receive_id, msg_type: 'interactive', content: JSON.stringify(cardJson) }
}

function expectError(a: Answer, status: number, code: number) {
  expect(a.status).toBe(status)
  expect(a.json.code).toBe(code)
  expect(typeof a.json.msg).toBe('string')
  expect(typeof a.json.error?.log_id).toBe('string')
  expect(a.headers.get('x-tt-logid')).toBe(a.json.error.log_id)
  expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8')
}

beforeAll(async () => {
  fake = await startFakeFeishu({
    apps: {
      cli_test: { secret: 'test-secret', scopes: ['im:message:send_as_bot'] },
      cli_noscope: { secret: 'other-secret', scopes: ['im:chat:readonly'] },
    },
  })
  token = (await getToken()).json.tenant_access_token
})

afterAll(async () => {
  await fake.close()
})

describe('tenant_access_token (§1.1)', () => {
  it('issues a t- token with expire, HTTP 200', async () => {
    const a = await getToken()
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ code: 0, msg: 'ok', tenant_access_token: token })
    expect(token).toMatch(/^t-/)
    expect(a.json.expire).toBeGreaterThan(7000)
    expect(a.json.expire).toBeLessThanOrEqual(7200)
  })

  it('re-issues the same token while >= 30 minutes are left', async () => {
    const again = await getToken()
    expect(again.json.tenant_access_token).toBe(token)
    expect(fake.tokens.filter((t) => t === token)).toHaveLength(1)
  })

  it('issues a new token when < 30 minutes are left; the old one keeps working', async () => {
    const short = await startFakeFeishu({ tokenTtlSeconds: 600 })
    try {
      const first = await fetch(short.url + TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
      }).then((r) => r.json() as Promise<Json>)
      const second = await fetch(short.url + TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
      }).then((r) => r.json() as Promise<Json>)
      expect(second.tenant_access_token).not.toBe(first.tenant_access_token)
      const sent = await fetch(`${short.url}${SEND}?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${first.tenant_access_token}` },
        body: JSON.stringify(text('oc_demo', 'old token')),
      })
      expect(sent.status).toBe(200)
    } finally {
      await short.close()
    }
  })

  it('unknown app_id -> HTTP 200 code 10003', async () => {
    const a = await getToken('cli_nope', 'x')
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ code: 10003, msg: 'invalid param' })
    expect(a.json.tenant_access_token).toBeUndefined()
  })

  it('wrong secret -> HTTP 200 code 10014', async () => {
    const a = await getToken('cli_test', 'wrong')
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ code: 10014, msg: 'app secret invalid' })
  })

  it('expireToken -> 99991663, and the endpoint then issues a fresh token', async () => {
    const mine = await startFakeFeishu()
    try {
      const get = () =>
        fetch(mine.url + TOKEN, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
        }).then((r) => r.json() as Promise<Json>)
      const t1 = (await get()).tenant_access_token
      mine.expireToken(t1)
      const res = await fetch(`${mine.url}${SEND}?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t1}` },
        body: JSON.stringify(text('oc_demo', 'hi')),
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as Json).code).toBe(99991663)
      const t2 = (await get()).tenant_access_token
      expect(t2).not.toBe(t1)
      expect(mine.tokens).toEqual([t1, t2])
    } finally {
      await mine.close()
    }
  })
})

describe('send message (§3, §4)', () => {
  it('sends text, answers the message object and stores it', async () => {
    const before = fake.messages.length
    const a = await send(text('oc_demo', 'Build #42 passed'))
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({
      code: 0,
      msg: 'success',
      data: {
        msg_type: 'text',
        chat_id: 'oc_demo',
        deleted: false,
        updated: false,
        sender: { id: 'cli_test', id_type: 'app_id', sender_type: 'app' },
        body: { content: '{"text":"Build #42 passed"}' },
      },
    })
    expect(a.json.data.message_id).toMatch(/^om_/)
    expect(a.json.data.create_time).toMatch(/^\d{13}$/)
    expect(fake.messages).toHaveLength(before + 1)
    const stored = fake.messages.at(-1)!
    expect(stored).toMatchObject({
      message_id: a.json.data.message_id,
      chat_id: 'oc_demo',
      receive_id: 'oc_demo',
      receive_id_type: 'chat_id',
      parsedContent: { text: 'Build #42 passed' },
      uuid: undefined,
    })
    const req = fake.requests.at(-1)!
    expect(req).toMatchObject({ method: 'POST', path: SEND, query: { receive_id_type: 'chat_id' }, status: 200 })
    expect(req.headers.authorization).toBe(`Bearer ${token}`)
    expect(req.body.receive_id).toBe('oc_demo')
  })

  it('a user target lands in a stable p2p chat', async () => {
    const a = await send(text('ou_alice', 'hi'), 'open_id')
    const b = await send(text('alice@example.com', 'hi'), 'email')
    expect(a.status).toBe(200)
    expect(a.json.data.chat_id).toMatch(/^oc_p2p_/)
    expect(b.json.data.chat_id).toBe(a.json.data.chat_id)
  })

  it('content as an object -> 230001, HTTP 400', async () => {
    const a = await send({ receive_id: 'oc_demo', msg_type: 'text', content: { text: 'hi' } })
    expectError(a, 400, 230001)
    expect(a.json.msg).toMatch(/content must be a string/)
  })

  it('missing Authorization -> 99991661', async () => {
    expectError(await send(text('oc_demo', 'hi'), 'chat_id', null), 400, 99991661)
    expectError(await send(text('oc_demo', 'hi'), 'chat_id', token), 400, 99991661) // no "Bearer "
  })

  it('unknown token -> 99991663', async () => {
    expectError(await send(text('oc_demo', 'hi'), 'chat_id', 'Bearer t-unknown'), 400, 99991663)
  })

  it('bot not in chat -> 230002 with log_id and x-tt-logid', async () => {
    const a = await send(text('oc_elsewhere', 'hi'))
    expectError(a, 400, 230002)
    expect(a.json.msg).toBe('Bot/User can NOT be out of the chat.')
  })

  it('malformed chat id -> 230034; unknown user -> 230034', async () => {
    expectError(await send(text('ou_alice', 'hi'), 'chat_id'), 400, 230034)
    expectError(await send(text('ou_nobody', 'hi'), 'open_id'), 400, 230034)
  })

  it('user outside the availability range -> 230013', async () => {
    expectError(await send(text('ou_outsider', 'hi'), 'open_id'), 400, 230013)
  })

  it('bad or missing receive_id_type -> 230001', async () => {
    expectError(await send(text('oc_demo', 'hi'), 'thread_id'), 400, 230001)
    expectError(await call('POST', SEND, text('oc_demo', 'hi'), { authorization: `Bearer ${token}` }), 400, 230001)
  })

  it('uuid longer than 50 chars -> 230001', async () => {
    expectError(await send(text('oc_demo', 'hi', { uuid: 'x'.repeat(51) })), 400, 230001)
  })

  it('post: locale objects at top level pass; a "post" wrapper is rejected', async () => {
    const post = {
      zh_cn: {
        title: 'Release',
        content: [
          [
            { tag: 'text', text: 'Build ' },
            { tag: 'a', text: 'log', href: 'https://example.com/run/1' },
          ],
          [{ tag: 'at', user_id: 'all' }],
          [{ tag: 'md', text: '**done**' }],
        ],
      },
    }
    const ok = await send({ receive_id: 'oc_demo', msg_type: 'post', content: JSON.stringify(post) })
    expect(ok.status).toBe(200)
    const wrapped = await send({ receive_id: 'oc_demo', msg_type: 'post', content: JSON.stringify({ post }) })
    expectError(wrapped, 400, 230001)
    const badHref = { en_us: { content: [[{ tag: 'a', text: 'x', href: 'ftp://x' }]] } }
    expectError(await send({ receive_id: 'oc_demo', msg_type: 'post', content: JSON.stringify(badHref) }), 400, 230001)
  })

  it('unparseable content: interactive -> 230099/200621, text -> 230001', async () => {
    const c = await send({ receive_id: 'oc_demo', msg_type: 'interactive', content: '{not json' })
    expectError(c, 400, 230099)
    expect(c.json.msg).toContain('ErrCode: 200621;')
    expectError(await send({ receive_id: 'oc_demo', msg_type: 'text', content: '{not json' }), 400, 230001)
  })

  it('card 1.0 and 2.0 pass', async () => {
    const v1 = {
      config: { update_multi: true },
      header: { title: { tag: 'plain_text', content: 'T' } },
      elements: [
        { tag: 'markdown', content: 'hi' },
        { tag: 'note', elements: [{ tag: 'plain_text', content: 'n' }] },
      ],
    }
    const v2 = {
      schema: '2.0',
      body: {
        elements: [
          { tag: 'markdown', content: 'hi' },
          { tag: 'button', text: { tag: 'plain_text', content: 'Open' } },
        ],
      },
    }
    expect((await send(card('oc_demo', v1))).status).toBe(200)
    expect((await send(card('oc_demo', v2))).status).toBe(200)
  })

  it('card 2.0 with note -> 230099 / 200861', async () => {
    const a = await send(card('oc_demo', { schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }] } }))
    expectError(a, 400, 230099)
    expect(a.json.msg).toMatch(/^Failed to create card content, ext=ErrCode: 200861; ErrMsg: .*; ErrPath: .*; $/)
  })

  it('card 2.0 translations (§14.3): known locale keys, at most 3 header tags a locale, else 230099 / 200621', async () => {
    const tag = { tag: 'text_tag', text: { tag: 'plain_text', content: 't' }, color: 'blue' }
    const good = {
      schema: '2.0',
      config: { locales: ['zh_cn', 'en_us'], summary: { content: 'x', i18n_content: { zh_cn: '甲', en_us: 'x' } } },
      header: {
        title: { tag: 'plain_text', content: 'x', i18n_content: { zh_cn: '甲', en_us: 'x' } },
        i18n_text_tag_list: { zh_cn: [tag], en_us: [tag] },
      },
      body: { elements: [{ tag: 'markdown', content: 'x', i18n_content: { zh_cn: '甲', en_us: 'x' } }] },
    }
    expect((await send(card('oc_demo', good))).status).toBe(200)
    for (const bad of [
      { ...good, config: { locales: ['zh-CN'] } },
      { ...good, header: { i18n_text_tag_list: { en_us: [tag, tag, tag, tag] } } },
      { ...good, body: { elements: [{ tag: 'markdown', content: 'x', i18n_content: { english: 'x' } }] } },
    ]) {
      const answer = await send(card('oc_demo', bad))
      expectError(answer, 400, 230099)
      expect(answer.json.msg).toContain('ErrCode: 200621;')
    }
  })

  it('card 2.0 with more than 200 elements -> 230099 / 11310', async () => {
    const elements = Array.from({ length: 201 }, () => ({ tag: 'hr' }))
    const a = await send(card('oc_demo', { schema: '2.0', body: { elements } }))
    expectError(a, 400, 230099)
    expect(a.json.msg).toContain('ErrCode: 11310;')
  })

  it('template: ok, unknown -> 200380, variable type mismatch -> 200732', async () => {
    const tpl = (data: Record<string, unknown>) => card('oc_demo', { type: 'template', data })
    const ok = await send(
      tpl({
        template_id: 'AAqTemplate1',
        template_version_name: '1.0.2',
        template_variable: { version: 'v1', count: 3, services: ['a'], ok: true, extra: 1 },
      }),
    )
    expect(ok.status).toBe(200)

    const unknown = await send(tpl({ template_id: 'AAqNope' }))
    expectError(unknown, 400, 230099)
    expect(unknown.json.msg).toContain('ErrCode: 200380;')
    const badVersion = await send(tpl({ template_id: 'AAqTemplate1', template_version_name: '9.9.9' }))
    expect(badVersion.json.msg).toContain('ErrCode: 200380;')

    const mismatch = await send(tpl({ template_id: 'AAqTemplate1', template_variable: { services: 'a,b' } }))
    expectError(mismatch, 400, 230099)
    expect(mismatch.json.msg).toContain('ErrCode: 200732;')
    expect(mismatch.json.msg).toMatch(/services.*array.*string/)
  })

  it('oversize card (> 30 KB) -> 230025', async () => {
    const big = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }] } }
    expectError(await send(card('oc_demo', big)), 400, 230025)
  })

  it('text: exactly 150 KB passes, one byte more -> 230025', async () => {
    const limit = 150 * 1024
    const overhead = JSON.stringify({ text: '' }).length
    const atLimit = text('oc_demo', 'a'.repeat(limit - overhead))
    expect(Buffer.byteLength(atLimit.content)).toBe(limit)
    expect((await send(atLimit)).status).toBe(200)
    expectError(await send(text('oc_demo', 'a'.repeat(limit - overhead + 1))), 400, 230025)
  })

  it('uuid de-duplication returns the original message and stores one', async () => {
    const before = fake.messages.length
    const a = await send(text('oc_1', 'once', { uuid: 'run-1-step-2' }))
    const b = await send(text('oc_1', 'once', { uuid: 'run-1-step-2' }))
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(b.json.data.message_id).toBe(a.json.data.message_id)
    expect(fake.messages).toHaveLength(before + 1)
    expect(fake.messages.at(-1)!.uuid).toBe('run-1-step-2')
  })

  it('app without a send scope -> 99991672 with permission_violations', async () => {
    const t = (await getToken('cli_noscope', 'other-secret')).json.tenant_access_token
    const a = await send(text('oc_demo', 'hi'), 'chat_id', `Bearer ${t}`)
    expectError(a, 400, 99991672)
    expect(a.json.msg).toBe(
      'Access denied. One of the following scopes is required: [im:message, im:message:send_as_bot, im:message:send].',
    )
    expect(a.json.error.permission_violations[0]).toMatchObject({
      type: 'action_privilege_required',
      subject: 'im:message:send_as_bot',
    })
    expect(a.json.error.helps[0].url).toMatch(/^https:\/\//)
  })

  it('a body without Content-Type: application/json is rejected', async () => {
    const res = await fetch(`${fake.url}${SEND}?receive_id_type=chat_id`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(text('oc_demo', 'hi')), // fetch sends text/plain
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as Json).code).toBe(230001)
  })
})

describe('reply and patch (§5)', () => {
  it('replies into the same chat with parent/root ids', async () => {
    const parent = (await send(text('oc_2', 'parent'))).json.data
    const a = await call(
      'POST',
      `${SEND}/${parent.message_id}/reply`,
      { msg_type: 'text', content: JSON.stringify({ text: 'r' }), reply_in_thread: true },
      { authorization: `Bearer ${token}` },
    )
    expect(a.status).toBe(200)
    expect(a.json.data).toMatchObject({ parent_id: parent.message_id, root_id: parent.message_id, chat_id: 'oc_2' })
    expect(a.json.data.thread_id).toMatch(/^omt_/)
    expectError(
      await call(
        'POST',
        `${SEND}/om_missing/reply`,
        { msg_type: 'text', content: '{"text":"r"}' },
        { authorization: `Bearer ${token}` },
      ),
      400,
      230001,
    )
  })

  it('patches a shared card; refuses a non-shared 1.0 card', async () => {
    const auth = { authorization: `Bearer ${token}` }
    const shared = (
      await send(card('oc_3', { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'v1' }] } }))
    ).json.data
    const newCard = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'v2' }] } })
    const ok = await call('PATCH', `${SEND}/${shared.message_id}`, { content: newCard }, auth)
    expect(ok.status).toBe(200)
    expect(ok.json).toEqual({ code: 0, msg: 'success', data: {} })
    expect(fake.messages.find((m) => m.message_id === shared.message_id)).toMatchObject({
      updated: true,
      content: newCard,
    })

    const exclusive = (await send(card('oc_3', { elements: [{ tag: 'markdown', content: 'v1' }] }))).json.data
    expectError(await call('PATCH', `${SEND}/${exclusive.message_id}`, { content: newCard }, auth), 400, 230001)
  })
})

describe('routing and fault injection', () => {
  it('unknown path -> 404 / 99991201; wrong method -> 99991301', async () => {
    expectError(await call('GET', '/open-apis/nope'), 404, 99991201)
    expectError(await call('GET', SEND), 405, 99991301)
  })

  it('inject status 500 once, then normal processing', async () => {
    fake.inject({
      path: SEND,
      method: 'POST',
      status: 500,
      body: { code: 1500, msg: 'internal error' },
      headers: { 'x-extra': '1' },
    })
    const first = await send(text('oc_4', 'x'))
    expect(first.status).toBe(500)
    expect(first.json.code).toBe(1500)
    expect(first.headers.get('x-extra')).toBe('1')
    const second = await send(text('oc_4', 'x'))
    expect(second.status).toBe(200)
    expect(fake.requests.slice(-2).map((r) => r.status)).toEqual([500, 200])
  })

  it('inject reset drops the connection, request still recorded', async () => {
    fake.inject({ path: 'im/v1/messages', action: 'reset' })
    const before = fake.messages.length
    await expect(send(text('oc_5', 'x'))).rejects.toThrow()
    expect(fake.requests.at(-1)).toMatchObject({ path: SEND, status: 0 })
    expect(fake.messages).toHaveLength(before)
    expect((await send(text('oc_5', 'x'))).status).toBe(200)
  })

  it('inject reset-after stores the message, and a uuid retry returns it', async () => {
    fake.inject({ path: SEND, action: 'reset-after' })
    const before = fake.messages.length
    await expect(send(text('oc_6', 'lost', { uuid: 'lost-1' }))).rejects.toThrow()
    expect(fake.messages).toHaveLength(before + 1)
    const retry = await send(text('oc_6', 'lost', { uuid: 'lost-1' }))
    expect(retry.json.data.message_id).toBe(fake.messages.at(-1)!.message_id)
    expect(fake.messages).toHaveLength(before + 1)
  })

  it('inject hang never answers; close() still returns', async () => {
    const mine = await startFakeFeishu()
    mine.inject({ action: 'hang' })
    const pending = fetch(mine.url + TOKEN, { method: 'POST', signal: AbortSignal.timeout(100) })
    await expect(pending).rejects.toThrow()
    await mine.close()
  })

  it('reset() clears requests, messages and rules but keeps tokens', async () => {
    fake.inject({ path: SEND, status: 503, times: 5 })
    fake.reset()
    expect(fake.requests).toHaveLength(0)
    expect(fake.messages).toHaveLength(0)
    const a = await send(text('oc_demo', 'after reset'))
    expect(a.status).toBe(200)
    expect(fake.messages).toHaveLength(1)
  })
})

describe('custom bot webhooks (§7)', () => {
  let hooks: Fake
  const HOOK = '/open-apis/bot/v2/hook/'
  const SUCCESS = { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' }

  beforeAll(async () => {
    hooks = await startFakeFeishu({
      bots: {
        open: {},
        signed: { secret: 'demo' },
        guarded: { keywords: ['deploy', 'release'] },
        allowlisted: { ipAllowed: false },
        team: { chatId: 'oc_team' },
      },
      templates: { AAqOpen: { versions: ['1.0.0'] }, AAqAppOnly: { versions: ['1.0.0'], allowedApps: ['cli_test'] } },
      // Feishu's 5 a second would throttle this file's own quick requests; the limit has a test of its own.
      limits: { botPerSecond: 1000, botPerMinute: 1000 },
    })
  })
  afterAll(() => hooks.close())

  async function hook(token: string, body: unknown): Promise<Answer> {
    const res = await fetch(hooks.url + HOOK + token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    return { status: res.status, json: await res.json(), headers: res.headers }
  }
  const now = () => String(Math.floor(Date.now() / 1000))
  function expectHookError(a: Answer, code: number) {
    expect(a.status).toBe(200)
    expect(a.json).toEqual({ code, msg: expect.any(String), data: {} })
  }

  it('signs with the §7.3 test vectors', () => {
    expect(hookSign('1599360473', 'demo')).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=')
    expect(hookSign('100', 'demo')).toBe('jquNHnVOwmDRfw+vqTIrY5dooJAgi5EcRtLsQE4wfXg=')
  })

  it('delivers the §7.2 shapes with the documented success body, and records them', async () => {
    const before = hooks.webhookMessages.length
    const post = {
      post: {
        zh_cn: {
          title: 'T',
          content: [
            [
              { tag: 'text', text: 'x' },
              { tag: 'a', text: 'run', href: 'https://example.com' },
            ],
          ],
        },
      },
    }
    const card = {
      header: { title: { tag: 'plain_text', content: 'C' } },
      elements: [{ tag: 'markdown', content: 'm' }],
    }
    const template = {
      type: 'template',
      data: { template_id: 'AAqOpen', template_version_name: '1.0.0', template_variable: { a: 1 } },
    }
    for (const body of [
      { msg_type: 'text', content: { text: 'hi' } },
      { msg_type: 'post', content: post },
      { msg_type: 'interactive', card },
      { msg_type: 'interactive', card: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'v2' }] } } },
      { msg_type: 'interactive', card: template },
      // A key an app of the tenant uploaded (fake-feishu-uploads.test.ts uploads them for real).
      { msg_type: 'image', content: { image_key: issuedImage(hooks) } },
      { msg_type: 'share_chat', content: { share_chat_id: 'oc_1' } },
    ]) {
      const a = await hook('team', body)
      expect(a.status).toBe(200)
      expect(a.json).toEqual(SUCCESS)
    }
    const stored = hooks.webhookMessages.slice(before)
    expect(stored.map((m) => [m.token, m.chat_id, m.msg_type])).toEqual([
      ['team', 'oc_team', 'text'],
      ['team', 'oc_team', 'post'],
      ['team', 'oc_team', 'interactive'],
      ['team', 'oc_team', 'interactive'],
      ['team', 'oc_team', 'interactive'],
      ['team', 'oc_team', 'image'],
      ['team', 'oc_team', 'share_chat'],
    ])
    expect(stored[0]!.content).toEqual({ text: 'hi' })
    expect(stored[2]!.card).toEqual(card)
    expect(stored[4]!.card).toEqual(template)
  })

  it.each([
    ['content as a JSON string (the app API shape)', { msg_type: 'text', content: '{"text":"hi"}' }, 9499],
    ['a card in content', { msg_type: 'interactive', content: JSON.stringify({ elements: [] }) }, 9499],
    ['a card object in content', { msg_type: 'interactive', content: { elements: [] } }, 9499],
    ['a card as a string', { msg_type: 'interactive', card: '{"elements":[]}' }, 9499],
    ['a post without the post wrapper', { msg_type: 'post', content: { zh_cn: { title: 'T', content: [] } } }, 9499],
    [
      'a post with a broken node',
      { msg_type: 'post', content: { post: { zh_cn: { content: [[{ tag: 'a', text: 'x' }]] } } } },
      9499,
    ],
    ['share_chat with chat_id (the app API field)', { msg_type: 'share_chat', content: { chat_id: 'oc_1' } }, 9499],
    ['text without text', { msg_type: 'text', content: { body: 'hi' } }, 9499],
    ['no msg_type', { content: { text: 'hi' } }, 19002],
    ['an unknown msg_type', { msg_type: 'file', content: { file_key: 'f' } }, 19002],
    ['a body that is not JSON', 'msg_type=text', 9499],
    ['a body over 20 KB', { msg_type: 'text', content: { text: 'x'.repeat(20 * 1024) } }, 9499],
    [
      'a 2.0 card with a 1.0 tag',
      { msg_type: 'interactive', card: { schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }] } } },
      230099,
    ],
  ])('rejects %s', async (_, body, code) => {
    const before = hooks.webhookMessages.length
    expectHookError(await hook('open', body), code)
    expect(hooks.webhookMessages).toHaveLength(before)
  })

  it('accepts a body just under 20 KB', async () => {
    const envelope = JSON.stringify({ msg_type: 'text', content: { text: '' } }).length
    expect(
      (await hook('open', { msg_type: 'text', content: { text: 'x'.repeat(20 * 1024 - envelope) } })).json.code,
    ).toBe(0)
  })

  it('a template that does not list the bot: 230099 / 200381', async () => {
    const a = await hook('open', {
      msg_type: 'interactive',
      card: { type: 'template', data: { template_id: 'AAqAppOnly' } },
    })
    expectHookError(a, 230099)
    expect(a.json.msg).toContain('ErrCode: 200381')
  })

  it('signature: a valid sign passes; none, a wrong secret, a stale or millisecond timestamp answer 19021', async () => {
    const ts = now()
    const text = { msg_type: 'text', content: { text: 'signed' } }
    expect((await hook('signed', { timestamp: ts, sign: hookSign(ts, 'demo'), ...text })).json).toEqual(SUCCESS)
    const almostAnHour = String(Number(ts) - 3590)
    expect(
      (await hook('signed', { timestamp: almostAnHour, sign: hookSign(almostAnHour, 'demo'), ...text })).json.code,
    ).toBe(0)
    const stale = String(Number(ts) - 3700)
    const ms = String(Date.now())
    for (const body of [
      text,
      { timestamp: ts, ...text },
      { timestamp: ts, sign: hookSign(ts, 'wrong'), ...text },
      { timestamp: stale, sign: hookSign(stale, 'demo'), ...text },
      { timestamp: ms, sign: hookSign(ms, 'demo'), ...text },
      { timestamp: Number(ts), sign: hookSign(ts, 'demo'), ...text },
    ]) {
      const a = await hook('signed', body)
      expectHookError(a, 19021)
      expect(a.json.msg).toBe('sign match fail or timestamp is not within one hour from current time')
    }
  })

  it('keywords: found in a text or title passes; missing, or only in a link, answers 19024', async () => {
    expect((await hook('guarded', { msg_type: 'text', content: { text: 'deploy done' } })).json.code).toBe(0)
    expect(
      (await hook('guarded', { msg_type: 'post', content: { post: { zh_cn: { title: 'release 1', content: [] } } } }))
        .json.code,
    ).toBe(0)
    expect(
      (
        await hook('guarded', {
          msg_type: 'interactive',
          card: { elements: [{ tag: 'markdown', content: 'we deploy' }] },
        })
      ).json.code,
    ).toBe(0)
    const missing = await hook('guarded', { msg_type: 'text', content: { text: 'hello' } })
    expectHookError(missing, 19024)
    expect(missing.json.msg).toBe('Key Words Not Found')
    const inLink = {
      msg_type: 'post',
      content: { post: { zh_cn: { content: [[{ tag: 'a', text: 'open', href: 'https://example.com/deploy' }]] } } },
    }
    expectHookError(await hook('guarded', inLink), 19024)
  })

  it('IP allowlist: 19022; unknown token: 19001 (UNCONFIRMED)', async () => {
    expectHookError(await hook('allowlisted', { msg_type: 'text', content: { text: 'x' } }), 19022)
    expectHookError(await hook('no-such-token', { msg_type: 'text', content: { text: 'x' } }), 19001)
  })

  it('5 requests a second per bot by default, then 11232; the minute limit too', async () => {
    const limited = await startFakeFeishu({ bots: { a: {}, b: {} }, limits: { botPerMinute: 7 } })
    try {
      const send = async (token: string) => {
        const res = await fetch(`${limited.url}${HOOK}${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msg_type: 'text', content: { text: 'x' } }),
        })
        return ((await res.json()) as Json).code
      }
      const codes = []
      for (let i = 0; i < 6; i++) codes.push(await send('a'))
      expect(codes).toEqual([0, 0, 0, 0, 0, 11232])
      expect(await send('b')).toBe(0) // per bot
      await new Promise((resolve) => setTimeout(resolve, 1010))
      expect([await send('a'), await send('a'), await send('a')]).toEqual([0, 0, 11232])
      expect(limited.webhookMessages).toHaveLength(8)
    } finally {
      await limited.close()
    }
  })

  it('only POST', async () => {
    const res = await fetch(hooks.url + HOOK + 'open')
    expect(((await res.json()) as Json).code).toBe(99991301)
  })
})

describe('reply and patch: recalled, deleted, old, threads, limits (§5)', () => {
  let fake2: Fake
  let auth: Record<string, string>
  const shared = JSON.stringify({ config: { update_multi: true }, elements: [{ tag: 'markdown', content: 'v1' }] })
  const newCard = JSON.stringify({ config: { update_multi: true }, elements: [{ tag: 'markdown', content: 'v2' }] })

  beforeAll(async () => {
    fake2 = await startFakeFeishu({ noThreadChats: ['oc_2'], limits: { patchPerSecond: 5 } })
    const res = await fetch(fake2.url + TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
    })
    auth = { authorization: `Bearer ${((await res.json()) as Json).tenant_access_token}` }
  })
  afterAll(() => fake2.close())

  async function call2(method: string, path: string, body: unknown): Promise<Answer> {
    const res = await fetch(fake2.url + path, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8', ...auth },
      body: JSON.stringify(body),
    })
    return { status: res.status, json: await res.json(), headers: res.headers }
  }
  const reply = (id: string, extra: Record<string, unknown> = {}) =>
    call2('POST', `${SEND}/${id}/reply`, { msg_type: 'text', content: '{"text":"r"}', ...extra })
  const patch = (id: string, content = newCard) => call2('PATCH', `${SEND}/${id}`, { content })

  it('addMessage stores a message the app sent earlier; it can be updated and replied to', async () => {
    const message = fake2.addMessage({ chat_id: 'oc_1', msg_type: 'interactive', content: shared })
    expect(message.message_id).toMatch(/^om_/)
    expect((await patch(message.message_id)).json.code).toBe(0)
    expect(fake2.messages.find((m) => m.message_id === message.message_id)).toMatchObject({
      updated: true,
      content: newCard,
    })
    expect((await reply(message.message_id)).json.data).toMatchObject({
      parent_id: message.message_id,
      chat_id: 'oc_1',
    })
  })

  it.each([
    ['recalled', 230011, 230011],
    ['deleted', 230110, 230110],
    ['old', 230031, 0],
  ] as const)('a %s message: PATCH answers %i, reply %i', async (state, patchCode, replyCode) => {
    const message = fake2.addMessage({ chat_id: 'oc_1', msg_type: 'interactive', content: shared })
    fake2.markMessage(message.message_id, state)
    const patched = await patch(message.message_id)
    expect(patched.json.code).toBe(patchCode)
    expect(patched.status).toBe(400)
    expect((await reply(message.message_id)).json.code).toBe(replyCode)
  })

  it('reply_in_thread in a chat without threads: 230071; a plain reply there works', async () => {
    const message = fake2.addMessage({ chat_id: 'oc_2', msg_type: 'text', content: '{"text":"p"}' })
    const a = await reply(message.message_id, { reply_in_thread: true })
    expect([a.status, a.json.code]).toEqual([400, 230071])
    const plain = await reply(message.message_id)
    expect(plain.json.code).toBe(0)
    expect(plain.json.data.thread_id).toBeUndefined()
  })

  it('a thread reply starts a thread; a reply to a message in it stays there', async () => {
    const message = fake2.addMessage({ chat_id: 'oc_1', msg_type: 'text', content: '{"text":"p"}' })
    const first = (await reply(message.message_id, { reply_in_thread: true })).json.data
    expect(first.thread_id).toMatch(/^omt_/)
    const second = (await reply(first.message_id)).json.data
    expect(second).toMatchObject({
      thread_id: first.thread_id,
      root_id: message.message_id,
      parent_id: first.message_id,
    })
  })

  it('PATCH: a non-shared new card is refused; the 6th update in a second answers 230020', async () => {
    const message = fake2.addMessage({ chat_id: 'oc_1', msg_type: 'interactive', content: shared })
    expect((await patch(message.message_id, JSON.stringify({ elements: [] }))).json.code).toBe(230001)
    const codes = []
    for (let i = 0; i < 6; i++) codes.push((await patch(message.message_id)).json.code)
    expect(codes).toEqual([0, 0, 0, 0, 0, 230020])
  })
})

/** Registers an image key as if the default app had uploaded it. @returns the key */
function issuedImage(fake: { files: { issued: Map<string, unknown> } }): string {
  const key = 'img_v3_issued'
  fake.files.issued.set(key, {
    key,
    appId: 'cli_test',
    kind: 'image',
    fileType: '',
    name: 'a.png',
    bytes: 1,
    sha256: '',
  })
  return key
}
