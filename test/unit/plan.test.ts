// The app bot's delivery plan (src/feishu/plan.ts): where each request goes, and how targets are named.
import { describe, expect, it } from 'vitest'
import { planAppDelivery } from '../../src/feishu/plan.js'
import { describeReceiver, type Target } from '../../src/feishu/targets.js'

const base = {
  baseUrl: 'https://open.feishu.cn',
  receivers: [
    { receiveId: 'oc_1', receiveIdType: 'chat_id' as const },
    { receiveId: 'ou_1', receiveIdType: 'open_id' as const },
  ],
  updateMessageId: '',
  replyTo: '',
  replyInThread: false,
  uuid: '',
  message: { msgType: 'text' as const, content: { text: 'hi' } },
  step: ['1', '1', 'job', 'step'],
}

describe('planAppDelivery', () => {
  it('sends to every receiver, or acts on the one message an update or a reply names', () => {
    expect(planAppDelivery(base).targets).toEqual(base.receivers)
    expect(planAppDelivery({ ...base, updateMessageId: 'om_1', replyTo: 'om_2' }).targets).toEqual([
      { receiveIdType: 'update_message_id', receiveId: 'om_1' },
    ])
    expect(planAppDelivery({ ...base, replyTo: 'om_2' }).targets).toEqual([
      { receiveIdType: 'reply_to', receiveId: 'om_2' },
    ])
  })
})

describe('describeReceiver', () => {
  const cases: [Target, string][] = [
    [{ receiveId: '', receiveIdType: 'webhook' }, 'custom bot webhook'],
    [{ receiveId: 'om_1', receiveIdType: 'update_message_id' }, 'update of om_1'],
    [{ receiveId: 'om_2', receiveIdType: 'reply_to' }, 'reply to om_2'],
    [{ receiveId: 'oc_1', receiveIdType: 'chat_id' }, 'chat_id oc_1'],
  ]
  it.each(cases)('%j -> %s', (target, text) => {
    expect(describeReceiver(target)).toBe(text)
  })
})
