// Delivery under faults, end to end: dist/index.js against the fake Feishu server with scripted
// faults. For each: how many attempts, the waits the action logged, that exactly one message was
// stored per receiver, and the step's result.
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { startForwardProxy } from './forward-proxy.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const SEND = '/open-apis/im/v1/messages'
const TOKEN = '/open-apis/auth/v3/tenant_access_token/internal'
const CERT = new URL('./fixtures/loopback-cert.pem', import.meta.url).pathname

describe.each(RUNTIMES)('delivery on $name', ({ bin }) => {
  let fake: Fake
  const run = (
    inputs: Record<string, string>,
    env: Record<string, string> = {},
    domain = fake.url,
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      env,
      inputs: {
        'app-id': 'cli_test',
        'app-secret': 'test-secret',
        domain,
        'chat-id': 'oc_1',
        text: 'deploy ${ref_name}',
        ...inputs,
      },
    })
  const sends = () => fake.requests.filter((request) => request.path === SEND)
  const retryLines = (result: ActionRun) =>
    result.stdout.split('\n').filter((line) => / retry \d+ of \d+ in /.test(line))

  function expectOnceAndGreen(result: ActionRun, attempts: number): void {
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toContain('::error::')
    expect(result.exitCode).toBe(0)
    expect(fake.messages).toHaveLength(1)
    expect(sends()).toHaveLength(attempts)
    expect(new Set(sends().map((request) => request.body?.uuid)).size).toBe(1)
    expect(JSON.parse(result.outputs.results!)[0]).toMatchObject({ ok: true, message_id: fake.messages[0]!.message_id })
  }

  beforeAll(async () => {
    fake = await startFakeFeishu()
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it.each([
    ['HTTP 500', { status: 500 }],
    ['HTTP 502 with an HTML page', { status: 502, body: undefined as unknown as Record<string, unknown> }],
    ['HTTP 503', { status: 503, body: { code: 1500, msg: 'internal error' } }],
    ['internal code 2200 on HTTP 200', { status: 200, body: { code: 2200, msg: 'Internal Error' } }],
    ['a socket reset', { action: 'reset' as const }],
  ])('%s once: retried once, stored once, green', async (_, fault) => {
    fake.inject({ path: SEND, ...fault })
    const result = await run({})
    expectOnceAndGreen(result, 2)
    expect(retryLines(result)).toEqual([expect.stringMatching(/^chat_id oc_1: .+; retry 1 of 3 in 0\.\d s$/)])
  })

  it('a lost response (stored, then the connection drops): the retry carries the same uuid and nothing is stored twice', async () => {
    fake.inject({ path: SEND, action: 'reset-after' })
    const result = await run({})
    expectOnceAndGreen(result, 2)
    expect(result.outputs['message-id']).toBe(fake.messages[0]!.message_id)
  })

  it('a request that never answers: timed out, retried, stored once', async () => {
    fake.inject({ path: SEND, action: 'hang' })
    const started = Date.now()
    const result = await run({ timeout: '1' })
    expectOnceAndGreen(result, 2)
    expect(retryLines(result)[0]).toMatch(/no answer from 127\.0\.0\.1:\d+ within 1 s; retry 1 of 3/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
  })

  it('HTTP 429 with x-ogw-ratelimit-reset: waits that long, then sends once', async () => {
    fake.inject({ path: SEND, status: 429, headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' } })
    const result = await run({})
    expectOnceAndGreen(result, 2)
    expect(retryLines(result)).toEqual([
      expect.stringMatching(
        /rate limited \(HTTP 429, code 99991400, x-ogw-ratelimit-reset 1\); retry 1 of 3 in 1\.\d s$/,
      ),
    ])
    expect(sends()[1]!.time - sends()[0]!.time).toBeGreaterThanOrEqual(1000)
  })

  it('230020 (chat limit): backs off at least a second, then sends once', async () => {
    fake.inject({
      path: SEND,
      status: 400,
      body: { code: 230020, msg: 'This operation triggers the frequency limit.' },
    })
    const result = await run({})
    expectOnceAndGreen(result, 2)
    expect(retryLines(result)[0]).toMatch(/throttled \(code 230020\); retry 1 of 3 in 1\.\d s$/)
    expect(sends()[1]!.time - sends()[0]!.time).toBeGreaterThanOrEqual(1000)
  })

  it('a token that expires mid-run: one new token, the message resent and stored once', async () => {
    fake.inject({ path: SEND, action: 'expire-token' })
    const result = await run({})
    expectOnceAndGreen(result, 2)
    expect(fake.requests.filter((request) => request.path === TOKEN)).toHaveLength(2)
    expect(sends()[0]!.response).toMatchObject({ code: 99991663 })
    expect(sends()[1]!.headers.authorization).toBe(`Bearer ${fake.tokens[1]}`)
    expect(result.stdout).toContain('The tenant token was refused (code 99991663); fetching a new one.')
    expect(visibleOutput(result)).not.toContain(fake.tokens[1])
  })

  it('a token refused again after the refresh: fails without looping', async () => {
    fake.inject({ path: SEND, action: 'expire-token', times: 2 })
    const result = await run({})
    expect(result.exitCode).toBe(1)
    expect(fake.requests.filter((request) => request.path === TOKEN)).toHaveLength(2)
    expect(sends()).toHaveLength(2)
    expect(result.stdout).toMatch(/::error::.*chat_id oc_1: Feishu code 99991663/)
  })

  it('a token that expires under many concurrent sends: one new token, each message stored once', async () => {
    const chats = ['oc_1', 'oc_2', 'oc_3', 'oc_4', 'oc_5', 'oc_6']
    fake.inject({ path: SEND, action: 'expire-token' })
    const result = await run({ 'chat-id': chats.join(',') })
    expect(result.exitCode).toBe(0)
    expect(fake.requests.filter((request) => request.path === TOKEN)).toHaveLength(2)
    expect(fake.messages.map((message) => message.chat_id).sort()).toEqual(chats)
  })

  it('a token that cannot be renewed: final, said plainly, not retried per receiver', async () => {
    fake.inject({ path: SEND, action: 'expire-token' })
    fake.inject({ path: TOKEN, skip: 1, status: 200, body: { code: 10014, msg: 'app secret invalid' } })
    const result = await run({ 'chat-id': 'oc_1, oc_2', 'max-retries': '3' })
    expect(result.exitCode).toBe(1)
    expect(fake.requests.filter((request) => request.path === TOKEN)).toHaveLength(2)
    expect(retryLines(result)).toEqual([])
    expect(result.stdout).toMatch(
      /- chat_id oc_1: Feishu code 10014: could not get a new tenant access token: the app secret is wrong/,
    )
  })

  it('a flaky token endpoint is retried too', async () => {
    fake.inject({ path: TOKEN, status: 503 })
    expectOnceAndGreen(await run({}), 1)
    expect(fake.requests.filter((request) => request.path === TOKEN)).toHaveLength(2)
  })

  it('retries run out: red, naming the receiver, the last error and what to do; other receivers delivered', async () => {
    fake.inject({ path: SEND, status: 503, times: 3, body: { code: 1500, msg: 'internal error' } })
    const result = await run({ 'chat-id': 'oc_1', 'max-retries': '2' })
    expect(result.exitCode).toBe(1)
    expect(sends()).toHaveLength(3)
    expect(retryLines(result)).toHaveLength(2)
    expect(result.stdout).toMatch(
      /::error::1 of 1 receiver\(s\) did not get the message:%0A- chat_id oc_1: Feishu code 1500: Feishu internal error\. Fix: try again later \(msg "internal error", HTTP 503, log_id \w+, gave up after 3 attempts\)/,
    )
    expect(fake.messages).toHaveLength(0)

    fake.reset()
    fake.inject({ path: SEND, status: 503, times: 4 })
    const mixed = await run({ 'chat-id': 'oc_1, oc_2, oc_3', 'max-retries': '1' })
    expect(mixed.exitCode).toBe(1)
    // Four 503s for six attempts at most: which receivers fail depends on timing, but each ends
    // either stored exactly once or named in the failure with its reason.
    const results = JSON.parse(mixed.outputs.results!) as { receive_id: string; ok: boolean; message_id: string }[]
    const delivered = results.filter((entry) => entry.ok)
    const failed = results.filter((entry) => !entry.ok)
    expect(delivered.length).toBeGreaterThanOrEqual(1)
    expect(failed.length).toBeGreaterThanOrEqual(1)
    expect(fake.messages.map((message) => message.chat_id).sort()).toEqual(
      delivered.map((entry) => entry.receive_id).sort(),
    )
    for (const entry of delivered)
      expect(fake.messages.find((message) => message.chat_id === entry.receive_id)!.message_id).toBe(entry.message_id)
    const error = mixed.stdout.split('\n').find((line) => line.startsWith('::error::'))!
    expect(error).toContain(`${failed.length} of 3 receiver(s) did not get the message`)
    for (const entry of failed)
      expect(error).toMatch(
        new RegExp(
          `- chat_id ${entry.receive_id}: Feishu code 1500: Feishu internal error.*HTTP 503.*gave up after 2 attempts`,
        ),
      )
  })

  it('never retries the monthly quota (99991403) and says so plainly', async () => {
    fake.inject({
      path: SEND,
      status: 429,
      body: { code: 99991403, msg: "This month's API call quota has been exceeded" },
    })
    const result = await run({})
    expect(result.exitCode).toBe(1)
    expect(sends()).toHaveLength(1)
    expect(result.stdout).toMatch(
      /Feishu code 99991403: the tenant's monthly API quota is used up .*Fix: wait for the quota to reset on the 1st of the month, or upgrade the Feishu plan/,
    )
  })

  it('never retries credential or permission errors', async () => {
    const result = await run({ 'app-secret': 'wrong' })
    expect(result.exitCode).toBe(1)
    expect(fake.requests).toHaveLength(1)
    const notMember = await run({ 'chat-id': 'oc_nobody' })
    expect(notMember.exitCode).toBe(1)
    expect(sends()).toHaveLength(1)
  })

  it('max-retries 0 sends each request once', async () => {
    fake.inject({ path: SEND, status: 500 })
    const result = await run({ 'max-retries': '0' })
    expect(result.exitCode).toBe(1)
    expect(sends()).toHaveLength(1)
  })

  describe('through a proxy', () => {
    let proxy: Awaited<ReturnType<typeof startForwardProxy>>
    beforeAll(async () => {
      proxy = await startForwardProxy()
    })
    afterAll(() => proxy.close())
    beforeEach(() => {
      proxy.requests.length = 0
    })

    it('HTTP_PROXY: http requests go through it in absolute form', async () => {
      const result = await run({}, { HTTP_PROXY: proxy.url })
      expectOnceAndGreen(result, 1)
      expect(proxy.requests.map((request) => [request.kind, request.target])).toEqual([
        ['forward', `${fake.url}${TOKEN}`],
        ['forward', `${fake.url}${SEND}?receive_id_type=chat_id`],
      ])
      expect(result.stdout).toContain(`proxy ${proxy.url} from HTTP_PROXY`)
    })

    it('NO_PROXY: listed hosts are reached directly', async () => {
      const result = await run({}, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1' })
      expectOnceAndGreen(result, 1)
      expect(proxy.requests).toHaveLength(0)
    })

    it('the proxy input overrides the environment, and its password never shows', async () => {
      const guarded = await startForwardProxy({
        requireAuth: `Basic ${Buffer.from('ci:s3cret-pw').toString('base64')}`,
      })
      try {
        const result = await run(
          { proxy: guarded.url.replace('http://', 'http://ci:s3cret-pw@') },
          { HTTP_PROXY: 'http://127.0.0.1:9' },
        )
        expectOnceAndGreen(result, 1)
        expect(guarded.requests.map((request) => request.kind)).toEqual(['forward', 'forward'])
        expect(visibleOutput(result)).not.toContain('s3cret-pw')
        expect(result.stdout).toContain(`proxy ${guarded.url} from the \`proxy\` input`)
      } finally {
        await guarded.close()
      }
    })

    it('lower-case http_proxy works too', async () => {
      expectOnceAndGreen(await run({}, { http_proxy: proxy.url }), 1)
      expect(proxy.requests).toHaveLength(2)
    })

    it('a proxy that wants a password: final, named, not retried', async () => {
      const guarded = await startForwardProxy({ requireAuth: 'Basic Y2k6cmlnaHQ=' })
      try {
        const result = await run({ proxy: guarded.url.replace('http://', 'http://ci:wrong-pw@') })
        expect(result.exitCode).toBe(1)
        expect(guarded.requests).toHaveLength(1)
        expect(fake.requests).toHaveLength(0)
        expect(result.stdout).toContain(
          `the proxy ${guarded.url} refused to forward the request to ${fake.url.replace('http://', '')} (HTTP 407). Fix: check the user and password in the proxy URL`,
        )
        expect(visibleOutput(result)).not.toContain('wrong-pw')
      } finally {
        await guarded.close()
      }
    })

    it('a proxy that is not there: says a proxy is configured', async () => {
      const result = await run({ 'max-retries': '0' }, { HTTP_PROXY: 'http://127.0.0.1:9' })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(
        /could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(a proxy is configured: http:\/\/127\.0\.0\.1:9\)\. Fix: check the proxy is running/,
      )
    })

    it('a malformed proxy in the environment: one line naming the variable, before any request', async () => {
      const result = await run({}, { HTTP_PROXY: 'http://ci:s3cret@proxy host:3128' })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(
        '::error::Input `proxy`: comes from HTTP_PROXY in the environment, which is not a proxy URL',
      )
      expect(visibleOutput(result)).not.toContain('s3cret')
      expect(fake.requests).toHaveLength(0)
    })

    it('a proxy password with a bare %: one line naming the input and the fix, before any request', async () => {
      const result = await run({ proxy: `http://ci:50%zzoff@127.0.0.1:9` })
      expect(result.exitCode).toBe(1)
      // Workflow commands escape % as %25; the runner shows the line decoded.
      const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'))
      expect(errors.map((line) => line.replace(/%25/g, '%'))).toEqual([
        '::error::Input `proxy`: is not a proxy URL (its user or password holds a % that does not start a %XX escape; write % as %25)',
      ])
      expect(visibleOutput(result)).not.toContain('50%zzoff')
      expect(fake.requests).toHaveLength(0)
    })

    it('HTTPS_PROXY: https requests tunnel through it with CONNECT', async () => {
      const tlsFake = await startFakeFeishu({
        tls: {
          key: readFileSync(new URL('./fixtures/loopback-key.pem', import.meta.url), 'utf8'),
          cert: readFileSync(CERT, 'utf8'),
        },
      })
      try {
        const result = await run({}, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: CERT }, tlsFake.url)
        expect(result.stdout).not.toContain('::error::')
        expect(result.exitCode).toBe(0)
        expect(tlsFake.messages).toHaveLength(1)
        const authority = tlsFake.url.replace('https://', '')
        // undici may open a tunnel per connection; every one must be a CONNECT to Feishu's host.
        expect(proxy.requests.length).toBeGreaterThanOrEqual(1)
        for (const request of proxy.requests) expect([request.kind, request.target]).toEqual(['CONNECT', authority])
      } finally {
        await tlsFake.close()
      }
    })

    it.each([
      ['accepts the connection and never answers its CONNECT', 'silent'],
      ['answers CONNECT, then stalls the TLS handshake', 'tunnel-then-silent'],
    ] as const)('a proxy that %s: the timeout holds, one clear line', async (_, behaviour) => {
      // A TCP listener on loopback that plays a stuck proxy; every socket it takes is closed at the end.
      const sockets = new Set<Socket>()
      const stuck = createServer((socket) => {
        sockets.add(socket)
        socket.on('error', () => undefined)
        if (behaviour === 'tunnel-then-silent')
          socket.once('data', () => socket.write('HTTP/1.1 200 Connection established\r\n\r\n'))
      })
      await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve))
      const port = (stuck.address() as AddressInfo).port
      try {
        const started = Date.now()
        const result = await run(
          { timeout: '1', 'max-retries': '0', proxy: `http://127.0.0.1:${port}` },
          {},
          'https://127.0.0.1:9',
        )
        const seconds = (Date.now() - started) / 1000
        expect(result.exitCode).toBe(1)
        expect(seconds).toBeLessThan(8)
        expect(result.stderr).toBe('')
        expect(result.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toHaveLength(1)
        expect(result.stdout).toMatch(/no answer from 127\.0\.0\.1:9 within 1 s/)
      } finally {
        for (const socket of sockets) socket.destroy()
        await new Promise((resolve) => stuck.close(resolve))
      }
    })

    it('HTTPS_PROXY that wants a password: CONNECT refused, final, named', async () => {
      const guarded = await startForwardProxy({ requireAuth: 'Basic Y2k6cmlnaHQ=' })
      const tlsFake = await startFakeFeishu({
        tls: {
          key: readFileSync(new URL('./fixtures/loopback-key.pem', import.meta.url), 'utf8'),
          cert: readFileSync(CERT, 'utf8'),
        },
      })
      try {
        const result = await run({}, { HTTPS_PROXY: guarded.url, NODE_EXTRA_CA_CERTS: CERT }, tlsFake.url)
        expect(result.exitCode).toBe(1)
        expect(guarded.requests.map((request) => request.kind)).toEqual(['CONNECT'])
        expect(result.stdout).toContain(
          `the proxy ${guarded.url} refused to forward the request to ${tlsFake.url.replace('https://', '')} (HTTP 407)`,
        )
      } finally {
        await tlsFake.close()
        await guarded.close()
      }
    })
  })
})

describe("many receivers under Feishu's limits", () => {
  it('100 receivers: each delivered exactly once, without a storm of 429s', async () => {
    const chats = Array.from({ length: 100 }, (_, index) => `oc_${String(index).padStart(3, '0')}`)
    const fake = await startFakeFeishu({ chats, limits: { appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 } })
    try {
      const result = await runAction({
        inputs: {
          'app-id': 'cli_test',
          'app-secret': 'test-secret',
          domain: fake.url,
          'chat-id': chats.join('\n'),
          text: 'fan-out',
        },
      })
      expect(result.stdout).not.toContain('::error::')
      expect(result.exitCode).toBe(0)
      expect(fake.messages.map((message) => message.chat_id).sort()).toEqual(chats)
      const throttled = fake.requests.filter((request) => [99991400, 230020].includes(request.response?.code))
      expect(throttled.length).toBeLessThanOrEqual(2)
      // As Feishu counts them: never more than 50 arrivals in any 1000 ms.
      const arrivals = fake.requests.filter((request) => request.path === SEND).map((request) => request.time)
      const busiest = Math.max(
        ...arrivals.map((time) => arrivals.filter((other) => other >= time && other < time + 1000).length),
      )
      expect(busiest).toBeLessThanOrEqual(50)
      const ids = JSON.parse(result.outputs['message-ids']!) as string[]
      expect(new Set(ids).size).toBe(100)
    } finally {
      await fake.close()
    }
  })
})
