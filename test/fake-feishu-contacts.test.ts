// The fake Feishu server's batch_get_id (§14.1) against docs/feishu-api.md, and the action's
// lookup (feishu/contacts.ts) against it: found and not found in both of the shapes a miss may
// take, resigned people, the 50-per-request limit, the missing scope, and the rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FeishuClient } from '../src/feishu/client.js'
import { lookUpOpenIds, lookupKey } from '../src/feishu/contacts.js'
import { startFakeFeishu } from './fake-feishu.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const LOOKUP = '/open-apis/contact/v3/users/batch_get_id'
const SCOPE = 'contact:user.id:readonly'
const APPS = {
  cli_test: { secret: 's', scopes: ['im:message:send_as_bot', SCOPE] },
  cli_noscope: { secret: 's', scopes: ['im:message:send_as_bot'] },
}
const USERS = [
  { open_id: 'ou_a', union_id: 'on_a', user_id: 'a', email: 'a@example.com', name: 'A', mobile: '+8613800000001' },
  { open_id: 'ou_r', union_id: 'on_r', user_id: 'r', email: 'r@example.com', name: 'R', resigned: true },
  { open_id: 'ou_o', union_id: 'on_o', user_id: 'o', email: 'o@example.com', name: 'O' },
]

async function tokenFor(fake: Fake, appId: string): Promise<string> {
  const res = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: appId, app_secret: 's' }),
  })
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token
}

async function lookup(fake: Fake, token: string, body: unknown, query = '?user_id_type=open_id') {
  const res = await fetch(`${fake.url}${LOOKUP}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as any, headers: res.headers }
}

function clientFor(fake: Fake, appId = 'cli_test') {
  return new FeishuClient({
    baseUrl: fake.url,
    appId,
    appSecret: 's',
    timeoutMs: 2000,
    maxRetries: 2,
    onSecret: () => {},
    log: () => {},
  })
}

describe('fake batch_get_id', () => {
  let fake: Fake
  beforeAll(async () => {
    fake = await startFakeFeishu({
      apps: APPS,
      users: USERS,
      outOfRange: ['o@example.com'],
      limits: { lookupPerSecond: 3 },
    })
  })
  afterAll(() => fake.close())

  it('answers code 0 with user_list: ids for people found, entries without user_id for the rest', async () => {
    const token = await tokenFor(fake, 'cli_test')
    const answer = await lookup(fake, token, {
      emails: ['A@example.com', 'r@example.com', 'o@example.com', 'x@example.com'],
      mobiles: ['13800000001'],
      include_resigned: false,
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({
      code: 0,
      msg: 'success',
      data: {
        user_list: [
          { user_id: 'ou_a', email: 'A@example.com' },
          { email: 'r@example.com' },
          { email: 'o@example.com' },
          { email: 'x@example.com' },
          { user_id: 'ou_a', mobile: '13800000001' },
        ],
      },
    })
    const resigned = await lookup(
      fake,
      token,
      { emails: ['r@example.com'], include_resigned: true },
      '?user_id_type=union_id',
    )
    expect(resigned.json.data.user_list).toEqual([{ user_id: 'on_r', email: 'r@example.com' }])
  })

  it('refuses more than 50 e-mails, a missing scope (99991672 with permission_violations), and too many requests', async () => {
    fake.reset()
    const token = await tokenFor(fake, 'cli_test')
    const many = await lookup(fake, token, { emails: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) })
    expect(many.status).toBe(400)
    expect(many.json.code).toBe(99992402)
    expect(many.json.error.field_violations[0].field).toBe('emails')

    const noScope = await lookup(fake, await tokenFor(fake, 'cli_noscope'), { emails: ['a@example.com'] })
    expect(noScope.status).toBe(400)
    expect(noScope.json.code).toBe(99991672)
    expect(noScope.json.error.permission_violations[0].subject).toBe(SCOPE)
    expect(noScope.json.error.helps[0].url).toContain('/app/cli_noscope/auth')

    fake.reset()
    for (let i = 0; i < 3; i++) expect((await lookup(fake, token, { emails: ['a@example.com'] })).status).toBe(200)
    const throttled = await lookup(fake, token, { emails: ['a@example.com'] })
    expect(throttled.status).toBe(429)
    expect(throttled.json.code).toBe(99991400)
    expect(throttled.headers.get('x-ogw-ratelimit-reset')).toBe('1')
  })
})

describe('fake card mentions (checkMentions)', () => {
  let fake: Fake
  beforeAll(async () => {
    fake = await startFakeFeishu({ apps: APPS, users: USERS, checkMentions: true })
  })
  afterAll(() => fake.close())

  it('fails a card that mentions an unknown id with 230099 / 100290, and takes known ids and all', async () => {
    const token = await tokenFor(fake, 'cli_test')
    const sendCard = async (markdown: string) => {
      const card = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: markdown }] } }
      const res = await fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ receive_id: 'oc_1', msg_type: 'interactive', content: JSON.stringify(card) }),
      })
      return (await res.json()) as { code: number; msg: string }
    }
    expect((await sendCard('<at id=ou_a></at> <at id=a></at> <at ids=ou_o,on_r></at> <at id=all></at>')).code).toBe(0)
    const refused = await sendCard('<at id=ou_nobody></at>')
    expect(refused.code).toBe(230099)
    expect(refused.msg).toContain('ErrCode: 100290')
  })
})

describe.each(['entry', 'absent'] as const)('lookUpOpenIds when a miss is %s', (lookupMiss) => {
  let fake: Fake
  beforeAll(async () => {
    fake = await startFakeFeishu({ apps: APPS, users: USERS, outOfRange: ['o@example.com'], lookupMiss })
  })
  afterAll(() => fake.close())

  it('finds who is there; everyone else is a problem with a fix, never an exception', async () => {
    const client = clientFor(fake)
    try {
      const found = await lookUpOpenIds(client, fake.url, [
        { email: 'a@example.com' },
        { email: 'r@example.com' },
        { email: 'o@example.com' },
        { mobile: '+8613800000001' },
      ])
      expect(found.get(lookupKey({ email: 'A@EXAMPLE.COM' }))).toBe('ou_a')
      expect(found.get(lookupKey({ mobile: '13800000001' }))).toBe('ou_a')
      for (const email of ['r@example.com', 'o@example.com']) {
        const problem = found.get(lookupKey({ email })) as { reason: string; fix: string }
        expect(problem.reason).toContain("not in the app's contact data range, resigned")
        expect(problem.fix).toContain('map them to an open_id in `users`')
      }
    } finally {
      await client.close()
    }
  })

  it('a missing scope is a problem for each person, naming the scope', async () => {
    fake.reset()
    const client = clientFor(fake, 'cli_noscope')
    try {
      const found = await lookUpOpenIds(client, fake.url, [{ email: 'a@example.com' }, { mobile: '+8613800000001' }])
      expect([...found.values()]).toEqual([
        expect.objectContaining({ reason: expect.stringContaining(`lacks the scope ${SCOPE}`) }),
        expect.objectContaining({ reason: expect.stringContaining(`lacks the scope ${SCOPE}`) }),
      ])
      expect(fake.requests.filter((request) => request.path === LOOKUP)).toHaveLength(1)
    } finally {
      await client.close()
    }
  })
})
