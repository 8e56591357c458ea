// A cancelled run (manualCancellation, as SIGTERM would) against the fake Feishu server: no send
// starts after the signal, waits end at once, sends in flight get the grace, and every receiver
// ends with a result saying which it was. The backstop exits a run that still hangs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualCancellation } from '../../src/base/cancel.js'
import { cancelBackstop } from '../../src/base/cancel-backstop.js'
import { FeishuClient } from '../../src/feishu/client.js'
import { deliver } from '../../src/feishu/deliver.js'
import { planAppDelivery } from '../../src/feishu/plan.js'
import { cancelledLine, resultStatus } from '../../src/report/cancelled.js'
import { startFakeFeishu } from '../fake-feishu.mjs'

const SEND = '/open-apis/im/v1/messages'
const CHATS = Array.from({ length: 40 }, (_, index) => `oc_c${index}`)
let fake: Awaited<ReturnType<typeof startFakeFeishu>>

beforeAll(async () => {
  fake = await startFakeFeishu({ chats: CHATS })
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

function setUp(maxRetries = 0) {
  const cancellation = manualCancellation()
  const client = new FeishuClient({
    baseUrl: fake.url,
    appId: 'cli_test',
    appSecret: 'test-secret',
    timeoutMs: 20_000,
    maxRetries,
    onSecret: () => {},
    log: () => {},
    cancellation,
  })
  const plan = planAppDelivery({
    baseUrl: fake.url,
    receivers: CHATS.map((receiveId) => ({ receiveId, receiveIdType: 'chat_id' as const })),
    updateMessageId: '',
    replyTo: '',
    replyInThread: false,
    uuid: '',
    message: { msgType: 'text', content: { text: 'x' } },
    step: ['run', '1', 'job', 'step'],
  })
  return { cancellation, client, plan }
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('a delivery cancelled part way', () => {
  it('starts no send after the signal; those in flight get the grace, then end unconfirmed', async () => {
    fake.inject({ path: SEND, method: 'POST', times: 1000, action: 'hang' })
    const { cancellation, client, plan } = setUp()
    const done = deliver({ client, plan, cancellation })
    await until(() => fake.requests.filter((request) => request.path === SEND).length === 16)
    const signalled = Date.now()
    cancellation.cancel('SIGTERM')
    const results = await done
    const elapsed = Date.now() - signalled
    await client.close()
    // 16 were in flight (the fan-out's concurrency); the other 24 never started.
    expect(fake.requests.filter((request) => request.path === SEND)).toHaveLength(16)
    const statuses = results.map(resultStatus)
    expect(statuses.filter((status) => status === 'unconfirmed')).toHaveLength(16)
    expect(statuses.filter((status) => status === 'not_sent')).toHaveLength(24)
    expect(results.every((result) => result.stage === 'cancelled')).toBe(true)
    expect(elapsed).toBeGreaterThanOrEqual(2900)
    expect(cancelledLine(results, 'SIGTERM')).toMatch(
      /^Cancelled \(SIGTERM\) after delivering to 0 of 40 receiver\(s\); not reached: chat_id oc_c0 \(sent, no answer: it may have arrived\), .*, and 20 more \(see the results output\)\. Running the step again/,
    )
  }, 20_000)

  it('an answer that comes within the grace counts as delivered', async () => {
    fake.inject({ path: SEND, method: 'POST', times: 1000, action: 'delay', delayMs: 500 })
    const { cancellation, client, plan } = setUp()
    const done = deliver({ client, plan, cancellation })
    await until(() => fake.requests.filter((request) => request.path === SEND).length === 16)
    cancellation.cancel('SIGINT')
    const results = await done
    await client.close()
    expect(results.filter((result) => result.ok)).toHaveLength(16)
    expect(results.filter((result) => !result.ok).map(resultStatus)).toEqual(Array(24).fill('not_sent'))
    expect(fake.messages).toHaveLength(16)
  }, 20_000)

  it('a retry wait ends at once, and no retry is sent', async () => {
    fake.inject({ path: SEND, method: 'POST', times: 1000, status: 500 })
    const { cancellation, client, plan } = setUp(5)
    const done = deliver({ client, plan: { ...plan, targets: plan.targets.slice(0, 1) }, cancellation })
    await until(() => fake.requests.some((request) => request.path === SEND))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const signalled = Date.now()
    cancellation.cancel('SIGTERM')
    const [result] = await done
    await client.close()
    expect(Date.now() - signalled).toBeLessThan(500)
    expect(fake.requests.filter((request) => request.path === SEND)).toHaveLength(1)
    expect(resultStatus(result!)).toBe('not_sent')
    expect(result!.error?.message).toContain('not sent: the run was cancelled (SIGTERM) before this request started')
  })
})

describe('the backstop', () => {
  it('exits non-zero with one line when a cancelled run does not finish in time; never when not cancelled', async () => {
    const lines: string[] = []
    const codes: number[] = []
    const quiet = manualCancellation()
    cancelBackstop(quiet, { onExpire: (line) => lines.push(line), exit: (code) => codes.push(code), afterMs: 20 })
    const cancellation = manualCancellation()
    cancelBackstop(cancellation, {
      onExpire: (line) => lines.push(line),
      exit: (code) => codes.push(code),
      afterMs: 20,
    })
    cancellation.cancel('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(codes).toEqual([1])
    expect(lines).toEqual(['Cancelled (SIGTERM): the step did not finish within 0.02 s of the signal; exiting now.'])
  })

  it('stop() before a signal: a later signal starts nothing', async () => {
    const codes: number[] = []
    const cancellation = manualCancellation()
    cancelBackstop(cancellation, { onExpire: () => {}, exit: (code) => codes.push(code), afterMs: 10 }).stop()
    cancellation.cancel()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(codes).toEqual([])
  })
})
