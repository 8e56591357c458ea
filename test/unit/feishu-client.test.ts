// The client against a raw loopback server that answers whatever a test scripts, including what
// a broken or hostile server would: bodies that are not objects, redirects, echoed secrets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FeishuError } from '../../src/feishu/errors.js'
import { appRequest, FeishuClient } from '../../src/feishu/client.js'
import { startScriptedServer, type Scripted, type ScriptedServer } from './scripted-server.js'

const TOKEN_OK: Scripted = {
  status: 200,
  body: JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-tok123456', expire: 7200 }),
}
const SECRET = 'sec-ret-value'
const receiver = { receiveId: 'oc_1', receiveIdType: 'chat_id' as const }
const message = { msgType: 'text', content: '{"text":"x"}', uuid: 'u1', replyInThread: false }
const send = () => appRequest(baseUrl, receiver, message)

let server: ScriptedServer
let baseUrl = ''

beforeAll(async () => {
  server = await startScriptedServer()
  baseUrl = server.url
})
afterAll(() => server.close())
beforeEach(() => server.reset())

function client(maxRetries = 0) {
  const lines: string[] = []
  const secrets: string[] = []
  const instance = new FeishuClient({
    baseUrl,
    appId: 'cli_x',
    appSecret: SECRET,
    timeoutMs: 2000,
    maxRetries,
    onSecret: (secret) => secrets.push(secret),
    log: (line) => lines.push(line),
    sleep: async () => {},
  })
  return { instance, lines, secrets }
}

async function sendFailure(...answers: Scripted[]): Promise<FeishuError> {
  server.script = [TOKEN_OK, ...answers]
  const { instance } = client()
  try {
    await instance.deliver(receiver, send())
  } catch (error) {
    return error as FeishuError
  } finally {
    await instance.close()
  }
  throw new Error('expected the send to fail')
}

describe('FeishuClient', () => {
  it('returns the message and chat ids, masking the token on arrival', async () => {
    server.script = [
      TOKEN_OK,
      { status: 200, body: JSON.stringify({ code: 0, msg: 'success', data: { message_id: 'om_1', chat_id: 'oc_1' } }) },
    ]
    const { instance, secrets } = client()
    await expect(instance.deliver(receiver, send())).resolves.toEqual({ messageId: 'om_1', chatId: 'oc_1' })
    expect(secrets).toEqual(['t-tok123456'])
    await instance.close()
  })

  it.each([
    ['a null body', { status: 200, body: 'null' }, /answered HTTP 200 with a body that is not Feishu's JSON object/],
    [
      'an HTML page',
      { status: 502, body: '<html>Bad gateway</html>' },
      /answered HTTP 502 with a body that is not Feishu's JSON object/,
    ],
    [
      'a redirect with code 0',
      { status: 302, body: JSON.stringify({ code: 0, data: { message_id: 'om_1' } }) },
      /Feishu answered with code 0 but HTTP 302/,
    ],
    [
      'HTTP 500 with code 0',
      { status: 500, body: JSON.stringify({ code: 0 }) },
      /Feishu answered with code 0 but HTTP 500/,
    ],
    [
      'code 0 without a message id',
      { status: 200, body: JSON.stringify({ code: 0, data: {} }) },
      /code 0 without a message id/,
    ],
    [
      'a message id that is not one',
      { status: 200, body: JSON.stringify({ code: 0, data: { message_id: 'om_1\n::error::injected' } }) },
      /code 0 without a message id/,
    ],
  ])('fails on %s', async (_, answer, message) => {
    const error = await sendFailure(answer)
    expect(error).toBeInstanceOf(FeishuError)
    expect(error.message).toMatch(message)
  })

  it('keeps only the printable part of what the server says', async () => {
    const error = await sendFailure({
      status: 400,
      body: JSON.stringify({
        code: 230001,
        msg: 'bad\n::error::injected\r\u2028x',
        error: { log_id: 'L1\n::warning::x' },
      }),
    })
    expect(error.message).not.toMatch(/[\n\r\u2028]/)
    expect(error.msg).toBe('bad ::error::injected x')
    expect(error.logId).toBe('L1 ::warning::x')
  })

  it('never repeats the app secret or the token that Feishu echoes back', async () => {
    const echo = {
      status: 400,
      body: JSON.stringify({
        code: 99991663,
        msg: `token t-tok123456 (tok123456) invalid; secret ${SECRET}`,
        error: { log_id: SECRET },
      }),
    }
    const error = await sendFailure(echo, echo)
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('tok123456')
    expect(error.msg).toBe('token *** (***) invalid; secret ***')

    server.script = [{ status: 200, body: JSON.stringify({ code: 10014, msg: `app secret invalid: ${SECRET}` }) }]
    const { instance } = client()
    const tokenError = await instance.tenantToken().catch((caught: FeishuError) => caught)
    expect(String(tokenError)).not.toContain(SECRET)
    await instance.close()
  })

  it('does not retry a code-0 answer it cannot use', async () => {
    server.script = [TOKEN_OK, { status: 200, body: JSON.stringify({ code: 0, data: {} }) }]
    const { instance } = client(3)
    await expect(instance.deliver(receiver, send())).rejects.toThrow(/without a message id/)
    expect(server.received.length).toBe(2)
    await instance.close()
  })

  it('logs one line per retry with the reason and the wait', async () => {
    server.script = [
      TOKEN_OK,
      { status: 503, body: '{}' },
      {
        status: 429,
        body: JSON.stringify({ code: 99991400, msg: 'limit' }),
        headers: { 'x-ogw-ratelimit-reset': '2' },
      },
      { status: 200, body: JSON.stringify({ code: 0, data: { message_id: 'om_9' } }) },
    ]
    const { instance, lines } = client(3)
    await expect(instance.deliver(receiver, send())).resolves.toEqual({ messageId: 'om_9', chatId: '' })
    expect(lines).toEqual([
      expect.stringMatching(/^chat_id oc_1: HTTP 503; retry 1 of 3 in 0\.\d s$/),
      expect.stringMatching(
        /^chat_id oc_1: rate limited \(HTTP 429, code 99991400, x-ogw-ratelimit-reset 2\); retry 2 of 3 in 2\.\d s$/,
      ),
    ])
    await instance.close()
  })
})

describe('appRequest and the client for replies and updates (§5.1, §5.2)', () => {
  const base = 'https://open.larksuite.com'
  it('builds a send, a reply and an update', () => {
    expect(appRequest(base, receiver, message)).toEqual({
      method: 'POST',
      url: `${base}/open-apis/im/v1/messages?receive_id_type=chat_id`,
      limitKey: 'chat_id:oc_1',
      body: { receive_id: 'oc_1', msg_type: 'text', content: '{"text":"x"}', uuid: 'u1' },
    })
    expect(
      appRequest(base, { receiveIdType: 'reply_to', receiveId: 'om_p' }, { ...message, replyInThread: true }),
    ).toEqual({
      method: 'POST',
      url: `${base}/open-apis/im/v1/messages/om_p/reply`,
      limitKey: 'message:om_p',
      body: { msg_type: 'text', content: '{"text":"x"}', reply_in_thread: true, uuid: 'u1' },
    })
    expect(
      appRequest(
        base,
        { receiveIdType: 'update_message_id', receiveId: 'om_c' },
        { ...message, msgType: 'interactive', content: '{}' },
      ),
    ).toEqual({
      method: 'PATCH',
      url: `${base}/open-apis/im/v1/messages/om_c`,
      limitKey: 'message:om_c',
      body: { content: '{}' },
    })
  })

  it("an update answers data {}: the result is the updated card's id; a reply answers its own id and chat", async () => {
    const ok = (data: object) => ({ status: 200, body: JSON.stringify({ code: 0, msg: 'success', data }) })
    server.script = [TOKEN_OK, ok({}), ok({ message_id: 'om_r', chat_id: 'oc_9', parent_id: 'om_p' })]
    const { instance } = client()
    const update = { receiveIdType: 'update_message_id' as const, receiveId: 'om_c' }
    await expect(instance.deliver(update, appRequest(baseUrl, update, message))).resolves.toEqual({
      messageId: 'om_c',
      chatId: '',
    })
    const reply = { receiveIdType: 'reply_to' as const, receiveId: 'om_p' }
    await expect(instance.deliver(reply, appRequest(baseUrl, reply, message))).resolves.toEqual({
      messageId: 'om_r',
      chatId: 'oc_9',
    })
    expect(server.received.map((request) => [request.method, request.url])).toEqual([
      ['POST', '/open-apis/auth/v3/tenant_access_token/internal'],
      ['PATCH', '/open-apis/im/v1/messages/om_c'],
      ['POST', '/open-apis/im/v1/messages/om_p/reply'],
    ])
    expect(JSON.parse(server.received[1]!.body)).toEqual({ content: '{"text":"x"}' })
    await instance.close()
  })

  it('never retries a recalled, deleted or old message', async () => {
    for (const code of [230011, 230110, 230031]) {
      server.script = [TOKEN_OK, { status: 400, body: JSON.stringify({ code, msg: 'gone' }) }]
      const { instance } = client(3)
      const update = { receiveIdType: 'update_message_id' as const, receiveId: 'om_c' }
      await expect(instance.deliver(update, appRequest(baseUrl, update, message))).rejects.toMatchObject({
        code,
        attempts: 1,
      })
      await instance.close()
    }
  })
})
