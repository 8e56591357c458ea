// Mentions end to end: dist/index.js as the runner starts it, against the fake Feishu server's
// batch_get_id (§14.1: users found and not, the 50-per-request limit, the missing scope, its rate
// limit). Each test reads back what Feishu stored, the lookups made, and checks that no e-mail
// address or phone number appears unmasked in the log, the outputs or the job summary.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { expectInputError } from './expect-step.js'
import { startFakeFeishu } from './fake-feishu.mjs'
import { eventEnv, examplePayload } from './github-events.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const SECRET = 'test-secret'
const HOOK = 'b0a710ad-5e5e-4f4f-8a8a-123412341234'
const LOOKUP = '/open-apis/contact/v3/users/batch_get_id'
const CONTACT_SCOPE = 'contact:user.id:readonly'
const person = (name: string, extra: Record<string, unknown> = {}) => ({
  open_id: `ou_${name}`,
  union_id: `on_${name}`,
  user_id: name,
  email: `${name}@example.com`,
  name,
  ...extra,
})
/** 110 people in the contact range; user110..user119 are not in Feishu. */
const MANY = Array.from({ length: 110 }, (_, index) => person(`user${index}`))
const USERS = [
  person('alice', { mobile: '+8613800000001' }),
  person('octocat'),
  person('gone', { resigned: true }),
  ...MANY,
]

/** A failing push whose head commit is by `author`. */
function pushBy(author: { name: string; email: string; username?: string }) {
  const payload = JSON.parse(JSON.stringify(examplePayload('push', undefined, 4)))
  payload.head_commit.author = author
  return payload
}

describe.each(RUNTIMES)('mentions through dist/index.js on $name', ({ bin }) => {
  let fake: Fake

  const run = (
    inputs: Record<string, string>,
    event = 'push',
    payload: any = pushBy({ name: 'Octo Cat', email: 'octocat@example.com', username: 'octocat' }),
    debug = false,
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      debug,
      event: { name: event, payload },
      env: eventEnv(event, payload),
      inputs: { 'app-id': 'cli_test', 'app-secret': SECRET, domain: fake.url, 'chat-id': 'oc_1', ...inputs },
    })

  const lookups = () => fake.requests.filter((request) => request.path === LOOKUP)
  const stored = (): any => fake.messages[0]!.parsedContent
  const warnings = (result: ActionRun) => result.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
  /** No address or number of anyone the step looked up is visible whole. */
  const expectMasked = (result: ActionRun, ...values: string[]) => {
    const shown = visibleOutput(result)
    for (const value of values) expect(shown).not.toContain(value)
  }

  beforeAll(async () => {
    fake = await startFakeFeishu({
      apps: {
        cli_test: { secret: SECRET, scopes: ['im:message:send_as_bot', CONTACT_SCOPE] },
        cli_noscope: { secret: SECRET, scopes: ['im:message:send_as_bot'] },
      },
      users: USERS,
      bots: { [HOOK]: {} },
      limits: { lookupPerSecond: 2 },
      checkMentions: true,
    })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it('${commit_author} on a failing push: the mapped author is mentioned in the build card, nobody looked up', async () => {
    const result = await run({
      status: 'failure',
      mention: '${commit_author}',
      users: 'OctoCat: ou_alice\nsomeone: someone@example.com',
    })
    expect(result.exitCode).toBe(0)
    expect(lookups()).toHaveLength(0)
    const card = JSON.stringify(stored())
    expect(card.match(/<at [^>]*>/g)).toEqual(['<at id=ou_alice>'])
    expect(result.stdout).toContain('Mentioning ${commit_author} (@octocat) (ou_alice)')
    expect(result.summary).toContain('| \\${commit_author} (@\u2060octocat) | ✅ ou_alice (from \\`users\\`) |')
    expectMasked(result, 'someone@example.com')
  })

  it('${commit_author} unmapped: found by the commit e-mail through one lookup, one token for the run', async () => {
    // With step debug logging on: the address is still never shown.
    const result = await run(
      { status: 'failure', mention: '${commit_author}', users: 'mona: ou_alice' },
      'push',
      undefined,
      true,
    )
    expect(result.stdout).toContain('::debug::')
    expect(result.exitCode).toBe(0)
    expect(lookups()).toHaveLength(1)
    expect(lookups()[0]!.query).toEqual({ user_id_type: 'open_id' })
    expect(lookups()[0]!.body).toEqual({ emails: ['octocat@example.com'], include_resigned: false })
    expect(fake.tokens).toHaveLength(1)
    expect(JSON.stringify(stored()).match(/<at [^>]*>/g)).toEqual(['<at id=ou_octocat>'])
    expect(result.summary).toContain('| \\${commit_author} (@\u2060octocat) | ✅ ou_octocat (from the commit e-mail) |')
    expectMasked(result, 'octocat@example.com')
  })

  it('${commit_author} unmapped with a noreply e-mail: sent with the login as text and a warning with the fix', async () => {
    const payload = examplePayload('push')
    const result = await run({ status: 'failure', mention: '${commit_author}' }, 'push', payload)
    expect(result.exitCode).toBe(0)
    expect(lookups()).toHaveLength(0)
    expect(fake.messages).toHaveLength(1)
    const card = JSON.stringify(stored())
    expect(card).not.toMatch(/<at /)
    expect(card).toContain('"content":"@Codertocat"')
    expect(warnings(result)).toEqual([
      '::warning::Mention ${commit_author} (@Codertocat) is sent as plain text, not a mention: @Codertocat is not in `users`, and GitHub gives only a noreply address for their commit. Fix: map Codertocat to an open_id (ou_...), e-mail or phone number in `users` (e.g. an organisation variable: users: ${{ vars.FEISHU_USERS }})',
    ])
    expect(result.summary).toContain('**Mentions**: 1 of 1 could not be mentioned and were written as plain text')
    expectMasked(result, '21031067+Codertocat@users.noreply.github.com')
  })

  it('120 e-mails and two numbers: three lookups of at most 50 each, rate limit waited out, the unknown written masked', async () => {
    const emails = Array.from({ length: 120 }, (_, index) => `user${index}@example.com`)
    const result = await run({
      text: 'Release is out',
      mention: [...emails, '13800000001', '+8613900000000'].join('\n'),
    })
    expect(result.exitCode).toBe(0)
    // The fake allows 2 lookups a second: the third is answered 429 once, then retried.
    const answered = lookups().filter((request) => request.status === 200)
    expect(answered).toHaveLength(3)
    expect(lookups().filter((request) => request.status === 429)).toHaveLength(1)
    expect(answered.map((request) => request.body.emails.length)).toEqual([50, 50, 20])
    expect(answered[0]!.body.mobiles).toEqual(['13800000001', '+8613900000000'])
    expect(new Set(answered.flatMap((request) => request.body.emails)).size).toBe(120)
    const text = stored().text as string
    expect(text.match(/<at user_id="ou_user\d+"><\/at>/g)).toHaveLength(110)
    expect(text).toContain('<at user_id="ou_alice"></at>')
    expect(text).toContain('u***@example.com')
    expect(text).toContain('+86139****0000')
    expect(warnings(result)).toHaveLength(11)
    expect(warnings(result)[0]).toMatch(
      /^::warning::Mention u\*\*\*@example\.com is sent as plain text, not a mention: Feishu found no user with it/,
    )
    expectMasked(result, 'user119@example.com', 'user0@example.com', '13800000001', '13900000000')
  })

  it('a missing contact scope: the message goes out, the warning names the scope and the console link', async () => {
    const result = await run({
      'app-id': 'cli_noscope',
      text: 'Hello',
      mention: 'alice@example.com ou_bob',
    })
    expect(result.exitCode).toBe(0)
    expect(lookups()[0]!.response!.code).toBe(99991672)
    expect(lookups()).toHaveLength(1)
    expect(stored().text).toBe('Hello\na***@example.com <at user_id="ou_bob"></at>')
    const [warning] = warnings(result)
    expect(warning).toContain(`the app lacks the scope ${CONTACT_SCOPE}`)
    expect(warning).toContain('99991672')
    // The runner's command escapes % as %25 in the log line; the summary shows the link as Feishu gave it.
    expect(warning).toContain('https://open.feishu.cn/app/cli_noscope/auth?q=contact%253Auser.id%253Areadonly')
    expect(result.summary).toContain(`⚠️ the app lacks the scope ${CONTACT_SCOPE}`)
    expect(result.summary).toContain(
      // As text: the summary links nothing it did not build (a word joiner after the scheme's colon).
      `https:\u2060//open.feishu.cn/app/cli_noscope/auth?q=${encodeURIComponent(CONTACT_SCOPE)}`,
    )
    expectMasked(result, 'alice@example.com')
  })

  it('a resigned person and a phone number in a post', async () => {
    const result = await run({
      post: 'en_us:\n  title: Deploy\n  content:\n    - - {tag: text, text: done}\n',
      mention: 'gone@example.com +8613800000001',
    })
    expect(result.exitCode).toBe(0)
    expect(stored().en_us.content[1]).toEqual([
      { tag: 'text', text: 'g***@example.com' },
      { tag: 'text', text: ' ' },
      { tag: 'at', user_id: 'ou_alice' },
    ])
    expectMasked(result, 'gone@example.com', '13800000001')
  })

  it('the release card mentions the release author through users', async () => {
    const payload = examplePayload('release', 'published')
    const result = await run(
      { mention: '@codertocat ${actor}', users: 'Codertocat: user_id:alice' },
      'release',
      payload,
    )
    expect(result.exitCode).toBe(0)
    expect(JSON.stringify(stored()).match(/<at [^>]*>/g)).toEqual(['<at id=alice>'])
  })

  it('${pull_request_author} on a pull request, by the e-mail mapped in users', async () => {
    const payload = examplePayload('pull_request', 'opened')
    const result = await run(
      { mention: '${pull_request_author}', users: '{"Codertocat": "octocat@example.com"}' },
      'pull_request',
      payload,
    )
    expect(result.exitCode).toBe(0)
    expect(lookups()).toHaveLength(1)
    expect(JSON.stringify(stored()).match(/<at [^>]*>/g)).toEqual(['<at id=ou_octocat>'])
    expectMasked(result, 'octocat@example.com')
  })

  it('an input error in the message is reported before anyone is looked up', async () => {
    const result = await run({ text: 'Hello ${nobody}', mention: 'alice@example.com' })
    expectInputError(result, 'text')
    expect(fake.requests).toHaveLength(0)
    // Each " is four bytes of the request body once the content is serialised twice (§3.1).
    const big = await run({ text: '"'.repeat(38 * 1024), mention: 'alice@example.com' })
    expectInputError(big, 'text')
    expect(fake.requests).toHaveLength(0)
  })

  it('a template card keeps refusing mention: the card decides where people go', async () => {
    const result = await run({ 'template-id': 'AAqTemplate1', mention: '${commit_author}' })
    expectInputError(result, 'mention')
    expect(fake.requests).toHaveLength(0)
  })

  it('a dry run lists who resolves to whom and the lookup it would make, calling nobody', async () => {
    const result = await run({
      'dry-run': 'true',
      status: 'failure',
      mention: '${commit_author} ou_bob +8613800000001',
    })
    expect(result.exitCode).toBe(0)
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).toContain('A real run would make 3 request(s) (1 to look people up)')
    expect(result.stdout).toContain(
      '- ${commit_author} (@octocat): a real run looks up o***@example.com (from the commit e-mail)',
    )
    expect(result.stdout).toContain('- ou_bob: ou_bob (from `mention`)')
    expect(result.stdout).toContain(`POST ${fake.url}${LOOKUP}?user_id_type=open_id`)
    expect(result.stdout).toContain('"o***@example.com"')
    expect(result.stdout).toContain('"+86138****0001"')
    expectMasked(result, 'octocat@example.com', '13800000001')
  })

  describe('webhook mode', () => {
    const byHook = (inputs: Record<string, string>, payload?: any) =>
      run(
        {
          'app-id': '',
          'app-secret': '',
          'chat-id': '',
          webhook: `${fake.url}/open-apis/bot/v2/hook/${HOOK}`,
          ...inputs,
        },
        'push',
        payload,
      )

    it('an e-mail is an input error before any request, naming the person masked', async () => {
      const result = await byHook({ text: 'x', mention: 'alice@example.com' })
      expectInputError(result, 'mention')
      expect(result.stdout).toContain(
        'a***@example.com needs a lookup by e-mail, which a custom bot webhook cannot make',
      )
      expect(fake.requests).toHaveLength(0)
      expectMasked(result, 'alice@example.com')
    })

    it('an unmapped commit author is sent as text with a warning; a mapped one is mentioned', async () => {
      let result = await byHook({ status: 'failure', mention: '${commit_author}' })
      expect(result.exitCode).toBe(0)
      expect(fake.webhookMessages).toHaveLength(1)
      expect(JSON.stringify(fake.webhookMessages[0]!.card)).not.toMatch(/<at /)
      expect(result.stdout).toMatch(/::warning::.*map octocat to an open_id/)
      fake.reset()

      result = await byHook({ status: 'failure', mention: '${commit_author}', users: 'octocat: ou_alice' })
      expect(result.exitCode).toBe(0)
      expect(JSON.stringify(fake.webhookMessages[0]!.card).match(/<at [^>]*>/g)).toEqual(['<at id=ou_alice>'])
    })
  })
})
