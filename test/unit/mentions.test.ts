// The mention and users inputs, who each entry means in this run, what compose writes for them,
// and the masking of e-mails and phone numbers: plain data in, plain data out.
import { describe, expect, it } from 'vitest'
import { maskEmail, maskPhone } from '../../src/base/personal.js'
import { composeMessage } from '../../src/compose/message.js'
import { buildCard } from '../../src/compose/cards.js'
import { runContext } from '../../src/github/context.js'
import { boundingMentions, lookupsOf, planMentions, settleMentions } from '../../src/github/people.js'
import { checkWebhookMentions, readMentionInput, readUsersInput } from '../../src/inputs/mentions.js'
import { batchGetIdRequests, lookupKey } from '../../src/feishu/contacts.js'
import { describeReceiver } from '../../src/feishu/targets.js'
import { eventEnv, examplePayload } from '../github-events.mjs'

const pushWith = (author: Record<string, string>, commits: Record<string, unknown>[] = []) => {
  const payload = {
    ref: 'refs/heads/main',
    head_commit: { id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', message: 'Fix', author },
    commits,
  }
  return runContext({ GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r', GITHUB_ACTOR: 'pusher' }, payload)
}

describe('masking', () => {
  it.each([
    ['alice@example.com', 'a***@example.com'],
    ['x@y.cn', 'x***@y.cn'],
    ['not-an-address', '***'],
  ])('e-mail %s -> %s', (email, shown) => expect(maskEmail(email)).toBe(shown))

  it.each([
    ['+8613812345678', '+86138****5678'],
    ['13812345678', '+86138****5678'],
    ['+14155550100', '+14155****0100'],
    ['12345', '*****45'],
  ])('phone %s -> %s', (phone, shown) => {
    expect(maskPhone(phone)).toBe(shown)
    expect(maskPhone(phone)).not.toContain(phone.replace('+', '').slice(3, -4) || 'never')
  })
})

describe('mention input', () => {
  it('reads every form, each entry once', () => {
    expect(
      readMentionInput(
        'all, ou_a @ou_b\nuser_id:4bx9 alice@example.com +8613812345678 13812345678 @Octocat ${commit_author} ${actor} ou_a ALL',
      ),
    ).toEqual([
      { kind: 'all' },
      { kind: 'person', person: { kind: 'open_id', id: 'ou_a' } },
      { kind: 'person', person: { kind: 'open_id', id: 'ou_b' } },
      { kind: 'person', person: { kind: 'user_id', id: '4bx9' } },
      { kind: 'person', person: { kind: 'email', email: 'alice@example.com' } },
      { kind: 'person', person: { kind: 'mobile', mobile: '+8613812345678' } },
      { kind: 'person', person: { kind: 'mobile', mobile: '13812345678' } },
      { kind: 'github', login: 'Octocat' },
      { kind: 'run', who: 'commit_author' },
      { kind: 'run', who: 'actor' },
    ])
  })

  it('takes at most 500 entries', () => {
    expect(readMentionInput(Array.from({ length: 500 }, (_, i) => `ou_${i}`).join(','))).toHaveLength(500)
    expect(() => readMentionInput(Array.from({ length: 501 }, (_, i) => `ou_${i}`).join(','))).toThrow(
      'Input `mention`: has 501 entries; at most 500 people can be mentioned in one message',
    )
  })

  it('names e-mail receivers masked', () => {
    expect(describeReceiver({ receiveIdType: 'email', receiveId: 'alice@example.com' })).toBe('email a***@example.com')
  })

  it.each([
    ['${author}', 'Input `mention`: "${author}" is not one of ${actor}, ${commit_author}, ${pull_request_author}'],
    ['@-bad', 'Input `mention`: "@-bad" is not a GitHub user (@login)'],
    ['user_id:a<b', 'Input `mention`: "user_id:a<b" is not a valid user_id'],
    ['bob@localhost', 'Input `mention`: "b***@localhost" is not all, an open_id'],
    ['138 1234', 'Input `mention`: "138" is not all'],
  ])('refuses %s, masking what may be personal', (value, message) => {
    expect(() => readMentionInput(value)).toThrow(message)
  })
})

describe('users input', () => {
  it('reads YAML or JSON, logins case-insensitive', async () => {
    const users = await readUsersInput(
      'Octocat: ou_octo\nhubot: hubot@example.com\nmona: "+8613800000001"\n"@dev": user_id:dev1',
    )
    expect([...users]).toEqual([
      ['octocat', { kind: 'open_id', id: 'ou_octo' }],
      ['hubot', { kind: 'email', email: 'hubot@example.com' }],
      ['mona', { kind: 'mobile', mobile: '+8613800000001' }],
      ['dev', { kind: 'user_id', id: 'dev1' }],
    ])
    expect([...(await readUsersInput('{"a-b": "ou_x"}'))]).toEqual([['a-b', { kind: 'open_id', id: 'ou_x' }]])
    expect((await readUsersInput('')).size).toBe(0)
  })

  it.each([
    ['- a\n- b', 'Input `users`: must be a mapping'],
    ['octocat: 8613800000001', 'Input `users`: the value for "octocat" is a number; write a phone number in quotes'],
    ['octocat: hello', 'Input `users`: the value for "octocat" is not an open_id'],
    ['octocat: {id: ou_x}', 'Input `users`: the value for "octocat" is not an open_id'],
    ['"not a login": ou_x', 'Input `users`: "not a login" is not a GitHub login'],
    ['Octocat: ou_a\noctocat: ou_b', 'Input `users`: "octocat" is given twice'],
    [
      'octocat: boss@corp',
      'Input `users`: the value for "octocat" is not an open_id (ou_...), user_id:<id>, an e-mail address or a phone number ("b***@corp")',
    ],
  ])('refuses %s', async (source, message) => {
    await expect(readUsersInput(source)).rejects.toThrow(message)
  })

  it('in webhook mode, refuses what needs a lookup, naming the person masked', async () => {
    const users = await readUsersInput('octocat: ou_octo\nhubot: hubot@example.com')
    expect(() => checkWebhookMentions(readMentionInput('all ou_a user_id:x @OctoCat'), users)).not.toThrow()
    const refused = (value: string) => () => checkWebhookMentions(readMentionInput(value), users)
    expect(refused('carol@example.com')).toThrow(
      'Input `mention`: c***@example.com needs a lookup by e-mail, which a custom bot webhook cannot make; map the person to an open_id (ou_...) in `users`, or send with an app',
    )
    expect(refused('+8613812345678')).toThrow('+86138****5678 needs a lookup by phone number')
    expect(refused('@mona')).toThrow(
      'Input `mention`: @mona is not in `users`, and a custom bot webhook cannot look anyone up; map mona to an open_id (ou_...) in `users`, or send with an app',
    )
    expect(refused('@hubot')).toThrow('@hubot is mapped to h***@example.com in `users`, which needs a lookup by e-mail')
  })
})

describe('the people in the event', () => {
  const contextOf = (event: string, payload: any) => runContext(eventEnv(event, payload), payload)

  it('push: the head commit author with login and e-mail, and every commit person with a login', () => {
    const payload = examplePayload('push')
    const context = contextOf('push', payload)
    expect(context.commitAuthor).toEqual({
      login: 'Codertocat',
      email: '21031067+Codertocat@users.noreply.github.com',
      name: 'Codertocat',
    })
    expect(context.commitPeople[0]).toEqual(context.commitAuthor)
    expect(context.pullRequestAuthor).toBe('')
  })

  it('pull_request: the author of the pull request; workflow_run: the commit author without a login', () => {
    expect(contextOf('pull_request', examplePayload('pull_request', 'opened')).pullRequestAuthor).toBe('Codertocat')
    const run = contextOf('workflow_run', examplePayload('workflow_run', 'completed'))
    expect(run.commitAuthor).toEqual({ login: '', email: 'octocat@github.com', name: 'Mona Lisa' })
    expect(run.commitPeople).toEqual([])
  })

  it('${commit_author} and ${pull_request_author} as built-in variables: logins (else the name), never an e-mail', async () => {
    const text = async (event: string, payload: any) =>
      (
        await composeMessage(
          {
            content: { kind: 'text', input: 'text', text: '${commit_author}|${pull_request_author}' },
            variables: undefined,
            status: '',
            title: '',
            mentions: [],
          },
          contextOf(event, payload),
        )
      ).content.text
    expect(await text('push', examplePayload('push'))).toBe('Codertocat|')
    expect(await text('pull_request', examplePayload('pull_request', 'opened'))).toBe('|Codertocat')
    expect(await text('workflow_run', examplePayload('workflow_run', 'completed'))).toBe('Mona Lisa|')
  })
})

describe('who the run means', () => {
  const users = new Map([['mapped', { kind: 'open_id' as const, id: 'ou_mapped' }]])

  it('a mapped commit author is their open_id; nobody is looked up', () => {
    const plan = planMentions(
      readMentionInput('${commit_author}'),
      users,
      pushWith({ name: 'M', email: 'm@example.com', username: 'Mapped' }),
      'app',
    )
    expect(lookupsOf(plan)).toEqual([])
    expect(settleMentions(plan, new Map())).toEqual({
      mentions: [{ id: 'ou_mapped' }],
      outcomes: [{ asked: '${commit_author} (@Mapped)', resolvedTo: 'ou_mapped', via: '`users`' }],
    })
  })

  it('an unmapped author is looked up by their commit e-mail, found or not', () => {
    const context = pushWith({ name: 'D', email: 'Dev@Example.com', username: 'dev' })
    const plan = planMentions(readMentionInput('${commit_author} @dev'), users, context, 'app')
    expect(lookupsOf(plan)).toEqual([{ email: 'Dev@Example.com' }])
    const found = settleMentions(plan, new Map([[lookupKey({ email: 'dev@example.com' }), 'ou_dev']]))
    expect(found.mentions).toEqual([{ id: 'ou_dev' }])
    const missed = settleMentions(
      plan,
      new Map([[lookupKey({ email: 'dev@example.com' }), { reason: 'not found', fix: 'map them' }]]),
    )
    expect(missed.mentions).toEqual([{ text: '@dev' }, { text: '@dev' }])
    expect(missed.outcomes[0]).toEqual({
      asked: '${commit_author} (@dev)',
      resolvedTo: '',
      via: 'the commit e-mail',
      problem: { reason: 'not found', fix: 'map them' },
    })
  })

  it('a noreply address is never looked up', () => {
    const payload = examplePayload('push')
    const context = runContext({ ...eventEnv('push', payload) }, payload)
    const plan = planMentions(readMentionInput('${commit_author}'), users, context, 'app')
    expect(lookupsOf(plan)).toEqual([])
    const { mentions, outcomes } = settleMentions(plan, new Map())
    expect(mentions).toEqual([{ text: '@Codertocat' }])
    expect(outcomes[0]!.problem!.reason).toBe(
      '@Codertocat is not in `users`, and GitHub gives only a noreply address for their commit',
    )
    expect(outcomes[0]!.problem!.fix).toContain(
      'map Codertocat to an open_id (ou_...), e-mail or phone number in `users`',
    )
  })

  it('a GitHub user is found by the e-mail of any commit of the push', () => {
    const context = pushWith({ name: 'A', email: 'a@example.com', username: 'a' }, [
      { author: { name: 'B', email: 'b@example.com', username: 'b-user' }, committer: {} },
    ])
    expect(lookupsOf(planMentions(readMentionInput('@B-User'), users, context, 'app'))).toEqual([
      { email: 'b@example.com' },
    ])
  })

  it('a commit author without a login is looked up by e-mail and shown masked', () => {
    const context = pushWith({ name: 'Z', email: 'zed@example.com' })
    const plan = planMentions(readMentionInput('${commit_author}'), users, context, 'app')
    expect(plan[0]!.asked).toBe('${commit_author} (z***@example.com)')
    expect(settleMentions(plan, new Map()).mentions).toEqual([{ text: 'z***@example.com' }])
  })

  it('the pull request author and the actor', () => {
    const payload = examplePayload('pull_request', 'opened')
    const context = runContext({ ...eventEnv('pull_request', payload), GITHUB_ACTOR: 'mapped' }, payload)
    const plan = planMentions(readMentionInput('${pull_request_author} ${actor}'), users, context, 'app')
    const { mentions, outcomes } = settleMentions(plan, new Map())
    expect(mentions).toEqual([{ text: '@Codertocat' }, { id: 'ou_mapped' }])
    expect(outcomes[0]!.problem!.reason).toContain('this event gives no e-mail for them')
    const push = planMentions(readMentionInput('${pull_request_author}'), users, pushWith({}), 'app')
    expect(settleMentions(push, new Map()).outcomes[0]!.problem!.reason).toBe(
      'this push event names no pull request author',
    )
  })

  it('a run person whose login is not a GitHub login names nobody', () => {
    const hostile = runContext({ GITHUB_EVENT_NAME: 'push', GITHUB_ACTOR: '<at id=all></at>' }, {})
    const { mentions, outcomes } = settleMentions(
      planMentions(readMentionInput('${actor}'), users, hostile, 'webhook'),
      new Map(),
    )
    expect(mentions).toEqual([])
    expect(outcomes).toEqual([
      {
        asked: '${actor}',
        resolvedTo: '',
        via: '',
        problem: {
          reason: 'this run names no GitHub user as its actor',
          fix: 'mention the person by @login or open_id',
        },
      },
    ])
  })

  it('a dry run looks nobody up and says what a real run would', () => {
    const plan = planMentions(readMentionInput('bob@example.com +8613812345678 ou_a'), users, pushWith({}), 'app')
    const { mentions, outcomes } = settleMentions(plan, undefined)
    expect(mentions).toEqual([{ text: 'b***@example.com' }, { text: '+86138****5678' }, { id: 'ou_a' }])
    expect(outcomes.map((outcome) => outcome.lookup ?? outcome.resolvedTo)).toEqual([
      'b***@example.com',
      '+86138****5678',
      'ou_a',
    ])
  })

  it('in webhook mode, a run person who would need a lookup is written as text with the fix, not an input error', () => {
    // ${actor} and ${commit_author} change from run to run: a notification must not fail on them.
    const context = pushWith({ name: 'D', email: 'dev@example.com', username: 'dev' })
    const [author] = planMentions(readMentionInput('${commit_author}'), users, context, 'webhook')
    expect(author!.target).toEqual({
      kind: 'none',
      problem: {
        reason: 'a custom bot webhook cannot look anyone up by e-mail',
        fix: expect.stringContaining('map dev to an open_id'),
      },
    })
    const noreply = pushWith({ name: 'D', email: '1+dev@users.noreply.github.com', username: 'dev' })
    const planned = planMentions(readMentionInput('${actor} ${commit_author}'), users, noreply, 'webhook')
    expect(planned.map((mention) => mention.target.kind)).toEqual(['none', 'none'])
    expect(() => planMentions(readMentionInput('${pull_request_author}'), users, context, 'webhook')).not.toThrow()
    // A person the input names is still an input error: that is a mistake in the workflow.
    expect(() => planMentions(readMentionInput('@nobody'), users, context, 'webhook')).toThrow(
      'Input `mention`: @nobody is not in `users`, and a custom bot webhook cannot look anyone up',
    )
  })

  it.each([
    ['mention', '@carol@secret.org'],
    ['mention', '(139)1234-5678'],
    ['mention', '139.1234.5678'],
    ['mention', 'tel:+8613912345678'],
    ['users', 'carol@secret.org: octocat'],
    ['users', '"+8613912345678": ou_x'],
    ['users', 'octocat: "carol@secret.org, 13912345678"'],
  ])('a mistyped %s entry %s is refused with its address or number masked', async (input, value) => {
    const error = await (async () => (input === 'mention' ? readMentionInput(value) : readUsersInput(value)))().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    )
    expect(error?.message).toMatch(new RegExp(`^Input \`${input}\`: `))
    expect(error?.message).not.toMatch(/carol@|1234-5678|1234\.5678|13912345678/)
  })

  it('never looks up a commit e-mail that GitHub has not tied to a login', () => {
    const spoofed = pushWith({ name: 'Totally the CEO', email: 'ceo@example.com' })
    const [author] = planMentions(readMentionInput('${commit_author}'), users, spoofed, 'app')
    expect(author!.target.kind).toBe('none')
    expect(lookupsOf([author!])).toEqual([])
    expect(author!.label).toBe('c***@example.com')
  })

  it('bounds the size of what the lookups can give', () => {
    const plan = planMentions(readMentionInput('all a@example.com @nobody'), users, pushWith({}), 'app')
    const size = (mentions: unknown) => JSON.stringify(mentions).length
    const bound = size(boundingMentions(plan))
    expect(bound).toBeGreaterThanOrEqual(size(settleMentions(plan, new Map()).mentions))
    const found = new Map([[lookupKey({ email: 'a@example.com' }), `ou_${'f'.repeat(32)}`]])
    expect(bound).toBeGreaterThanOrEqual(size(settleMentions(plan, found).mentions))
  })

  it('mentions each id once', () => {
    const plan = planMentions(readMentionInput('ou_mapped @mapped user_id:u1'), users, pushWith({}), 'app')
    expect(settleMentions(plan, new Map()).mentions).toEqual([{ id: 'ou_mapped' }, { id: 'u1' }])
  })
})

describe('lookup requests', () => {
  it('at most 50 e-mails and 50 numbers each, each person once', () => {
    const lookups = [
      ...Array.from({ length: 120 }, (_, index) => ({ email: `user${index}@example.com` })),
      { email: 'USER0@example.com' },
      { mobile: '13800000001' },
      { mobile: '+8613800000001' },
    ]
    const requests = batchGetIdRequests('https://open.feishu.cn', lookups)
    expect(requests.map((request) => request.url)).toEqual(
      Array(3).fill('https://open.feishu.cn/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id'),
    )
    const bodies = requests.map((request) => request.body as { emails?: string[]; mobiles?: string[] })
    expect(bodies.map((body) => body.emails?.length)).toEqual([50, 50, 20])
    expect(bodies.map((body) => body.mobiles)).toEqual([['+8613800000001'], undefined, undefined])
  })
})

describe('compose writes resolved mentions in each syntax', () => {
  const context = pushWith({ name: 'D', email: 'dev@example.com', username: 'dev' })
  const mentions = [{ id: 'ou_a' }, { text: '@dev<at id=all>' }, { id: 'all' }]
  const base = { variables: undefined, status: '' as const, title: '', mentions }

  it('text', async () => {
    const message = await composeMessage({ ...base, content: { kind: 'text', input: 'text', text: 'Hi' } }, context)
    expect(message.content.text).toBe('Hi\n<at user_id="ou_a"></at> @dev<\u200Bat id=all> <at user_id="all"></at>')
  })

  it('post', async () => {
    const post = { en_us: { title: 'T', content: [[{ tag: 'text', text: 'Hi' }]] } }
    const message = await composeMessage({ ...base, content: { kind: 'post', input: 'post', post } }, context)
    expect((message.content.en_us as { content: unknown[][] }).content[1]).toEqual([
      { tag: 'at', user_id: 'ou_a' },
      { tag: 'text', text: ' ' },
      { tag: 'text', text: '@dev<at id=all>' },
      { tag: 'text', text: ' ' },
      { tag: 'at', user_id: 'all' },
    ])
  })

  it('the build card', () => {
    const card = buildCard(context, { status: 'failure', title: '', mentions })
    const text = JSON.stringify(card)
    expect(text).toContain('<at id=ou_a></at> @dev<\u200Bat id=all> <at id=all></at>')
    expect(text.match(/<at /g)).toHaveLength(2)
  })
})
