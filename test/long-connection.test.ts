// The long-connection client (feishu/long-connection.ts) with the approval responder against the
// fake long-connection server: a click by an approver decides and is recorded on the right gate's
// message; a non-approver's click gets the toast and no record; forged and expired values are
// refused; split frames; a dropped connection reconnects and a click still decides; refused
// discovery and refused handshakes end in the typed error naming the cause; the signal closes the
// socket promptly with nothing left; 5 concurrent clients with random delivery answer every click
// once and each decision lands on its own gate.
import { WebSocket as UndiciWebSocket } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createClickResponder } from '../src/compose/approval-responder.js'
import type { RecordAction } from '../src/compose/approval-click.js'
import { approvalKey, approverHash, gateNonce, signGateValue, type GateValue } from '../src/feishu/approval-value.js'
import { LongConnectionRefused, openLongConnection, type LongConnection } from '../src/feishu/long-connection.js'
import { startFakeFeishuWs } from './fake-feishu-ws.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishuWs>>
const APP = { appId: 'cli_0123456789abcdef', appSecret: 'app-secret-for-tests' }
const KEY = approvalKey(APP.appSecret)
/** Node's own WebSocket where there is one (Node 22+, as the action runs), else undici's, which it is built on. */
const webSocket = globalThis.WebSocket ?? UndiciWebSocket
const nowS = (): number => Math.floor(Date.now() / 1000)

let fake: Fake | undefined
const controllers: AbortController[] = []
afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.abort()
  await fake?.close()
  fake = undefined
})

function gate(overrides: Partial<GateValue> = {}): GateValue {
  return {
    repository: 'octo/app',
    runId: '4242',
    attempt: 1,
    nonce: gateNonce(),
    decision: 'approve',
    expiresAt: nowS() + 600,
    approvers: [approverHash(KEY, 'ou_alice'), approverHash(KEY, 'ou_bob')],
    approvals: 1,
    ...overrides,
  }
}

interface Client {
  connection: LongConnection
  records: RecordAction[]
  lines: string[]
  controller: AbortController
}

function client(f: Fake, options: { secret?: string; firstAttempts?: number } = {}): Client {
  const controller = new AbortController()
  controllers.push(controller)
  const records: RecordAction[] = []
  const lines: string[] = []
  const responder = createClickResponder({
    key: KEY,
    record: (action) => Promise.resolve(void records.push(action)),
    log: (line) => lines.push(line),
  })
  const connection = openLongConnection({
    baseUrl: f.baseUrl,
    appId: APP.appId,
    appSecret: options.secret ?? APP.appSecret,
    signal: controller.signal,
    onCard: (envelope) => responder.onCard(envelope),
    log: (line) => lines.push(line),
    random: () => 0.5,
    webSocket,
    ...(options.firstAttempts !== undefined && { firstAttempts: options.firstAttempts }),
  })
  return { connection, records, lines, controller }
}

describe('long connection with the approval responder', () => {
  it('a click by an approver decides, answered with a toast and the card, recorded on the message', async () => {
    fake = await startFakeFeishuWs(APP)
    const one = client(fake)
    expect(await one.connection.ready).toBe(true)
    const value = signGateValue(KEY, gate({ title: 'Deploy v2.3.0 to production?' }))
    const answer = await fake.deliverClick({ value, operatorOpenId: 'ou_bob', messageId: 'om_gate1', parts: 3 })
    expect(answer.code).toBe(200)
    expect(answer.response.toast).toMatchObject({
      type: 'success',
      content: 'Approved — thank you',
      i18n: { zh_cn: '已批准，谢谢' },
    })
    expect(answer.response.card.type).toBe('raw')
    expect(JSON.stringify(answer.response.card.data)).toContain('Approved by <at id=ou_bob></at>')
    await expect
      .poll(() => one.records)
      .toEqual([
        {
          messageId: 'om_gate1',
          emoji: 'DONE',
          decision: 'approve',
          gate: expect.stringContaining('octo/app#4242.1.'),
        },
      ])
    const again = await fake.deliverClick({ value, operatorOpenId: 'ou_alice', messageId: 'om_gate1' })
    expect(again.response.toast.content).toBe('Already decided')
    expect(one.records).toHaveLength(1)
    expect(fake.problems).toEqual([])
  })

  it("a non-approver's click gets the toast and no record; forged and expired values are refused", async () => {
    fake = await startFakeFeishuWs(APP)
    const one = client(fake)
    await one.connection.ready
    const value = signGateValue(KEY, gate())
    const stranger = await fake.deliverClick({ value, operatorOpenId: 'ou_mallory' })
    expect(stranger.response).toMatchObject({
      toast: { type: 'error', content: 'You are not an approver of this run' },
    })
    expect(stranger.response.card).toBeUndefined()
    const forged = await fake.deliverClick({ value: { ...value, d: 'reject' }, operatorOpenId: 'ou_alice' })
    expect(forged.response.toast.type).toBe('error')
    const otherKey = signGateValue(approvalKey('another app'), gate())
    expect((await fake.deliverClick({ value: otherKey, operatorOpenId: 'ou_alice' })).response.toast.type).toBe('error')
    const expired = signGateValue(KEY, gate({ expiresAt: nowS() - 5 }))
    expect((await fake.deliverClick({ value: expired, operatorOpenId: 'ou_alice' })).response.toast).toMatchObject({
      content: 'This approval request has expired',
    })
    const foreign = await fake.deliverClick({ value: { action: 'deploy' }, operatorOpenId: 'ou_alice' })
    expect(foreign).toMatchObject({ code: 200, response: {} })
    const otherEvent = await fake.deliverClick({
      value,
      operatorOpenId: 'ou_alice',
      eventType: 'im.message.receive_v1',
    })
    expect(otherEvent).toMatchObject({ code: 200, response: undefined })
    expect(one.records).toEqual([])
    expect(fake.problems).toEqual([])
  })

  it('warns once about old-format card frames and does not answer them', async () => {
    fake = await startFakeFeishuWs({ ...APP, answerDeadlineMs: 300 })
    const one = client(fake)
    await one.connection.ready
    await expect(fake.deliverClick({ value: {}, operatorOpenId: 'ou_alice', frameType: 'card' })).rejects.toThrow(
      /not answered/,
    )
    expect(one.lines.join('\n')).toMatch(/add card\.action\.trigger under the callback configuration/)
  })

  it('pings at the server interval and reconnects after a drop; a click then still decides', async () => {
    fake = await startFakeFeishuWs(APP)
    const one = client(fake)
    await one.connection.ready
    await expect.poll(() => fake!.pings()[0] ?? 0, { timeout: 3000 }).toBeGreaterThanOrEqual(2)
    fake.drop()
    await expect.poll(() => fake!.stats.upgrades, { timeout: 5000 }).toBe(2)
    expect(fake.stats.discoveries).toBe(2)
    expect(one.lines).toContain('The long connection to Feishu dropped; reconnecting.')
    const answer = await fake.deliverClick({
      value: signGateValue(KEY, gate({ decision: 'reject' })),
      operatorOpenId: 'ou_alice',
      messageId: 'om_r',
    })
    expect(answer.response.toast.content).toBe('Rejected — thank you')
    await expect.poll(() => one.records.map((record) => record.emoji)).toEqual(['No'])
  })

  it.each([
    ['bad credentials at discovery', (f: Fake) => f, { secret: 'wrong' }, 'credentials', 514],
    [
      'the connection limit at discovery',
      (f: Fake) => (f.failDiscoveries(1000040350), f),
      {},
      'connection-limit',
      1000040350,
    ],
    [
      'a refused handshake',
      (f: Fake) => (f.refuseUpgrades({ status: 514, msg: 'auth failed' }), f),
      {},
      'credentials',
      514,
    ],
    [
      'a handshake over the limit',
      (f: Fake) => (f.refuseUpgrades({ status: 403, msg: 'too many', authErrorCode: 1000040350 }), f),
      {},
      'connection-limit',
      1000040350,
    ],
  ] as const)('%s ends in the typed error naming the cause', async (_name, arrange, options, reason, code) => {
    fake = arrange(await startFakeFeishuWs(APP))
    const one = client(fake, options)
    expect(await one.connection.ready).toBe(false)
    const error = await one.connection.closed
    expect(error).toBeInstanceOf(LongConnectionRefused)
    expect(error).toMatchObject({ reason, code })
    expect(error!.message).not.toContain(APP.appSecret)
  })

  it('passing failures are retried; too many give the unreachable error', async () => {
    fake = await startFakeFeishuWs(APP)
    fake.failDiscoveries(1000040343, 500)
    const one = client(fake)
    expect(await one.connection.ready).toBe(true)
    expect(fake.stats.discoveries).toBe(3)
    one.controller.abort()
    await one.connection.closed
    fake.failDiscoveries(500, 500)
    const two = client(fake, { firstAttempts: 2 })
    expect(await two.connection.closed).toMatchObject({ reason: 'unreachable' })
  })

  it('closes promptly on the signal, leaving no socket behind', async () => {
    fake = await startFakeFeishuWs(APP)
    const one = client(fake)
    await one.connection.ready
    const started = Date.now()
    one.controller.abort()
    expect(await one.connection.closed).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(1500)
    await expect.poll(() => fake!.clients).toBe(0)
  })

  it('5 clients, random delivery: every click answered once, each decision recorded for its own gate', async () => {
    fake = await startFakeFeishuWs(APP)
    const clients = Array.from({ length: 5 }, () => client(fake!))
    await Promise.all(clients.map((each) => each.connection.ready))
    const gates = Array.from({ length: 5 }, (_, index) => ({
      message: `om_gate${index}`,
      value: gate({ runId: String(100 + index) }),
    }))
    const clicks = gates.flatMap(({ message, value }, index) => [
      {
        value: signGateValue(KEY, { ...value, decision: index % 2 ? 'reject' : 'approve' }),
        operatorOpenId: 'ou_alice',
        messageId: message,
      },
      { value: signGateValue(KEY, value), operatorOpenId: 'ou_mallory', messageId: message },
    ])
    const answers = await Promise.all(clicks.map((click) => fake!.deliverClick(click)))
    expect(answers.every((answer) => answer.code === 200 && answer.ms < 3000)).toBe(true)
    expect(new Set(answers.map((answer) => answer.client)).size).toBeGreaterThan(1)
    await expect.poll(() => clients.flatMap((each) => each.records).length).toBe(5)
    const records = clients.flatMap((each) => each.records)
    for (const [index, { message, value }] of gates.entries()) {
      const mine = records.filter((record) => record.messageId === message)
      expect(mine).toEqual([
        {
          messageId: message,
          emoji: index % 2 ? 'No' : 'DONE',
          decision: index % 2 ? 'reject' : 'approve',
          gate: `octo/app#${value.runId}.1.${value.nonce}`,
        },
      ])
    }
    expect(fake.unanswered).toBe(0)
    expect(fake.problems).toEqual([])
  })
})
