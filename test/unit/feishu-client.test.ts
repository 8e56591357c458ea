// The client against a raw loopback server that answers whatever a test scripts, including what
// a broken or hostile server would: bodies that are not objects, redirects, echoed secrets.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FeishuError } from '../../src/errors.js'
import { FeishuClient } from '../../src/feishu-client.js'

interface Scripted { status: number; body: string; headers?: Record<string, string> }
const TOKEN_OK: Scripted = { status: 200, body: JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-tok123456', expire: 7200 }) }
const SECRET = 'sec-ret-value'
const receiver = { receiveId: 'oc_1', receiveIdType: 'chat_id' as const }
const body = { receive_id: 'oc_1', msg_type: 'text', content: '{"text":"x"}', uuid: 'u1' }

let server: http.Server
let baseUrl = ''
let script: Scripted[] = []
let seen = 0

beforeAll(async () => {
  server = http.createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      seen++
      const next = script.shift() ?? { status: 500, body: '{}' }
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers })
      response.end(next.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  script = []
  seen = 0
})

function client(maxRetries = 0) {
  const lines: string[] = []
  const secrets: string[] = []
  const instance = new FeishuClient({ baseUrl, appId: 'cli_x', appSecret: SECRET, timeoutMs: 2000, maxRetries, onSecret: (secret) => secrets.push(secret), log: (line) => lines.push(line), sleep: async () => {} })
  return { instance, lines, secrets }
}

async function sendFailure(...answers: Scripted[]): Promise<FeishuError> {
  script = [TOKEN_OK, ...answers]
  const { instance } = client()
  try {
    await instance.sendMessage(receiver, body)
  } catch (error) {
    return error as FeishuError
  } finally {
    await instance.close()
  }
  throw new Error('expected the send to fail')
}

describe('FeishuClient', () => {
  it('returns the message and chat ids, masking the token on arrival', async () => {
    script = [TOKEN_OK, { status: 200, body: JSON.stringify({ code: 0, msg: 'success', data: { message_id: 'om_1', chat_id: 'oc_1' } }) }]
    const { instance, secrets } = client()
    await expect(instance.sendMessage(receiver, body)).resolves.toEqual({ messageId: 'om_1', chatId: 'oc_1' })
    expect(secrets).toEqual(['t-tok123456'])
    await instance.close()
  })

  it.each([
    ['a null body', { status: 200, body: 'null' }, /answered HTTP 200 with a body that is not Feishu's JSON object/],
    ['an HTML page', { status: 502, body: '<html>Bad gateway</html>' }, /answered HTTP 502 with a body that is not Feishu's JSON object/],
    ['a redirect with code 0', { status: 302, body: JSON.stringify({ code: 0, data: { message_id: 'om_1' } }) }, /Feishu answered with code 0 but HTTP 302/],
    ['HTTP 500 with code 0', { status: 500, body: JSON.stringify({ code: 0 }) }, /Feishu answered with code 0 but HTTP 500/],
    ['code 0 without a message id', { status: 200, body: JSON.stringify({ code: 0, data: {} }) }, /code 0 without a message id/],
    ['a message id that is not one', { status: 200, body: JSON.stringify({ code: 0, data: { message_id: 'om_1\n::error::injected' } }) }, /code 0 without a message id/],
  ])('fails on %s', async (_, answer, message) => {
    const error = await sendFailure(answer)
    expect(error).toBeInstanceOf(FeishuError)
    expect(error.message).toMatch(message)
  })

  it('keeps only the printable part of what the server says', async () => {
    const error = await sendFailure({ status: 400, body: JSON.stringify({ code: 230001, msg: 'bad\n::error::injected\r\u2028x', error: { log_id: 'L1\n::warning::x' } }) })
    expect(error.message).not.toMatch(/[\n\r\u2028]/)
    expect(error.msg).toBe('bad ::error::injected x')
    expect(error.logId).toBe('L1 ::warning::x')
  })

  it('never repeats the app secret or the token that Feishu echoes back', async () => {
    const echo = { status: 400, body: JSON.stringify({ code: 99991663, msg: `token t-tok123456 (tok123456) invalid; secret ${SECRET}`, error: { log_id: SECRET } }) }
    const error = await sendFailure(echo, echo)
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('tok123456')
    expect(error.msg).toBe('token *** (***) invalid; secret ***')

    script = [{ status: 200, body: JSON.stringify({ code: 10014, msg: `app secret invalid: ${SECRET}` }) }]
    const { instance } = client()
    const tokenError = await instance.tenantToken().catch((caught: FeishuError) => caught)
    expect(String(tokenError)).not.toContain(SECRET)
    await instance.close()
  })

  it('does not retry a code-0 answer it cannot use', async () => {
    script = [TOKEN_OK, { status: 200, body: JSON.stringify({ code: 0, data: {} }) }]
    const { instance } = client(3)
    await expect(instance.sendMessage(receiver, body)).rejects.toThrow(/without a message id/)
    expect(seen).toBe(2)
    await instance.close()
  })

  it('logs one line per retry with the reason and the wait', async () => {
    script = [TOKEN_OK, { status: 503, body: '{}' }, { status: 429, body: JSON.stringify({ code: 99991400, msg: 'limit' }), headers: { 'x-ogw-ratelimit-reset': '2' } }, { status: 200, body: JSON.stringify({ code: 0, data: { message_id: 'om_9' } }) }]
    const { instance, lines } = client(3)
    await expect(instance.sendMessage(receiver, body)).resolves.toEqual({ messageId: 'om_9', chatId: '' })
    expect(lines).toEqual([
      expect.stringMatching(/^chat_id oc_1: HTTP 503; retry 1 of 3 in 0\.\d s$/),
      expect.stringMatching(/^chat_id oc_1: rate limited \(HTTP 429, code 99991400, x-ogw-ratelimit-reset 2\); retry 2 of 3 in 2\.\d s$/),
    ])
    await instance.close()
  })
})
