// The approval gate end to end (issue 23): dist/index.js runs as the runner runs it, against the
// fake Feishu server, whose reactions (test/fake-feishu-reactions.mjs) the test adds as the
// approvers would, while the step waits. The pause between looks is shortened for tests through
// CARD_COURIER_TEST_POLL_MS (an environment variable, never an input).
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorLines, expectInputError } from './expect-step.js'
import { startFakeFeishu } from './fake-feishu.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>

const SCOPES = ['im:message:send_as_bot', 'im:message.reactions:read', 'im:message.reactions:write_only']
const REACTIONS = /\/open-apis\/im\/v1\/messages\/[^/]+\/reactions/
const POLL_ENV = { CARD_COURIER_TEST_POLL_MS: '200' }

describe.each(RUNTIMES)('approval gate on $name', ({ bin }) => {
  let fake: Fake
  const apps = () => ({
    cli_test: { secret: 'test-secret', scopes: [...SCOPES] },
    cli_noread: { secret: 'test-secret', scopes: ['im:message:send_as_bot', 'im:message.reactions:write_only'] },
    cli_nowrite: { secret: 'test-secret', scopes: ['im:message:send_as_bot', 'im:message.reactions:read'] },
  })

  const start = (
    inputs: Record<string, string>,
    more: { onSpawn?: (child: ChildProcess) => void; env?: Record<string, string> } = {},
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      env: { ...POLL_ENV, ...more.env },
      ...(more.onSpawn ? { onSpawn: more.onSpawn } : {}),
      inputs: {
        'app-id': 'cli_test',
        'app-secret': 'test-secret',
        domain: fake.url,
        'chat-id': 'oc_1',
        approvers: 'ou_alice, ou_bob',
        ...inputs,
      },
    })

  /** The message id of the gate once its bot reactions are in place (the step is waiting), optionally the one titled `title`. */
  async function waitingGate(title = '', seen: readonly string[] = []): Promise<string> {
    for (let i = 0; i < 300; i++) {
      const ready = fake.reactions
        .reactedBy('cli_test', ['CheckMark', 'CrossMark'])
        .filter((id) => !seen.includes(id))
        .filter((id) => !title || stored(id).content.includes(title))
      if (ready[0]) return ready[0]
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error('no gate started waiting')
  }
  const stored = (id: string) => fake.messages.find((message) => message.message_id === id)!
  const cardText = (id: string): string => JSON.stringify(stored(id).parsedContent)
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  beforeAll(async () => {
    fake = await startFakeFeishu({ apps: apps() })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it('approved by one of two approvers: the step succeeds, the card says who and when, the outputs say so', async () => {
    const run = start({ title: 'Deploy v2.3.0 to production?' })
    const id = await waitingGate()
    expect(cardText(id)).toContain('CheckMark** approves')
    expect(stored(id).parsedContent.config.update_multi).toBe(true)
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    const result = await run
    expect(result.stderr).toBe('')
    expect(errorLines(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs.approval).toBe('approved')
    expect(result.outputs['message-id']).toBe(id)
    const answers = JSON.parse(result.outputs.approvers!) as { open_id: string; decision: string; at: string }[]
    expect(answers).toEqual([{ open_id: 'ou_alice', decision: 'approve', at: expect.stringMatching(/^\d{4}-.*Z$/) }])
    expect(result.stdout).toMatch(/^Approved by ou_alice at \d\d:\d\d UTC\.$/m)
    expect(stored(id).updated).toBe(true)
    expect(cardText(id)).toContain('Approved by <at id=ou_alice></at> at')
    expect(cardText(id)).not.toContain('CheckMark** approves')
    expect(cardText(id)).toContain('Deploy v2.3.0 to production?')
    // The bot's two reactions are what approvers tap; they never count.
    expect(fake.reactions.all.filter((r) => r.operator_type === 'app').map((r) => r.emoji_type)).toEqual([
      'CheckMark',
      'CrossMark',
    ])
  })

  it('approvals: 2 needs two distinct people: one person twice is one', async () => {
    const run = start({ approvals: '2' })
    const id = await waitingGate()
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    await pause(1200)
    expect(stored(id).updated).toBe(false)
    fake.reactions.react({ messageId: id, user: 'ou_bob', emoji: 'CheckMark' })
    const result = await run
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.approvers!).map((a: { open_id: string }) => a.open_id)).toEqual([
      'ou_alice',
      'ou_bob',
    ])
    expect(cardText(id)).toContain('Approved by <at id=ou_alice></at>, <at id=ou_bob></at>')
  })

  it("a non-approver's reactions are ignored, approve and reject alike; a withdrawn approve no longer counts", async () => {
    const run = start({ approvals: '2' })
    const id = await waitingGate()
    fake.reactions.react({ messageId: id, user: 'ou_carol', emoji: 'CrossMark' })
    fake.reactions.react({ messageId: id, user: 'ou_carol', emoji: 'CheckMark' })
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    await pause(800)
    fake.reactions.unreact({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    await pause(800)
    fake.reactions.react({ messageId: id, user: 'ou_bob', emoji: 'CheckMark' })
    await pause(800)
    expect(stored(id).updated).toBe(false)
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    const result = await run
    expect(result.exitCode).toBe(0)
    expect(result.outputs.approval).toBe('approved')
    expect(result.outputs.approvers).not.toContain('ou_carol')
  })

  it('a rejection fails the step, saying who and when, and updates the card; fail-on-error false does not change that', async () => {
    const run = start({ 'fail-on-error': 'false' })
    const id = await waitingGate()
    fake.reactions.react({ messageId: id, user: 'ou_bob', emoji: 'CrossMark' })
    const result = await run
    expect(result.exitCode).toBe(1)
    expect(errorLines(result)).toEqual([
      expect.stringMatching(/^::error::Rejected by ou_bob at \d\d:\d\d UTC: the approval gate did not pass\.$/),
    ])
    expect(result.outputs.approval).toBe('rejected')
    expect(JSON.parse(result.outputs.approvers!)).toEqual([
      { open_id: 'ou_bob', decision: 'reject', at: expect.any(String) },
    ])
    expect(cardText(id)).toContain('Rejected by <at id=ou_bob></at>')
    expect(stored(id).parsedContent.header.template).toBe('red')
    expect(cardText(id)).not.toContain('CheckMark** approves')
  })

  it('expiry with a short timeout: the step fails, nobody answered, the card says so', async () => {
    const result = await start({ 'approval-timeout': '10s' })
    expect(result.exitCode).toBe(1)
    expect(errorLines(result)).toEqual([
      '::error::Expired after 10s — nobody answered; the approval gate did not pass.',
    ])
    expect(result.outputs.approval).toBe('expired')
    expect(result.outputs.approvers).toBe('[]')
    const id = result.outputs['message-id']!
    expect(cardText(id)).toContain('Expired after 10s — nobody answered')
  }, 30_000)

  it('SIGTERM mid-wait: the card says Cancelled within 5 s, approval=cancelled, the step fails', async () => {
    let child: ChildProcess | undefined
    const run = start({}, { onSpawn: (spawned) => (child = spawned) })
    const id = await waitingGate()
    const signalled = Date.now()
    child!.kill('SIGTERM')
    const result = await run
    const patched = fake.requests.find((request) => request.method === 'PATCH' && request.path.endsWith(id))
    expect(patched!.time - signalled).toBeLessThan(5000)
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.approval).toBe('cancelled')
    expect(cardText(id)).toContain('Cancelled — the run was cancelled')
    expect(errorLines(result)).toEqual([
      '::error::Cancelled — the run was cancelled (SIGTERM) while waiting for the approval.',
    ])
  })

  it('three concurrent gates on one chat each get their own answer', async () => {
    const runs = ['Gate A', 'Gate B', 'Gate C'].map((title) => start({ title }))
    const a = await waitingGate('Gate A')
    const b = await waitingGate('Gate B')
    const c = await waitingGate('Gate C')
    fake.reactions.react({ messageId: b, user: 'ou_bob', emoji: 'CrossMark' })
    fake.reactions.react({ messageId: a, user: 'ou_alice', emoji: 'CheckMark' })
    fake.reactions.react({ messageId: c, user: 'ou_bob', emoji: 'CheckMark' })
    const [ra, rb, rc] = await Promise.all(runs)
    expect([ra!.outputs.approval, rb!.outputs.approval, rc!.outputs.approval]).toEqual([
      'approved',
      'rejected',
      'approved',
    ])
    expect([ra!.outputs['message-id'], rb!.outputs['message-id'], rc!.outputs['message-id']]).toEqual([a, b, c])
    expect(JSON.parse(rc!.outputs.approvers!)[0].open_id).toBe('ou_bob')
    expect(cardText(a)).toContain('Approved by <at id=ou_alice></at>')
    expect(cardText(b)).toContain('Rejected by <at id=ou_bob></at>')
  })

  it('HTTP 5xx and 429 while reading the reactions do not end the wait', async () => {
    fake.inject({ method: 'GET', path: '/reactions', status: 500, times: 2, skip: 1 })
    fake.inject({
      method: 'GET',
      path: '/reactions',
      status: 429,
      times: 1,
      headers: { 'x-ogw-ratelimit-reset': '1' },
    })
    const run = start({})
    const id = await waitingGate()
    await pause(3000)
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    const result = await run
    expect(result.exitCode).toBe(0)
    expect(result.outputs.approval).toBe('approved')
    const statuses = fake.requests.filter((r) => r.method === 'GET' && REACTIONS.test(r.path)).map((r) => r.status)
    expect(statuses).toEqual(expect.arrayContaining([500, 429, 200]))
    expect(result.stdout).toContain('Reading the reactions failed (Feishu internal error (code 1500)')
    expect(result.stdout).toContain('Reading the reactions failed (rate limited')
  })

  it('exclude-initiator: the initiator cannot approve, another approver can', async () => {
    const run = start({
      approvers: '${actor}, ou_bob',
      users: 'octocat: ou_alice',
      'exclude-initiator': 'true',
    })
    const id = await waitingGate()
    expect(cardText(id)).toContain('The person who started the run cannot approve it.')
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    await pause(1000)
    expect(stored(id).updated).toBe(false)
    fake.reactions.react({ messageId: id, user: 'ou_bob', emoji: 'CheckMark' })
    const result = await run
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.approvers!)).toEqual([
      { open_id: 'ou_bob', decision: 'approve', at: expect.any(String) },
    ])
  })

  it('user_id approvers are matched by reading the reactions as user_ids', async () => {
    const run = start({ approvers: 'user_id:alice, user_id:bob' })
    const id = await waitingGate()
    fake.reactions.react({ messageId: id, user: 'ou_bob', emoji: 'CheckMark' })
    const result = await run
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.approvers!)).toEqual([
      { user_id: 'bob', decision: 'approve', at: expect.any(String) },
    ])
    const lists = fake.requests.filter((r) => r.method === 'GET' && REACTIONS.test(r.path))
    expect(lists.every((r) => r.query.user_id_type === 'user_id')).toBe(true)
  })

  it.each([
    ['cli_noread', 'im:message.reactions:read'],
    ['cli_nowrite', 'im:message.reactions:write_only'],
  ])('a missing scope (%s) fails at once, naming %s, before any wait', async (appId, scope) => {
    const started = Date.now()
    const result = await start({ 'app-id': appId })
    expect(Date.now() - started).toBeLessThan(8000)
    expect(result.exitCode).toBe(1)
    const errors = errorLines(result)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`the app lacks the scope ${scope}`)
    expect(cardText(result.outputs['message-id']!)).toContain('Not waiting')
  })

  it('a custom card carries the state line and gets the outcome in place of it', async () => {
    const run = start({ card: 'schema: "2.0"\nbody: {elements: [{tag: markdown, content: "Deploy ${ref_name}?"}]}' })
    const id = await waitingGate()
    expect(cardText(id)).toContain('CheckMark** approves')
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    const result = await run
    expect(result.exitCode).toBe(0)
    expect(cardText(id)).toContain('Deploy v1.2.3?')
    expect(cardText(id)).toContain('Approved by <at id=ou_alice></at>')
    expect(cardText(id)).not.toContain('CheckMark** approves')
  })

  it('dry run: prints the card, the approvers and the rule, and sends nothing', async () => {
    const result = await start({ 'dry-run': 'true', approvals: '2', approvers: 'ou_alice, bob@example.com' })
    expect(result.exitCode).toBe(0)
    expect(fake.requests).toEqual([])
    expect(result.stdout).toContain(
      'Approvers (dry run: nobody is looked up): ou_alice → ou_alice, b***@example.com → a real run looks up b***@example.com',
    )
    expect(result.stdout).toContain('2 of 2 approver(s)')
    expect(result.stdout).toContain('one CrossMark reaction from an approver rejects')
    expect(result.stdout).toContain('"schema": "2.0"')
    expect(visibleOutput(result)).not.toContain('bob@example.com')
  })

  it.each([
    [{ webhook: 'demo-hook-token', 'app-id': '', 'app-secret': '', 'chat-id': '' }, 'approvers'],
    [{ 'chat-id': 'oc_1, oc_2' }, 'chat-id'],
    [{ approvals: '3' }, 'approvals'],
    [{ 'approval-timeout': '5s' }, 'approval-timeout'],
    [{ 'approval-timeout': '7h' }, 'approval-timeout'],
    [{ 'approval-timeout': 'soon' }, 'approval-timeout'],
    [{ approvers: '', approvals: '2' }, 'approvals'],
    [{ approvers: 'all' }, 'approvers'],
    [{ text: 'Deploy?' }, 'text'],
  ])('input error before any request: %o names `%s`', async (inputs, input) => {
    const result = await start(inputs)
    expectInputError(result, input)
    expect(fake.requests).toEqual([])
  })
})
