// The custom bot client against a raw loopback server that answers whatever a test scripts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { composeMessage, type OutgoingMessage } from '../../src/compose/message.js'
import { FeishuError } from '../../src/feishu/errors.js'
import type { Content } from '../../src/inputs/config.js'
import { WebhookClient, webhookBody, webhookPayload, webhookSign } from '../../src/feishu/webhook-client.js'
import { startScriptedServer, type ScriptedServer } from './scripted-server.js'
import { runContext } from '../../src/github/context.js'
import { WEBHOOK_BODY_LIMIT, WEBHOOK_ENVELOPE_BYTES } from '../../src/feishu/message.js'

const TOKEN = 'f00dcafe-1111-4222-8333-444455556666'
const SECRET = 'sign-s3cret'
const text: OutgoingMessage = { msgType: 'text', input: 'text', content: { text: 'hi' } }

let server: ScriptedServer
let baseUrl = ''
/** What the hook was sent, bodies parsed. */
const received = () =>
  server.received.map((request) => ({ url: request.url, body: JSON.parse(request.body) as Record<string, unknown> }))

beforeAll(async () => {
  server = await startScriptedServer()
  baseUrl = server.url
})
afterAll(() => server.close())
beforeEach(() => server.reset())

function client(options: { maxRetries?: number; secret?: string; url?: string; now?: () => number } = {}) {
  const lines: string[] = []
  const debug: string[] = []
  const instance = new WebhookClient({
    webhookUrl: options.url ?? `${baseUrl}/open-apis/bot/v2/hook/${TOKEN}`,
    secret: options.secret ?? '',
    timeoutMs: 2000,
    maxRetries: options.maxRetries ?? 0,
    log: (line) => lines.push(line),
    debug: (line) => debug.push(line),
    sleep: async () => {},
    now: options.now,
  })
  return { instance, lines, debug }
}

const OK = {
  status: 200,
  body: JSON.stringify({ StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' }),
}
/** The error a send ends with; fails the test when it succeeds. */
async function failure(instance: WebhookClient): Promise<FeishuError> {
  return instance.send(text).then(
    () => {
      throw new Error('expected the send to fail')
    },
    (caught: FeishuError) => caught,
  )
}
const answer = (code: number, msg: string) => ({ status: 200, body: JSON.stringify({ code, msg, data: {} }) })

describe('webhook payloads (§7.2) and signing (§7.3)', () => {
  it('signs with the §7.3 test vectors', () => {
    expect(webhookSign('1599360473', 'demo')).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=')
    expect(webhookSign('100', 'demo')).toBe('jquNHnVOwmDRfw+vqTIrY5dooJAgi5EcRtLsQE4wfXg=')
  })

  it('maps each message type: content as an object, cards in card, posts wrapped', () => {
    const post = { zh_cn: { title: 'T', content: [] } }
    const card = { elements: [] }
    const template = { type: 'template', data: { template_id: 'AAq1' } }
    expect(webhookPayload(text)).toEqual({ msg_type: 'text', content: { text: 'hi' } })
    expect(webhookPayload({ msgType: 'post', content: post })).toEqual({
      msg_type: 'post',
      content: { post },
    })
    expect(webhookPayload({ msgType: 'interactive', content: card })).toEqual({
      msg_type: 'interactive',
      card,
    })
    expect(webhookPayload({ msgType: 'interactive', content: template })).toEqual({
      msg_type: 'interactive',
      card: template,
    })
  })

  it('adds timestamp (seconds, a string) and sign only with a secret', () => {
    expect(webhookBody(text, '', 1599360473_000)).toEqual({ msg_type: 'text', content: { text: 'hi' } })
    const signed = webhookBody(text, 'demo', 1599360473_999)
    expect(signed).toEqual({
      timestamp: '1599360473',
      sign: 'l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=',
      msg_type: 'text',
      content: { text: 'hi' },
    })
    expect(Object.keys(signed)).toEqual(['timestamp', 'sign', 'msg_type', 'content'])
  })

  it.each<[string, Content]>([
    ['text', { kind: 'text', input: 'text', text: '${big}' }],
    ['post', { kind: 'post', input: 'post', post: { zh_cn: { title: '${big}', content: [] } } }],
    ['card', { kind: 'card', input: 'card', card: { elements: [{ tag: 'markdown', content: '${big}' }] } }],
    ['template', { kind: 'template', input: 'template-id', templateId: 'AAq1', templateVersion: '1.0.0' }],
  ])('a %s message compose lets through is at most 20 KB on the wire, signed', async (_, content) => {
    // The largest filler compose accepts in webhook mode, found by bisection.
    const context = runContext({}, {})
    const messageWith = (size: number) =>
      composeMessage(
        { content, variables: { big: 'x'.repeat(size) }, mode: 'webhook', status: '', title: '', mentions: [] },
        context,
      ).catch(() => undefined)
    let [low, high] = [0, WEBHOOK_BODY_LIMIT]
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      if (await messageWith(middle)) low = middle
      else high = middle - 1
    }
    const body = JSON.stringify(webhookBody((await messageWith(low))!, 'a-long-secret-'.repeat(4), Date.now()))
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(WEBHOOK_BODY_LIMIT)
    expect(Buffer.byteLength(body)).toBeGreaterThan(WEBHOOK_BODY_LIMIT - WEBHOOK_ENVELOPE_BYTES)
  })
})

describe('WebhookClient', () => {
  it('posts to the hook; success is code 0, or StatusCode 0 alone', async () => {
    server.script = [OK, { status: 200, body: JSON.stringify({ StatusCode: 0, StatusMessage: 'success' }) }]
    const { instance } = client()
    await instance.send(text)
    await instance.send(text)
    expect(received().map((request) => request.url)).toEqual([
      `/open-apis/bot/v2/hook/${TOKEN}`,
      `/open-apis/bot/v2/hook/${TOKEN}`,
    ])
    expect(received()[0]!.body).toEqual({ msg_type: 'text', content: { text: 'hi' } })
    await instance.close()
  })

  it.each([
    [
      19021,
      'sign match fail or timestamp is not within one hour from current time',
      /Feishu code 19021: the custom bot refused the signature.*Fix: set `webhook-secret`/,
    ],
    [
      19022,
      'Ip Not Allowed',
      /Feishu code 19022: the runner's IP address is not in the custom bot's IP allowlist\. Fix: GitHub-hosted runners have no fixed IP/,
    ],
    [
      19024,
      'Key Words Not Found',
      /Feishu code 19024: the message contains none of the custom bot's keywords\. Fix: put one of the keywords/,
    ],
    [9499, 'Bad Request', /Feishu code 9499: the custom bot refused the request as malformed or too large/],
    [
      19001,
      'param invalid: incoming webhook access token invalid',
      /Feishu code 19001: Feishu does not know this hook/,
    ],
  ])('%i on HTTP 200 fails with its fix, not retried', async (code, msg, message) => {
    server.script = [answer(code, msg)]
    const { instance } = client({ maxRetries: 3 })
    const error = await failure(instance)
    expect(error).toBeInstanceOf(FeishuError)
    expect(error.message).toMatch(message)
    expect(error.code).toBe(code)
    expect(server.received).toHaveLength(1)
    await instance.close()
  })

  it('retries 11232, 2200, a 5xx carrying a Feishu code and a legacy StatusCode failure; each attempt signed afresh', async () => {
    let clock = 1_700_000_000_000
    server.script = [
      answer(11232, 'frequency limited'),
      answer(2200, 'internal error'),
      { status: 503, body: '{"code":1500,"msg":"busy"}' },
      OK,
    ]
    const { instance, lines } = client({ maxRetries: 3, secret: SECRET, now: () => (clock += 2000) })
    await instance.send(text)
    expect(lines).toEqual([
      expect.stringMatching(/^custom bot webhook: throttled \(code 11232\); retry 1 of 3 in [12]\.\d s$/),
      expect.stringMatching(/^custom bot webhook: Feishu internal error \(code 2200\); retry 2 of 3 in \d\.\d s$/),
      expect.stringMatching(/^custom bot webhook: Feishu internal error \(code 1500\); retry 3 of 3 in \d\.\d s$/),
    ])
    const timestamps = received().map((request) => request.body.timestamp as string)
    expect(new Set(timestamps).size).toBe(4)
    for (const request of received())
      expect(request.body.sign).toBe(webhookSign(request.body.timestamp as string, SECRET))
    await instance.close()
  })

  it('does not resend after a bare 5xx: the message may have arrived, and a custom bot has no uuid', async () => {
    server.script = [{ status: 502, body: '{}' }, OK]
    const { instance, lines } = client({ maxRetries: 3 })
    const error = await failure(instance)
    expect(lines).toEqual([])
    expect(received()).toHaveLength(1)
    expect(error.final).toBe(true)
    expect(error.fix).toBe(
      'the message may have arrived all the same: a custom bot takes no idempotency key, so the action does not send it again; check the group, and re-run only if it is not there',
    )
    await instance.close()
  })

  it('never repeats the hook token or the secret: not from an echo, a debug line or a network error', async () => {
    server.script = [answer(19021, `bad sign for https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN} with ${SECRET}`)]
    const { instance, debug } = client({ secret: SECRET })
    const error = await failure(instance)
    expect(error.msg).toBe('bad sign for https://open.feishu.cn/open-apis/bot/v2/hook/*** with ***')
    expect(debug).toEqual(['POST /open-apis/bot/v2/hook/***: HTTP 200, code 19021'])
    await instance.close()

    const closed = client({ url: `http://127.0.0.1:9/open-apis/bot/v2/hook/${TOKEN}` })
    const unreachable = await failure(closed.instance)
    expect(unreachable.message).toMatch(
      /^could not reach 127\.0\.0\.1:9 \(ECONNREFUSED\)\. Fix: check `webhook` and that the runner can reach it/,
    )
    expect(String(unreachable)).not.toContain(TOKEN)
    await closed.instance.close()
  })
})
