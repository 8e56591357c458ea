// The four classes an adversarial pass found, end to end through dist/ on the fake: a run
// cancelled in the middle of a fan-out (SIGTERM), secrets quoted back in other spellings, event
// text in the job summary, and ids of absurd size.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { eventEnv, examplePayload } from './github-events.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const SEND = '/open-apis/im/v1/messages'
const TOKEN = '/open-apis/auth/v3/tenant_access_token/internal'
const CHATS = ['oc_1', 'oc_2', 'oc_3', 'oc_4', 'oc_5', 'oc_6']

describe.each(RUNTIMES)('adversarial cases on $name', ({ bin }) => {
  let fake: Fake
  const run = (
    inputs: Record<string, string>,
    more: Partial<Parameters<typeof runAction>[0]> = {},
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      ...more,
      inputs: { 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: fake.url, text: 'deploy', ...inputs },
    })
  const sends = () => fake.requests.filter((request) => request.path === SEND)

  beforeAll(async () => {
    fake = await startFakeFeishu()
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  describe('SIGTERM in the middle of a fan-out to 6 chats', () => {
    it('reports the 3 delivered, names the 3 not reached, fails; the same attempt again reaches only those 3', async () => {
      // Two answered at once, one answered 1 s later (after the signal, within the grace), three never.
      fake.inject({ path: SEND, method: 'POST', skip: 2, times: 1, action: 'delay', delayMs: 1000 })
      fake.inject({ path: SEND, method: 'POST', times: 3, action: 'hang' })
      let signalled = 0
      const cancelled = await run(
        { 'chat-id': CHATS.join(',') },
        {
          onSpawn: (child) => {
            const poll = setInterval(() => {
              if (fake.messages.length === 2 && sends().length === 6) {
                clearInterval(poll)
                signalled = Date.now()
                child.kill('SIGTERM')
              }
            }, 20)
            child.on('close', () => clearInterval(poll))
          },
        },
      )
      expect(signalled).toBeGreaterThan(0)
      expect(cancelled.exitCode).not.toBe(0)
      expect(cancelled.stderr).toBe('')
      // The one in flight got its answer within the grace: 3 delivered.
      expect(fake.messages).toHaveLength(3)
      const delivered = fake.messages.map((message) => message.chat_id)
      const missed = CHATS.filter((chat) => !delivered.includes(chat))
      expect(missed).toHaveLength(3)

      const ids = JSON.parse(cancelled.outputs['message-ids']!) as string[]
      expect(ids.filter(Boolean).sort()).toEqual(fake.messages.map((message) => message.message_id).sort())
      const results = JSON.parse(cancelled.outputs.results!) as { receive_id: string; status: string; ok: boolean }[]
      expect(results.map((result) => result.receive_id)).toEqual(CHATS)
      for (const result of results)
        expect(result.status).toBe(delivered.includes(result.receive_id) ? 'sent' : 'unconfirmed')
      for (const message of fake.messages) expect(cancelled.stdout).toContain(message.message_id)

      const line = `Cancelled (SIGTERM) after delivering to 3 of 6 receiver(s); not reached: ${missed.map((chat) => `chat_id ${chat} (sent, no answer: it may have arrived)`).join(', ')}.`
      expect(cancelled.stdout).toContain(`::error::${line}`)
      expect(cancelled.stdout.split('\n').filter((text) => text.startsWith('::error::'))).toHaveLength(1)
      expect(cancelled.summary).toContain(`⛔ Cancelled (SIGTERM) after delivering to 3 of 6 receiver(s)`)
      expect(cancelled.summary).toContain('| Receiver | Result | Message id |')

      // The runner's retry of the step (same run id and attempt): the uuids are the same, so the
      // fake (as Feishu) answers the 3 delivered with their messages and stores only the other 3.
      const again = await run({ 'chat-id': CHATS.join(',') })
      expect(again.exitCode).toBe(0)
      expect(fake.messages).toHaveLength(6)
      expect(fake.messages.map((message) => message.chat_id).sort()).toEqual(CHATS)
      expect(
        fake.messages
          .slice(3)
          .map((message) => message.chat_id)
          .sort(),
      ).toEqual([...missed].sort())
      const againIds = JSON.parse(again.outputs['message-ids']!) as string[]
      CHATS.forEach((chat, index) => {
        if (ids[index]) expect(againIds[index]).toBe(ids[index])
      })
    }, 30_000)

    it('a signal before any send sends nothing and says so', async () => {
      fake.inject({ path: TOKEN, method: 'POST', action: 'hang' })
      const cancelled = await run(
        { 'chat-id': CHATS.join(',') },
        {
          onSpawn: (child) => {
            const poll = setInterval(() => {
              if (fake.requests.some((request) => request.path === TOKEN)) {
                clearInterval(poll)
                child.kill('SIGINT')
              }
            }, 20)
            child.on('close', () => clearInterval(poll))
          },
        },
      )
      expect(cancelled.exitCode).not.toBe(0)
      expect(sends()).toHaveLength(0)
      expect(cancelled.stdout).toContain(
        '::error::Cancelled (SIGINT) after delivering to 0 of 6 receiver(s); not reached: chat_id oc_1, ',
      )
      const results = JSON.parse(cancelled.outputs.results!) as { status: string }[]
      expect(results.map((result) => result.status)).toEqual(Array(6).fill('not_sent'))
    }, 30_000)
  })

  describe('secrets quoted back in other spellings', () => {
    const SECRET = 'pa/ss+w=rd:é"x'
    it.each([false, true])('are hidden in the log, the outputs and the summary (debug %s)', async (debug) => {
      const quoted = [
        encodeURIComponent(SECRET),
        JSON.stringify(SECRET).slice(1, -1),
        Buffer.from(SECRET).toString('base64'),
      ]
      fake.inject({
        path: TOKEN,
        method: 'POST',
        status: 400,
        body: { code: 10003, msg: `invalid app_secret ${quoted.join(' / ')}` },
      })
      const result = await run({ 'chat-id': 'oc_1', 'app-secret': SECRET }, { debug })
      expect(result.exitCode).not.toBe(0)
      // The fake answered with the percent-encoded, JSON-escaped and base64 forms; none shows.
      const visible = visibleOutput(result)
      expect(visible).toContain('invalid app_secret *** / *** / ***')
      for (const form of [SECRET, ...quoted]) expect(visible).not.toContain(form)
      // The runner is given every spelling to mask in the log.
      const masks = result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))
      for (const form of quoted) expect(masks).toContain(`::add-mask::${form.replace(/%/g, '%25')}`)
    })

    it('a custom bot signing secret quoted percent-encoded and in base64', async () => {
      const signing = 'sig/n+secret=é'
      const forms = [encodeURIComponent(signing), Buffer.from(signing).toString('base64')]
      fake.inject({
        path: '/open-apis/bot/v2/hook/',
        method: 'POST',
        status: 200,
        body: {
          code: 19021,
          msg: `sign match fail or timestamp is not within one hour from current time ${forms.join(' ')}`,
        },
      })
      const result = await runAction({
        node: bin,
        inputs: { webhook: `${fake.url}/open-apis/bot/v2/hook/demo-hook-token`, 'webhook-secret': signing, text: 'hi' },
      })
      expect(result.exitCode).not.toBe(0)
      const visible = visibleOutput(result)
      expect(visible).toContain('sign match fail or timestamp is not within one hour from current time *** ***')
      for (const form of [signing, ...forms]) expect(visible).not.toContain(form)
    })
  })

  it('a hostile release name reaches the summary as text: no remote image, link, HTML or mention', async () => {
    const payload = examplePayload('release', 'published')
    payload.release.name = 'Krypton ![x](https://evil.example/p.png) [go](https://evil.example) <img src=x> @octocat'
    payload.release.body = ''
    const result = await runAction({
      node: bin,
      event: { name: 'release', payload },
      env: eventEnv('release', payload),
      inputs: { 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: fake.url, 'chat-id': 'oc_1' },
    })
    expect(result.exitCode).toBe(0)
    expect(result.summary).toContain('Krypton')
    expect(result.summary).not.toContain('](https://evil.example')
    expect(result.summary).not.toMatch(/<img|@octocat|https:\/\/evil/)
  })

  describe('ids of absurd size', () => {
    it('a 100,000-character chat id is an input error naming `chat-id`, before any request, echoed bounded', async () => {
      const result = await run({ 'chat-id': `oc_${'a'.repeat(100_000 - 3)}` })
      expect(result.exitCode).not.toBe(0)
      expect(fake.requests).toHaveLength(0)
      const error = result.stdout.split('\n').find((line) => line.startsWith('::error::'))
      expect(error).toMatch(
        /^::error::Input `chat-id`: "oc_a+… \(\d+ more characters\)" is not a valid chat_id: it is 100000 characters long/,
      )
      expect(result.stdout.length).toBeLessThan(5_000)
      expect(result.summary.length).toBeLessThan(2_000)
      expect(JSON.stringify(result.outputs).length).toBeLessThan(2_000)
    })
  })
})
