// Approval buttons, pure parts: the signed value (feishu/approval-value.ts), the click rule
// (compose/approval-click.ts), the buttons and answer cards (compose/approval-buttons.ts), and the
// record read back from a reactions list.
import { describe, expect, it } from 'vitest'
import { addApprovalButtons, answerCard, toast } from '../../src/compose/approval-buttons.js'
import {
  decideClick,
  gateId,
  recordedDecision,
  RECORD_EMOJI,
  type ReactionItem,
} from '../../src/compose/approval-click.js'
import {
  approvalKey,
  approverHash,
  MAX_VALUE_BYTES,
  signGateValue,
  verifyGateValue,
  type GateValue,
} from '../../src/feishu/approval-value.js'

const KEY = approvalKey('app-secret')
const NOW = 1_800_000_000
const hash = (openId: string): string => approverHash(KEY, openId)
const GATE: GateValue = {
  repository: 'octo/app',
  runId: '99',
  attempt: 2,
  nonce: 'nonce-1',
  decision: 'approve',
  expiresAt: NOW + 60,
  approvers: [hash('ou_a'), hash('ou_b'), hash('ou_c')],
  approvals: 1,
}

describe('signed button values', () => {
  it('verifies what it signed, whatever order Feishu gives the keys back in', () => {
    const value = signGateValue(KEY, {
      ...GATE,
      title: 'Deploy?',
      locale: 'ja_jp',
      labels: ['@a', '@b', '@c'],
      excluded: hash('ou_i'),
    })
    const reordered = Object.fromEntries(Object.entries(value).reverse())
    expect(verifyGateValue(KEY, reordered, NOW)).toEqual({
      ok: true,
      value: { ...GATE, title: 'Deploy?', locale: 'ja_jp', labels: ['@a', '@b', '@c'], excluded: hash('ou_i') },
    })
    expect(JSON.stringify(value)).not.toContain('ou_a')
  })

  it('refuses forged, expired, foreign, malformed and oversized values', () => {
    const value = signGateValue(KEY, GATE)
    expect(verifyGateValue(approvalKey('other secret'), value, NOW)).toEqual({ ok: false, reason: 'forged' })
    for (const [field, changed] of [
      ['d', 'reject'],
      ['n', '98'],
      ['e', NOW + 9999],
      ['p', [hash('ou_x')]],
      ['q', 2],
      ['s', 'AAAA'],
    ] as const) {
      expect(verifyGateValue(KEY, { ...value, [field]: changed }, NOW)).toMatchObject({ ok: false, reason: 'forged' })
    }
    expect(verifyGateValue(KEY, value, NOW + 61)).toMatchObject({ ok: false, reason: 'expired', value: GATE })
    expect(verifyGateValue(KEY, value, NOW + 60)).toMatchObject({ ok: true })
    expect(verifyGateValue(KEY, { action: 'deploy' }, NOW)).toEqual({ ok: false, reason: 'foreign' })
    expect(verifyGateValue(KEY, 'approve', NOW)).toEqual({ ok: false, reason: 'foreign' })
    expect(verifyGateValue(KEY, [value], NOW)).toEqual({ ok: false, reason: 'foreign' })
    expect(verifyGateValue(KEY, { ...value, ccg: 2 }, NOW)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyGateValue(KEY, { ...value, a: '2' }, NOW)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyGateValue(KEY, { ...value, d: 'maybe' }, NOW)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyGateValue(KEY, { ...value, q: 4 }, NOW)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyGateValue(KEY, { ...value, s: undefined }, NOW)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyGateValue(KEY, { ...value, pad: 'x'.repeat(MAX_VALUE_BYTES) }, NOW)).toEqual({
      ok: false,
      reason: 'oversized',
    })
  })

  it('refuses to sign a gate that does not fit', () => {
    expect(() => signGateValue(KEY, { ...GATE, approvers: [] })).toThrow(/1 to 64 approvers/)
    expect(() => signGateValue(KEY, { ...GATE, approvals: 4 })).toThrow(/approvals between/)
    expect(() => signGateValue(KEY, { ...GATE, labels: ['@a'] })).toThrow(/one label per approver/)
    expect(() => signGateValue(KEY, { ...GATE, title: 'x'.repeat(101) })).toThrow(/title/)
    const many = Array.from({ length: 64 }, (_, index) => hash(`ou_${index}`))
    expect(() =>
      signGateValue(KEY, {
        ...GATE,
        approvers: many,
        labels: many.map((_, index) => `@a-very-long-login-name-${index}`.padEnd(40, 'x')),
      }),
    ).toThrow(/over 2048 bytes/)
    expect(Buffer.byteLength(JSON.stringify(signGateValue(KEY, { ...GATE, approvers: many })))).toBeLessThanOrEqual(
      MAX_VALUE_BYTES,
    )
  })
})

const click = (
  operatorOpenId: string,
  gate: Partial<GateValue> = {},
): { operatorOpenId: string; value: unknown; messageId: string } => ({
  operatorOpenId,
  value: signGateValue(KEY, { ...GATE, ...gate }),
  messageId: 'om_1',
})
const context = { key: KEY, nowS: NOW }

describe('the click rule', () => {
  it('an approver decides: thanks, the decided card, the record on the gate message', () => {
    const outcome = decideClick(click('ou_b'), context)
    expect(outcome.response.toast).toEqual(toast('success', { kind: 'thanks', decision: 'approve' }, 'en_us'))
    expect(outcome.response.toast).toMatchObject({
      content: 'Approved — thank you',
      i18n: { ja_jp: '承認しました。ありがとうございます' },
    })
    expect(outcome.response.card).toMatchObject({ type: 'raw', data: { schema: '2.0', header: { template: 'green' } } })
    expect(outcome.record).toEqual({
      messageId: 'om_1',
      emoji: RECORD_EMOJI.approve,
      decision: 'approve',
      gate: 'octo/app#99.2.nonce-1',
    })
    expect(outcome.decided).toEqual({ decision: 'approve', operatorOpenId: 'ou_b' })
    const rejected = decideClick(click('ou_c', { decision: 'reject', locale: 'zh_cn' }), {
      ...context,
      recordEmoji: { approve: 'OK', reject: 'ThumbsDown' },
    })
    expect(rejected.response.toast).toMatchObject({ type: 'success', content: '已拒绝，谢谢' })
    expect(rejected.record).toMatchObject({ emoji: 'ThumbsDown', decision: 'reject' })
    expect(JSON.stringify(rejected.response.card)).toContain('已由 <at id=ou_c></at> 拒绝')
  })

  it('a non-approver, an expired button, a forged one and a foreign payload have no effect', () => {
    const stranger = decideClick(click('ou_x'), context)
    expect(stranger).toEqual({
      response: { toast: toast('error', { kind: 'notApprover' }, 'en_us') },
      gate: 'octo/app#99.2.nonce-1',
    })
    expect(stranger.response.toast).toMatchObject({ content: 'You are not an approver of this run' })
    const expired = decideClick(click('ou_a'), { ...context, nowS: NOW + 61 })
    expect(expired.response.toast).toMatchObject({ type: 'warning', content: 'This approval request has expired' })
    expect(expired.record).toBeUndefined()
    const forged = decideClick(
      { ...click('ou_a'), value: { ...(click('ou_a').value as object), r: 'evil/repo' } },
      context,
    )
    expect(forged.response.toast).toMatchObject({ type: 'error' })
    expect(forged.record).toBeUndefined()
    expect(decideClick({ operatorOpenId: 'ou_a', value: { other: 'app' }, messageId: 'om_1' }, context)).toEqual({
      response: {},
    })
  })

  it('a decided gate says who decided it', () => {
    expect(
      decideClick(click('ou_a'), { ...context, prior: { decision: 'approve', by: '@alice' } }).response.toast,
    ).toMatchObject({
      type: 'info',
      content: 'Already decided by @alice',
      i18n: { zh_cn: '已由 @alice 决定' },
    })
    const nobody = decideClick(click('ou_a'), { ...context, prior: { decision: 'reject' } })
    expect(nobody.response.toast).toMatchObject({ content: 'Already decided' })
    expect(nobody.record).toBeUndefined()
  })

  it('the four-eyes rule: the initiator may reject, not approve', () => {
    const excluded = hash('ou_i')
    const approve = decideClick(click('ou_i', { excluded }), context)
    expect(approve.response.toast).toMatchObject({
      type: 'warning',
      content: 'You started this run, so another approver must approve it',
    })
    expect(approve.record).toBeUndefined()
    expect(decideClick(click('ou_i', { excluded, decision: 'reject' }), context).record).toMatchObject({
      decision: 'reject',
    })
  })

  it('approvals: 2 — the first approval is carried in fresh buttons, the second distinct one decides', () => {
    const first = decideClick(click('ou_a', { approvals: 2, labels: ['@a', '@b', '@c'] }), context)
    expect(first.response.toast).toMatchObject({ content: 'Approval recorded — 1 of 2' })
    expect(first.record).toBeUndefined()
    const card = (first.response.card as { data: Record<string, unknown> }).data
    const buttons = JSON.stringify(card)
      .match(/"value":(\{[^}]*\})/g)!
      .map((match) => JSON.parse(match.slice(8)) as Record<string, unknown>)
    expect(buttons.map((value) => value.d)).toEqual(['approve', 'reject'])
    const again = decideClick({ operatorOpenId: 'ou_a', value: buttons[0], messageId: 'om_1' }, context)
    expect(again.response.toast).toMatchObject({ content: 'You have already approved (1 of 2)' })
    const second = decideClick({ operatorOpenId: 'ou_b', value: buttons[0], messageId: 'om_1' }, context)
    expect(second.record).toMatchObject({ decision: 'approve' })
    expect(JSON.stringify(second.response.card)).toContain('Approved by <at id=ou_b></at>, @a')
    const unlabelled = decideClick(
      {
        operatorOpenId: 'ou_c',
        value: signGateValue(KEY, { ...GATE, approvals: 2, approvedBy: [hash('ou_a')] }),
        messageId: 'om_1',
      },
      context,
    )
    expect(JSON.stringify(unlabelled.response.card)).toContain('Approved by <at id=ou_c></at>, 1 other approver')
  })

  it('gateId names repository, run, attempt and nonce', () => {
    expect(gateId(GATE)).toBe('octo/app#99.2.nonce-1')
  })
})

describe('buttons and cards', () => {
  const values = { approve: { v: 'a' }, reject: { v: 'r' } }

  it('adds Approve and Reject with callback behaviours to a 2.0 card, in three languages, with update_multi', () => {
    const card = {
      schema: '2.0',
      config: { wide_screen_mode: true },
      body: { elements: [{ tag: 'markdown', content: 'Deploy?' }] },
    }
    const withButtons = addApprovalButtons(card, values)
    expect(card.body.elements).toHaveLength(1)
    expect(withButtons.config).toEqual({ wide_screen_mode: true, update_multi: true })
    const row = (withButtons.body as { elements: unknown[] }).elements[1]
    expect(row).toMatchObject({
      tag: 'column_set',
      columns: [
        {
          elements: [
            {
              tag: 'button',
              type: 'primary',
              text: { content: 'Approve', i18n_content: { zh_cn: '批准', ja_jp: '承認' } },
              behaviors: [{ type: 'callback', value: values.approve }],
            },
          ],
        },
        {
          elements: [
            {
              tag: 'button',
              type: 'danger',
              text: { content: 'Reject' },
              behaviors: [{ type: 'callback', value: values.reject }],
            },
          ],
        },
      ],
    })
    expect(() => addApprovalButtons({ elements: [] }, values)).toThrow(/card JSON 2\.0/)
  })

  it('answer cards neutralise the title and show progress with buttons while waiting', () => {
    const waiting = answerCard(
      { phase: 'waiting', count: 1, needed: 2, people: ['ou_a'], names: [], others: 0, buttons: values },
      { title: '<at id=all></at>', repository: 'octo/app', runId: '1', attempt: 1 },
    )
    expect(JSON.stringify(waiting)).not.toContain('<at id=all>')
    expect(waiting.header).toMatchObject({ template: 'blue' })
    expect(JSON.stringify(waiting)).toContain('Approvals: 1 of 2 · <at id=ou_a></at>')
    expect(JSON.stringify(waiting)).toContain('"behaviors"')
    const decided = answerCard(
      { phase: 'decided', decision: 'reject', people: ['ou_a"><x'], names: [], others: 0 },
      { repository: 'o/r', runId: '1', attempt: 1 },
    )
    expect(JSON.stringify(decided)).toContain('<at id=ou_ax></at>')
    expect(JSON.stringify(decided)).not.toContain('"behaviors"')
    expect(decided.header).toMatchObject({ template: 'red', title: { content: 'Approval' } })
  })
})

describe('the record, read back by the owning run', () => {
  const app = (emoji: string, appId = 'cli_me'): ReactionItem => ({ operatorType: 'app', operatorId: appId, emoji })
  it('counts only this app’s record reactions; a reject wins a race', () => {
    expect(recordedDecision([], 'cli_me')).toBeUndefined()
    expect(
      recordedDecision(
        [app('CheckMark'), app('DONE', 'cli_other'), { operatorType: 'user', operatorId: 'ou_a', emoji: 'DONE' }],
        'cli_me',
      ),
    ).toBeUndefined()
    expect(recordedDecision([app('DONE')], 'cli_me')).toBe('approve')
    expect(recordedDecision([app('DONE'), app('No')], 'cli_me')).toBe('reject')
    expect(recordedDecision([app('OK')], 'cli_me', { approve: 'OK', reject: 'No' })).toBe('approve')
  })
})
