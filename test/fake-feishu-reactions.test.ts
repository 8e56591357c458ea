// The fake Feishu server's reactions (test/fake-feishu-reactions.mjs) against the documented
// contract, and the action's reactions module (feishu/reactions.ts) against the fake: the bot's
// reactions are operator_type app with the app_id, a user's in the id type asked, paging with
// page_token and page_size <= 50, the reaction_type filter, own-only delete, and the scopes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FeishuClient } from '../src/feishu/client.js'
import { FeishuError } from '../src/feishu/errors.js'
import { addReaction, listReactions } from '../src/feishu/reactions.js'
import { startFakeFeishu } from './fake-feishu.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const APPS = {
  cli_test: {
    secret: 'reactions-secret',
    scopes: ['im:message:send_as_bot', 'im:message.reactions:read', 'im:message.reactions:write_only'],
  },
  cli_other: {
    secret: 'reactions-secret',
    scopes: ['im:message:send_as_bot', 'im:message.reactions:read', 'im:message.reactions:write_only'],
  },
}

describe('fake Feishu reactions', () => {
  let fake: Fake
  let messageId: string
  const client = (appId = 'cli_test') =>
    new FeishuClient({
      baseUrl: fake.url,
      appId,
      appSecret: 'reactions-secret',
      timeoutMs: 5000,
      maxRetries: 0,
      onSecret: () => {},
      log: () => {},
    })
  const token = async (appId = 'cli_test'): Promise<string> => {
    const res = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: appId, app_secret: 'reactions-secret' }),
    })
    return ((await res.json()) as { tenant_access_token: string }).tenant_access_token
  }
  const get = async (query: string, appId = 'cli_test') => {
    const res = await fetch(`${fake.url}/open-apis/im/v1/messages/${messageId}/reactions?${query}`, {
      headers: { authorization: `Bearer ${await token(appId)}` },
    })
    return (await res.json()) as {
      code: number
      data: {
        items: { operator: { operator_id: string; operator_type: string } }[]
        has_more: boolean
        page_token?: string
      }
    }
  }

  beforeAll(async () => {
    fake = await startFakeFeishu({ apps: structuredClone(APPS) })
  })
  afterAll(() => fake.close())
  beforeEach(() => {
    fake.reset()
    messageId = fake.addMessage({
      chat_id: 'oc_1',
      msg_type: 'interactive',
      content: JSON.stringify({ schema: '2.0', body: { elements: [] } }),
    }).message_id
  })

  it('the bot reacts as operator_type app with its app_id; users as user, in the id type asked', async () => {
    const bot = client()
    await addReaction(bot, { baseUrl: fake.url, messageId, emoji: 'CheckMark' })
    fake.reactions.react({ messageId, user: 'ou_alice', emoji: 'CheckMark', at: 1700000000000 })
    const { reactions } = await listReactions(bot, { baseUrl: fake.url, messageId, idType: 'open_id' })
    expect(reactions).toEqual([
      { operatorType: 'app', operatorId: 'cli_test', emoji: 'CheckMark', actionTime: expect.any(Number) },
      { operatorType: 'user', operatorId: 'ou_alice', emoji: 'CheckMark', actionTime: 1700000000000 },
    ])
    const byUserId = await listReactions(bot, { baseUrl: fake.url, messageId, idType: 'user_id' })
    expect(byUserId.reactions[1]!.operatorId).toBe('alice')
    await bot.close()
  })

  it('pages with page_token (page_size at most 50) and filters by reaction_type', async () => {
    for (let i = 0; i < 60; i++)
      fake.reactions.react({ messageId, user: i % 2 ? 'ou_alice' : 'ou_bob', emoji: i % 3 ? 'CheckMark' : 'THUMBSUP' })
    expect((await get('page_size=51')).code).toBe(99992402)
    const first = await get('page_size=50')
    expect(first.data.items).toHaveLength(50)
    expect(first.data.has_more).toBe(true)
    const second = await get(`page_size=50&page_token=${first.data.page_token}`)
    expect(second.data.items).toHaveLength(10)
    expect(second.data.has_more).toBe(false)
    expect((await get('page_token=bogus')).code).toBe(99992402)
    const bot = client()
    const all = await listReactions(bot, { baseUrl: fake.url, messageId, idType: 'open_id' })
    expect(all).toMatchObject({ requests: 2 })
    expect(all.reactions).toHaveLength(60)
    const thumbs = await listReactions(bot, { baseUrl: fake.url, messageId, idType: 'open_id', emoji: 'THUMBSUP' })
    expect(thumbs.reactions).toHaveLength(20)
    expect(fake.reactions.listCount(messageId)).toBe(5)
    await bot.close()
  })

  it('an unknown emoji key is refused; delete takes only your own reactions', async () => {
    const bot = client()
    await expect(addReaction(bot, { baseUrl: fake.url, messageId, emoji: 'NoSuchEmoji' })).rejects.toMatchObject({
      code: 231001,
    })
    await addReaction(bot, { baseUrl: fake.url, messageId, emoji: 'CrossMark' })
    const [own] = fake.reactions.all
    const del = async (appId: string) =>
      (await (
        await fetch(`${fake.url}/open-apis/im/v1/messages/${messageId}/reactions/${own!.reaction_id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${await token(appId)}` },
        })
      ).json()) as { code: number }
    expect((await del('cli_other')).code).toBe(231003)
    expect((await del('cli_test')).code).toBe(0)
    expect(fake.reactions.all).toEqual([])
    await bot.close()
  })

  it('checks the scopes on every request, so a withdrawn one fails with 99991672 naming it', async () => {
    const bot = client('cli_other')
    await listReactions(bot, { baseUrl: fake.url, messageId, idType: 'open_id' })
    fake.reactions.revokeScope('cli_other', 'im:message.reactions:read')
    const error = await listReactions(bot, { baseUrl: fake.url, messageId, idType: 'open_id' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FeishuError)
    expect((error as FeishuError).code).toBe(99991672)
    expect((error as FeishuError).meaning).toContain('im:message.reactions:read')
    await bot.close()
  })

  it('a recalled message has no reactions list', async () => {
    fake.markMessage(messageId, 'recalled')
    expect((await get('')).code).toBe(230011)
  })
})
