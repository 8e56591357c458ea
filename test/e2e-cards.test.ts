// End to end: the built-in release and build cards, mentions and the job summary, through
// dist/index.js and the fake Feishu server, with GitHub's recorded event payloads and real
// release notes. Each test reads back the card Feishu stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { eventEnv, examplePayload, HAVE_NODE_NOTES, longReleaseNotes, nodeReleaseNotes } from './github-events.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const SECRET = 'test-secret'
const HOOK = 'b0a710ad-5e5e-4f4f-8a8a-123412341234'
const HOOK_SECRET = 'hooksec-Q7-zz'
/** Any tag Feishu would read as markup: what a mention needs. */
const MARKUP = /<\s*\/?\s*(at|font|a|link|text_tag)\b/i

describe.each(RUNTIMES)('built-in cards through dist/index.js on $name', ({ bin }) => {
  let fake: Fake

  const run = (
    event: string,
    payload: any,
    inputs: Record<string, string> = {},
    env: Record<string, string> = {},
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      event: { name: event, payload },
      env: { ...eventEnv(event, payload), ...env },
      inputs: { 'app-id': 'cli_test', 'app-secret': SECRET, domain: fake.url, 'chat-id': 'oc_1', ...inputs },
    })

  const storedCard = (index = 0): any => fake.messages[index]!.parsedContent
  const buttonUrls = (card: unknown) =>
    [...JSON.stringify(card).matchAll(/"default_url":"([^"]+)"/g)].map((match) => match[1])

  beforeAll(async () => {
    fake = await startFakeFeishu({
      apps: { cli_test: { secret: SECRET } },
      bots: { [HOOK]: { secret: HOOK_SECRET } },
      limits: { botPerSecond: 1000, botPerMinute: 1000 },
    })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  function expectDelivered(result: ActionRun): void {
    expect(result.stderr).toBe('')
    expect(result.stdout).not.toContain('::error::')
    expect(result.exitCode).toBe(0)
    expect(fake.messages).toHaveLength(1)
    expect(fake.messages[0]!.msg_type).toBe('interactive')
  }

  it.skipIf(!HAVE_NODE_NOTES)(
    'a release event with no content input posts the release card: tag, name, author, link, converted notes',
    async () => {
      const payload = examplePayload('release', 'published')
      payload.release.name = 'Krypton'
      payload.release.body = nodeReleaseNotes()[0]
      const result = await run('release', payload)
      expectDelivered(result)
      const card = storedCard()
      expect(card.schema).toBe('2.0')
      expect(card.header.title.content).toBe('Codertocat/Hello-World 0.0.1 · Krypton')
      const text = JSON.stringify(card)
      expect(text).toContain('[@Codertocat](https://github.com/Codertocat)')
      expect(text).toContain('[0.0.1](https://github.com/Codertocat/Hello-World/releases/tag/0.0.1)')
      expect(buttonUrls(card)[0]).toBe('https://github.com/Codertocat/Hello-World/releases/tag/0.0.1')
      expect(text).toContain('(https://github.com/nodejs/node/commit/')
      expect(text).not.toMatch(MARKUP)
      expect(result.outputs['message-id']).toBe(fake.messages[0]!.message_id)
    },
  )

  it.skipIf(!HAVE_NODE_NOTES)(
    'a 100 KB release body gives a valid card under 30 KB that links to the full notes',
    async () => {
      const payload = examplePayload('release', 'published')
      payload.release.body = longReleaseNotes(100 * 1024)
      const result = await run('release', payload)
      expectDelivered(result)
      const content = fake.messages[0]!.content
      expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(30 * 1024)
      expect(Buffer.byteLength(content, 'utf8')).toBeGreaterThan(24 * 1024)
      expect(content).toContain('](https://github.com/Codertocat/Hello-World/releases/tag/0.0.1)')
    },
  )

  it.each([
    [
      'push',
      () => examplePayload('push', undefined, 4),
      'https://github.com/Codertocat/Hello-World/actions/runs/9876543210',
    ],
    [
      'pull_request',
      () => examplePayload('pull_request', 'opened'),
      'https://github.com/Codertocat/Hello-World/actions/runs/9876543210',
    ],
    [
      'workflow_run',
      () => examplePayload('workflow_run', 'completed', 1),
      'https://github.com/octo-org/octo-repo/actions/runs/289782451',
    ],
  ])('%s: the build card has the status colour and the run link', async (event, payload, runUrl) => {
    for (const [status, color] of [
      ['success', 'green'],
      ['failure', 'red'],
      ['cancelled', 'grey'],
    ] as const) {
      fake.reset()
      const result = await run(event, payload(), { status })
      expectDelivered(result)
      const card = storedCard()
      expect(card.header.template).toBe(color)
      expect(buttonUrls(card)[0]).toBe(runUrl)
    }
  })

  it('hostile commit message, PR title, branch and notes make no mention; only the mention input does', async () => {
    const hostile = '<at id=all></at><at user_id="all"></at>"}]} <font color=red>x</font> &#60;at id=all&#62;'
    const push = examplePayload('push', undefined, 4)
    push.head_commit.message = hostile
    let result = await run(
      'push',
      push,
      { status: 'failure', mention: 'ou_oncall' },
      { GITHUB_REF_NAME: hostile, GITHUB_ACTOR: hostile },
    )
    expectDelivered(result)
    const card = JSON.stringify(storedCard())
    expect(card.match(/<at [^>]*>/g)).toEqual(['<at id=ou_oncall>'])

    fake.reset()
    const pr = examplePayload('pull_request', 'opened')
    pr.pull_request.title = hostile
    result = await run('pull_request', pr, { status: 'success' })
    expectDelivered(result)
    expect(JSON.stringify(storedCard())).not.toMatch(MARKUP)

    fake.reset()
    const release = examplePayload('release', 'published')
    release.release.body = `${hostile}\n\n\`\`\`\n${hostile}\n\`\`\`\n\n| ${hostile} |\n|---|\n| x |\n\n<details><summary>${hostile}</summary>${hostile}</details>`
    release.release.name = hostile
    result = await run('release', release)
    expectDelivered(result)
    expect(JSON.stringify(storedCard())).not.toMatch(MARKUP)
  })

  it('a text message with ${commit_message} and a mention: the mention input only', async () => {
    const push = examplePayload('push', undefined, 4)
    push.head_commit.message = 'ping <at user_id="all"></at>'
    const result = await run('push', push, {
      text: '${commit_message} (${status})',
      status: 'failure',
      mention: 'ou_oncall, all',
    })
    expect(result.exitCode).toBe(0)
    const text = fake.messages[0]!.parsedContent.text as string
    expect(text.match(/<at [^>]*>/g)).toEqual(['<at user_id="ou_oncall">', '<at user_id="all">'])
    expect(text).toMatch(/^ping .* \(failure\)\n/)
  })

  it('writes the job summary on success: receivers, message id and what was sent', async () => {
    const result = await run('push', examplePayload('push', undefined, 4), { status: 'success' })
    expectDelivered(result)
    expect(result.summary).toContain('✅ Delivered to the receiver.')
    expect(result.summary).toContain(`| chat_id oc_1 | ✅ delivered | \`${fake.messages[0]!.message_id}\` |`)
    expect(result.summary).toContain('**Release succeeded** (green)')
    expect(result.summary).toContain('🔗 [View run](https://github.com/Codertocat/Hello-World/actions/runs/9876543210)')
    expect(result.summary).not.toContain(SECRET)
    expect(result.summary).not.toContain(fake.tokens[0]!)
  })

  it('writes the job summary on failure, with the code and the fix; summary: false writes none', async () => {
    let result = await run('push', examplePayload('push', undefined, 4), {
      'chat-id': 'oc_notamember',
      status: 'failure',
    })
    expect(result.exitCode).toBe(1)
    expect(result.summary).toContain('❌ Delivered to 0 of 1 receiver(s).')
    expect(result.summary).toContain('| chat_id oc_notamember | ❌ code 230002:')
    expect(result.summary).toContain('<summary>Tried to send: a card (from <code>preset</code>)</summary>')
    expect(visibleOutput(result)).not.toContain(SECRET)

    fake.reset()
    result = await run('push', examplePayload('push', undefined, 4), { status: 'bad' })
    expect(result.exitCode).toBe(1)
    expect(result.summary).toContain('❌ Nothing was sent: Input \\`status\\`: "bad" is not a job status')
    expect(fake.requests).toHaveLength(0)

    result = await run('push', examplePayload('push', undefined, 4), { status: 'success', summary: 'false' })
    expect(result.exitCode).toBe(0)
    expect(result.summary).toBe('')
  })

  describe('by custom bot webhook', () => {
    const byHook = (event: string, payload: any, inputs: Record<string, string> = {}): Promise<ActionRun> =>
      runAction({
        node: bin,
        event: { name: event, payload },
        env: eventEnv(event, payload),
        inputs: { webhook: `${fake.url}/open-apis/bot/v2/hook/${HOOK}`, 'webhook-secret': HOOK_SECRET, ...inputs },
      })

    it.skipIf(!HAVE_NODE_NOTES)(
      'the release card with long real notes fits the 20 KB body, signed; the summary names no hook',
      async () => {
        const payload = examplePayload('release', 'published')
        payload.release.body = longReleaseNotes(100 * 1024)
        const result = await byHook('release', payload, { mention: 'all' })
        expect(result.stderr).toBe('')
        expect(result.exitCode).toBe(0)
        expect(fake.webhookMessages).toHaveLength(1)
        const request = fake.requests.find((entry) => entry.path.startsWith('/open-apis/bot/v2/hook/'))!
        expect(Buffer.byteLength(request.rawBody, 'utf8')).toBeLessThanOrEqual(20 * 1024)
        const body = JSON.parse(request.rawBody)
        expect(body.msg_type).toBe('interactive')
        expect(body.card.schema).toBe('2.0')
        expect(body.card.header.title.content).toBe('Codertocat/Hello-World 0.0.1')
        expect(JSON.stringify(body.card)).toContain('](https://github.com/Codertocat/Hello-World/releases/tag/0.0.1)')
        expect(JSON.stringify(body.card).match(/<at [^>]*>/g)).toEqual(['<at id=all>'])
        expect(result.summary).toContain('| custom bot webhook | ✅ delivered |')
        for (const secret of [HOOK, HOOK_SECRET, SECRET]) expect(visibleOutput(result)).not.toContain(secret)
      },
    )

    it('the build card and a text with mentions', async () => {
      let result = await byHook('push', examplePayload('push', undefined, 4), {
        status: 'failure',
        mention: 'ou_oncall',
      })
      expect(result.exitCode).toBe(0)
      const card = JSON.parse(fake.requests.at(-1)!.rawBody).card
      expect(card.header.template).toBe('red')
      expect(JSON.stringify(card)).toContain('<at id=ou_oncall></at>')
      fake.reset()
      result = await byHook('push', examplePayload('push', undefined, 4), {
        text: 'Build ${status}',
        status: 'success',
        mention: 'ou_oncall',
      })
      expect(result.exitCode).toBe(0)
      expect(JSON.parse(fake.requests.at(-1)!.rawBody).content).toEqual({
        text: 'Build success\n<at user_id="ou_oncall"></at>',
      })
    })
  })
})
