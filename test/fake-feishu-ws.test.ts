// The fake long-connection server (fake-feishu-ws.mjs) on its own, driven by the `ws` client
// library and protobufjs (not by the action's code): discovery and its refusals, one-time tickets,
// ping → pong with the ClientConfig, a click answered (and the checks on the answer), split
// frames, a late answer caught, a second answer caught, refused upgrades with Handshake-* headers,
// server-side close, random delivery over several clients.
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeFakeFrame, encodeFakeFrame, startFakeFeishuWs } from './fake-feishu-ws.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishuWs>>
const APP = { appId: 'cli_0123456789abcdef', appSecret: 'secret-1' }
let fake: Fake | undefined
const sockets: WebSocket[] = []
/** Keeps `socket` for the clean-up; a refused or terminated socket's error is expected here. */
function track(socket: WebSocket): WebSocket {
  socket.on('error', () => undefined)
  sockets.push(socket)
  return socket
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate()
  await fake?.close()
  fake = undefined
})

async function discover(f: Fake, body: unknown = { AppID: APP.appId, AppSecret: APP.appSecret }): Promise<any> {
  const response = await fetch(`${f.baseUrl}/callback/ws/endpoint`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', locale: 'zh' },
    body: JSON.stringify(body),
  })
  return response.json()
}

/** A client that answers every data frame with `answer(envelope)` (or not, when it returns undefined). */
async function connect(
  f: Fake,
  answer: (envelope: any) => object | undefined = () => ({ toast: { type: 'info', content: 'ok' } }),
): Promise<WebSocket> {
  const { data } = await discover(f)
  const socket = new WebSocket(data.URL)
  track(socket)
  const parts = new Map<string, Buffer[]>()
  socket.on('message', (bytes: Buffer) => {
    const frame = decodeFakeFrame(bytes)
    const headers = Object.fromEntries(frame.headers.map((h: any) => [h.key, h.value]))
    if (frame.method !== 1) return
    const list = parts.get(headers.message_id) ?? []
    list[Number(headers.seq)] = frame.payload
    parts.set(headers.message_id, list)
    if (list.filter(Boolean).length < Number(headers.sum)) return
    const result = answer(JSON.parse(Buffer.concat(list).toString('utf8')))
    if (result === undefined) return
    const payload = Buffer.from(
      JSON.stringify({ code: 200, data: Buffer.from(JSON.stringify(result)).toString('base64') }),
    )
    socket.send(encodeFakeFrame({ ...frame, headers: [...frame.headers, { key: 'biz_rt', value: '-3' }], payload }))
  })
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)))
  return socket
}

describe('fake long-connection server', () => {
  it('discovers with the right credentials only, and refuses beyond the connection limit', async () => {
    fake = await startFakeFeishuWs({ ...APP, maxConnections: 1 })
    expect((await discover(fake, { AppID: APP.appId, AppSecret: 'wrong' })).code).toBe(514)
    const ok = await discover(fake)
    expect(ok.code).toBe(0)
    expect(ok.data.URL).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/v2\?fpid=1&.*device_id=.*service_id=42/)
    expect(ok.data.ClientConfig).toEqual({
      PingInterval: 1,
      ReconnectCount: 5,
      ReconnectInterval: 1,
      ReconnectNonce: 0,
    })
    await connect(fake)
    expect((await discover(fake)).code).toBe(1000040350)
    fake.failDiscoveries(1000040343, 500)
    expect((await discover(fake)).code).toBe(1000040343)
    expect((await discover(fake)).code).toBe(1000040343)
  })

  it('answers a ping with a pong carrying the ClientConfig, and refuses a used ticket', async () => {
    fake = await startFakeFeishuWs(APP)
    const { data } = await discover(fake)
    const socket = new WebSocket(data.URL)
    track(socket)
    await new Promise((resolve) => socket.once('open', resolve))
    const pong = new Promise<any>((resolve) =>
      socket.once('message', (bytes: Buffer) => resolve(decodeFakeFrame(bytes))),
    )
    socket.send(
      encodeFakeFrame({ SeqID: 0, LogID: 0, service: 42, method: 0, headers: [{ key: 'type', value: 'ping' }] }),
    )
    const frame = await pong
    expect(frame.headers).toEqual([{ key: 'type', value: 'pong' }])
    expect(JSON.parse(frame.payload.toString())).toMatchObject({ PingInterval: 1 })
    expect(fake.pings()).toEqual([1])
    const again = new WebSocket(data.URL)
    track(again)
    const status = await new Promise<number | undefined>((resolve) =>
      again.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
    )
    expect(status).toBe(403)
  })

  it('delivers a click, split into parts, and checks the one answer', async () => {
    fake = await startFakeFeishuWs(APP)
    let seen: any
    await connect(fake, (envelope) => ((seen = envelope), { toast: { type: 'success', content: 'yes' } }))
    const answer = await fake.deliverClick({ value: { a: 1 }, operatorOpenId: 'ou_x', parts: 4, messageId: 'om_1' })
    expect(answer).toMatchObject({ client: 0, code: 200, response: { toast: { content: 'yes' } } })
    expect(seen.header.event_type).toBe('card.action.trigger')
    expect(seen.event).toMatchObject({
      operator: { open_id: 'ou_x' },
      action: { value: { a: 1 } },
      context: { open_message_id: 'om_1' },
    })
    expect(fake.problems).toEqual([])
  })

  it('records a click not answered in time, and an answer sent twice', async () => {
    fake = await startFakeFeishuWs({ ...APP, answerDeadlineMs: 200 })
    await connect(fake, () => undefined)
    await expect(fake.deliverClick({ value: {}, operatorOpenId: 'ou_x' })).rejects.toThrow(/not answered within 200 ms/)
    expect(fake.problems).toEqual(['message msg-1 not answered within 200 ms'])
    fake.problems.length = 0
    const socket = await connect(fake)
    const answer = await fake.deliverClick({ value: {}, operatorOpenId: 'ou_x', client: 1 })
    expect(answer.code).toBe(200)
    socket.send(
      encodeFakeFrame({
        SeqID: 2,
        LogID: 1002,
        service: 42,
        method: 1,
        headers: [{ key: 'message_id', value: 'msg-2' }],
        payload: Buffer.from('{}'),
      }),
    )
    await expect.poll(() => fake!.problems).toEqual(['message msg-2 answered twice'])
  })

  it('refuses upgrades with Handshake-* headers when told, and closes from the server side', async () => {
    fake = await startFakeFeishuWs(APP)
    const socket = await connect(fake)
    const closed = new Promise<number>((resolve) => socket.once('close', resolve))
    fake.drop()
    expect(await closed).toBe(1001)
    await expect.poll(() => fake!.clients).toBe(0)
    fake.refuseUpgrades({ status: 514, msg: 'auth failed', authErrorCode: 1000040350 })
    const { data } = await discover(fake)
    const refused = new WebSocket(data.URL)
    track(refused)
    const headers = await new Promise<Record<string, unknown>>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.headers)),
    )
    expect(headers).toMatchObject({
      'handshake-status': '514',
      'handshake-msg': 'auth failed',
      'handshake-autherrcode': '1000040350',
    })
  })

  it('delivers each click to one of several clients, chosen at random', async () => {
    fake = await startFakeFeishuWs(APP)
    const counts = [0, 0, 0]
    for (const index of [0, 1, 2]) await connect(fake, () => ((counts[index]! += 1), {}))
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => fake!.deliverClick({ value: {}, operatorOpenId: 'ou_x' })),
    )
    expect(counts.reduce((a, b) => a + b)).toBe(30)
    expect(counts.filter((count) => count > 0).length).toBeGreaterThan(1)
    expect(new Set(answers.map((answer) => answer.client)).size).toBeGreaterThan(1)
    expect(fake.problems).toEqual([])
  })
})
