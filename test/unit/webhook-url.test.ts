import { describe, expect, it } from 'vitest'
import { hookBase, hookToken, shownHookUrl } from '../../src/feishu/hook-url.js'
import { isLoopback } from '../../src/base/urls.js'
import { hookTokenIn, resolveWebhookUrl } from '../../src/inputs/webhook.js'

const TOKEN = 'a1b2c3d4-0000-4000-8000-0123456789ab'

describe('resolveWebhookUrl', () => {
  it.each([
    [
      'a full Feishu URL, whatever the domain',
      `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
      'https://open.larksuite.com',
      `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'a full Lark URL, whatever the domain',
      `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`,
      'https://open.feishu.cn',
      `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'a bare token on Feishu',
      TOKEN,
      'https://open.feishu.cn',
      `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'a bare token on Lark',
      ` ${TOKEN} `,
      'https://open.larksuite.com',
      `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'a bare token behind a gateway prefix',
      TOKEN,
      'https://gw.example.com/feishu',
      `https://gw.example.com/feishu/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'a full URL behind a gateway prefix',
      `https://gw.example.com/feishu/open-apis/bot/v2/hook/${TOKEN}`,
      'https://open.feishu.cn',
      `https://gw.example.com/feishu/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'http on localhost',
      `http://localhost:8080/open-apis/bot/v2/hook/${TOKEN}`,
      'https://open.feishu.cn',
      `http://localhost:8080/open-apis/bot/v2/hook/${TOKEN}`,
    ],
    [
      'a URL with a trailing slash',
      `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}/`,
      'https://open.feishu.cn',
      `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
    ],
  ])('%s', (_, webhook, baseUrl, url) => {
    expect(resolveWebhookUrl(webhook, baseUrl)).toBe(url)
  })

  it.each([
    [`http://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, 'must be an https:// URL'],
    [`https://user:pw@open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, 'without a user, password'],
    [`https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}#x`, 'without a user, password, ?query or #fragment'],
    [`https://open.feishu.cn/open-apis/bot/v2/hook/`, 'not a custom bot hook'],
    [`https://open.feishu.cn/hook/${TOKEN}`, 'not a custom bot hook'],
    [`https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}%2F..`, 'not a custom bot hook'],
    [`open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, 'is neither a hook URL'],
    [`${TOKEN}/x`, 'is neither a hook URL'],
  ])('rejects %s without repeating the token', (webhook, message) => {
    expect(() => resolveWebhookUrl(webhook, 'https://open.feishu.cn')).toThrow(message)
    try {
      resolveWebhookUrl(webhook, 'https://open.feishu.cn')
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN)
      expect(String(error)).toMatch(/^InputError: Input `webhook`: /)
    }
  })
})

describe('the parts of a hook URL', () => {
  const url = `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`
  it('token, base and the shown form', () => {
    expect(hookToken(url)).toBe(TOKEN)
    expect(hookBase(url)).toBe('https://open.larksuite.com')
    expect(shownHookUrl(url)).toBe('https://open.larksuite.com/open-apis/bot/v2/hook/***')
  })

  it('finds the token to mask in whatever the input holds', () => {
    expect(hookTokenIn(url)).toBe(TOKEN)
    expect(hookTokenIn(`ftp://x/open-apis/bot/v2/hook/${TOKEN}?q`)).toBe(TOKEN)
    expect(hookTokenIn(TOKEN)).toBe('')
  })
})

describe('isLoopback', () => {
  it.each(['localhost', '[::1]', '127.0.0.1', '127.255.0.9'])('%s is loopback', (host) => {
    expect(isLoopback(host)).toBe(true)
  })

  it.each([
    'x127.0.0.1',
    '127.0.0.1.nip.io',
    '127.0.0.1x',
    '1127.0.0.1',
    '127.0.0.1234',
    'localhost.example',
    '10.0.0.1',
  ])('%s is not', (host) => {
    expect(isLoopback(host)).toBe(false)
  })
})
