// The approval gate's pure parts: the decision rules, the duration input, the input rules, the
// card's words in each language, and the wait loop fed by a scripted answer source.
import { describe, expect, it } from 'vitest'
import { manualCancellation } from '../../src/base/cancel.js'
import { approvalCard, stateText, withStateLine, type ApprovalState } from '../../src/compose/approval-card.js'
import { APPROVAL_LABELS } from '../../src/compose/approval-labels.js'
import { runContext } from '../../src/github/context.js'
import { decide, describeRule, type DecisionRule, type Vote } from '../../src/approval/decision.js'
import { waitForDecision } from '../../src/approval/wait.js'
import { FeishuError } from '../../src/feishu/errors.js'
import type { FeishuClient } from '../../src/feishu/client.js'
import { formatDuration, parseDuration, readApprovalInputs, type GateContext } from '../../src/inputs/approval.js'
import { InputError } from '../../src/inputs/errors.js'

const rule = (over: Partial<DecisionRule> = {}): DecisionRule => ({
  approvers: new Set(['ou_a', 'ou_b', 'ou_c']),
  approvals: 1,
  excluded: '',
  ...over,
})
const vote = (id: string, choice: 'approve' | 'reject', at: number, operatorType = 'user'): Vote => ({
  operatorType,
  operatorId: id,
  choice,
  at,
})

describe('decision rules', () => {
  it('one approve of an approver decides when one is needed', () => {
    expect(decide([vote('ou_a', 'approve', 5)], rule())).toEqual({
      state: 'approved',
      answers: [{ id: 'ou_a', decision: 'approve', at: 5 }],
      decidedAt: 5,
    })
  })

  it('approvals: 2 counts distinct people; the same person twice is one', () => {
    const twice = [vote('ou_a', 'approve', 1), vote('ou_a', 'approve', 2)]
    expect(decide(twice, rule({ approvals: 2 })).state).toBe('pending')
    const verdict = decide([...twice, vote('ou_b', 'approve', 3)], rule({ approvals: 2 }))
    expect(verdict).toMatchObject({ state: 'approved', decidedAt: 3 })
    expect(verdict.answers.map((answer) => answer.id)).toEqual(['ou_a', 'ou_b'])
  })

  it('one reject of an approver rejects, even after approves that did not yet decide', () => {
    const verdict = decide([vote('ou_a', 'approve', 1), vote('ou_b', 'reject', 2)], rule({ approvals: 2 }))
    expect(verdict).toMatchObject({ state: 'rejected', decidedAt: 2 })
    expect(verdict.answers).toEqual([
      { id: 'ou_a', decision: 'approve', at: 1 },
      { id: 'ou_b', decision: 'reject', at: 2 },
    ])
  })

  it('answers are taken in time order, not in the order listed', () => {
    expect(decide([vote('ou_b', 'reject', 9), vote('ou_a', 'approve', 3)], rule()).state).toBe('approved')
    expect(decide([vote('ou_a', 'approve', 9), vote('ou_b', 'reject', 3)], rule()).state).toBe('rejected')
  })

  it("foreign people's and the bot's reactions do not count", () => {
    const votes = [
      vote('ou_x', 'approve', 1),
      vote('ou_x', 'reject', 2),
      vote('cli_app', 'approve', 3, 'app'),
      vote('ou_a', 'reject', 4, 'app'),
    ]
    expect(decide(votes, rule())).toEqual({ state: 'pending', answers: [] })
  })

  it('the excluded initiator cannot approve but can reject', () => {
    const excluded = rule({ excluded: 'ou_a' })
    expect(decide([vote('ou_a', 'approve', 1)], excluded).state).toBe('pending')
    expect(decide([vote('ou_a', 'reject', 1)], excluded).state).toBe('rejected')
    expect(decide([vote('ou_a', 'approve', 1), vote('ou_b', 'approve', 2)], excluded)).toMatchObject({
      state: 'approved',
      answers: [{ id: 'ou_b' }],
    })
  })

  it('a removed approve is no longer in the snapshot, so it no longer counts', () => {
    const two = rule({ approvals: 2 })
    expect(decide([vote('ou_a', 'approve', 1)], two).answers).toHaveLength(1)
    expect(decide([vote('ou_b', 'approve', 2)], two)).toEqual({
      state: 'pending',
      answers: [{ id: 'ou_b', decision: 'approve', at: 2 }],
    })
  })

  it('says the rule in words', () => {
    expect(describeRule(rule({ approvals: 2, excluded: 'ou_a' }))).toBe(
      '2 of 2 approver(s) (ou_a, ou_b, ou_c) must approve with a CheckMark reaction; one CrossMark reaction from an approver rejects; ou_a started the run and cannot approve it (they may reject)',
    )
  })
})

describe('approval-timeout', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['45', 45_000],
    ['1.5h', 5_400_000],
    ['10S', 10_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms))

  it.each(['', 'soon', '1d', '-5m', '5 minutes', '1h1h', 'm', '0x10'])('%s is not a duration', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  )

  it.each([
    [3_600_000, '1h'],
    [90_000, '1m 30s'],
    [10_000, '10s'],
    [5_400_000, '1h 30m'],
  ])('%d ms is written %s', (ms, text) => expect(formatDuration(ms)).toBe(text))
})

describe('approval inputs', () => {
  const context: GateContext = {
    mode: 'app',
    receivers: [{ receiveId: 'oc_1', receiveIdType: 'chat_id' }],
    updateMessageId: '',
    replyTo: '',
    contentInput: 'preset',
    preset: '',
  }
  const read = (inputs: Record<string, string>, over: Partial<GateContext> = {}) =>
    readApprovalInputs(
      (name) => inputs[name] ?? '',
      (name) => inputs[name] === 'true',
      { ...context, ...over },
    )
  const inputError = (inputs: Record<string, string>, over: Partial<GateContext> = {}): string => {
    try {
      read(inputs, over)
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as InputError).input
    }
    throw new Error('no input error')
  }

  it('reads approvers in the forms of mention, and the defaults', () => {
    expect(read({ approvers: 'ou_a, user_id:bob, @octocat, ${actor}' })).toEqual({
      approvers: [
        { kind: 'person', person: { kind: 'open_id', id: 'ou_a' } },
        { kind: 'person', person: { kind: 'user_id', id: 'bob' } },
        { kind: 'github', login: 'octocat' },
        { kind: 'run', who: 'actor' },
      ],
      approvals: 1,
      timeoutMs: 3_600_000,
      excludeInitiator: false,
    })
  })

  it.each<[Record<string, string>, Partial<GateContext>, string]>([
    [{ approvers: 'ou_a' }, { mode: 'webhook' }, 'approvers'],
    [{ approvers: 'ou_a' }, { receivers: [] }, 'chat-id'],
    [
      { approvers: 'ou_a', 'receive-id': 'ou_x,ou_y' },
      {
        receivers: [
          { receiveId: 'ou_x', receiveIdType: 'open_id' },
          { receiveId: 'ou_y', receiveIdType: 'open_id' },
        ],
      },
      'receive-id',
    ],
    [{ approvers: 'ou_a', approvals: '2' }, {}, 'approvals'],
    [{ approvers: 'ou_a', approvals: '0' }, {}, 'approvals'],
    [{ approvers: 'ou_a', 'approval-timeout': '9s' }, {}, 'approval-timeout'],
    [{ approvers: 'ou_a', 'approval-timeout': '6h1s' }, {}, 'approval-timeout'],
    [{ approvals: '2' }, {}, 'approvals'],
    [{ 'exclude-initiator': 'true' }, {}, 'exclude-initiator'],
    [{ approvers: 'all' }, {}, 'approvers'],
    [{ approvers: 'not a person' }, {}, 'approvers'],
    [{ approvers: 'ou_a' }, { updateMessageId: 'om_1' }, 'update-message-id'],
    [{ approvers: 'ou_a' }, { replyTo: 'om_1' }, 'reply-to'],
    [{ approvers: 'ou_a' }, { contentInput: 'post' }, 'post'],
    [{ approvers: 'ou_a', preset: 'release' }, { preset: 'release' }, 'preset'],
    [{ approvers: 'ou_a', mention: 'ou_b' }, {}, 'mention'],
  ])('%o with %o is an error naming `%s`', (inputs, over, input) => expect(inputError(inputs, over)).toBe(input))

  it('6h is the longest wait', () => {
    expect(read({ approvers: 'ou_a', 'approval-timeout': '6h' }).timeoutMs).toBe(21_600_000)
  })
})

describe('approval card texts', () => {
  const context = runContext(
    {
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKFLOW: 'Release',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_ACTOR: 'octocat',
      GITHUB_REF: 'refs/tags/v2.3.0',
      GITHUB_REF_NAME: 'v2.3.0',
      GITHUB_EVENT_NAME: 'push',
    },
    {},
  )
  const options = {
    approvers: [{ id: 'ou_a' }, { text: '@nobody' }],
    approvals: 1,
    eligible: 1,
    excludeInitiator: true,
    title: '',
    language: 'auto' as const,
  }
  const states: ApprovalState[] = [
    { kind: 'waiting' },
    { kind: 'approved', by: ['ou_a', 'ou_b'], at: Date.UTC(2026, 0, 1, 14, 2) },
    { kind: 'rejected', by: ['ou_c'], at: Date.UTC(2026, 0, 1, 9, 5) },
    { kind: 'expired', afterText: '1h' },
    { kind: 'cancelled' },
  ]

  it.each([
    [
      'en_us',
      [
        'To answer, react to this card: ✅ **CheckMark** approves, ❌ **CrossMark** rejects.',
        '✅ Approved by <at id=ou_a></at>, <at id=ou_b></at> at 14:02 UTC',
        '❌ Rejected by <at id=ou_c></at> at 09:05 UTC',
        '⌛ Expired after 1h — nobody answered',
        '⏹ Cancelled — the run was cancelled',
      ],
    ],
    [
      'zh_cn',
      [
        '请在此卡片上添加表情回复作答：✅ **CheckMark** 表示同意，❌ **CrossMark** 表示拒绝。',
        '✅ <at id=ou_a></at>, <at id=ou_b></at> 已于 14:02 UTC 同意',
        '❌ <at id=ou_c></at> 已于 09:05 UTC 拒绝',
        '⌛ 1h 内无人回复，已过期',
        '⏹ 已取消 — 本次运行已被取消',
      ],
    ],
    [
      'ja_jp',
      [
        'このカードにリアクションで回答してください：✅ **CheckMark** で承認、❌ **CrossMark** で却下。',
        '✅ <at id=ou_a></at>, <at id=ou_b></at> が 14:02 UTC に承認しました',
        '❌ <at id=ou_c></at> が 09:05 UTC に却下しました',
        '⌛ 1h 以内に回答がなく、期限切れになりました',
        '⏹ キャンセル — 実行がキャンセルされました',
      ],
    ],
  ] as const)('%s: the state lines', (locale, lines) => {
    expect(states.map((state) => stateText(state, APPROVAL_LABELS[locale]))).toEqual(lines)
  })

  it('the built-in card: facts, approvers mentioned, the rule, instructions only while waiting, every language', () => {
    const waiting = approvalCard(context, options, { kind: 'waiting' })
    const text = JSON.stringify(waiting)
    expect(waiting.schema).toBe('2.0')
    expect(waiting.config).toMatchObject({ update_multi: true, locales: ['en_us', 'zh_cn', 'ja_jp'] })
    expect(text).toContain('**Repository:** [octo/app](https://github.com/octo/app)')
    expect(text).toContain('**Ref:** v2.3.0')
    expect(text).toContain('**Started by:** octocat')
    expect(text).toContain('<at id=ou_a></at> @nobody')
    expect(text).toContain('The person who started the run cannot approve it.')
    expect(text).toContain('需要审批：Release')
    expect(text).toContain('承認が必要です：Release')
    const done = JSON.stringify(approvalCard(context, options, states[1]!))
    expect(done).not.toContain('CheckMark** approves')
    expect(done).toContain('"template":"green"')
    expect(JSON.stringify(approvalCard(context, options, states[2]!))).toContain('"template":"red"')
    const one = approvalCard(context, { ...options, language: 'ja_jp' }, { kind: 'cancelled' })
    expect(JSON.stringify(one)).not.toContain('i18n_content')
    expect(JSON.stringify(one)).toContain('キャンセル — 実行がキャンセルされました')
  })

  it("a title with markup stays text; a user's 1.0 and 2.0 cards get the state line at the end", () => {
    const titled = approvalCard(context, { ...options, title: '<at id=all></at> Deploy?' }, { kind: 'waiting' })
    expect(JSON.stringify(titled)).not.toContain('<at id=all>')
    const v2 = withStateLine({ schema: '2.0', body: { elements: [{ tag: 'hr' }] } }, { kind: 'cancelled' }, 'en_us')
    expect(v2).toEqual({
      schema: '2.0',
      body: { elements: [{ tag: 'hr' }, { tag: 'markdown', content: '⏹ Cancelled — the run was cancelled' }] },
    })
    const v1 = withStateLine({ elements: [{ tag: 'hr' }] }, { kind: 'cancelled' }, 'auto')
    expect(v1.elements).toEqual([{ tag: 'hr' }, { tag: 'markdown', content: '⏹ Cancelled — the run was cancelled' }])
  })
})

describe('waitForDecision', () => {
  const client = {} as FeishuClient
  const base = {
    client,
    baseUrl: 'http://127.0.0.1:1',
    messageId: 'om_1',
    idType: 'open_id' as const,
    rule: rule(),
    interval: { minMs: 5, maxMs: 10 },
  }

  it('looks until the rules decide, then stops looking', async () => {
    let looks = 0
    const outcome = await waitForDecision({
      ...base,
      timeoutMs: 5000,
      cancellation: manualCancellation(),
      votesFrom: () => Promise.resolve(++looks < 3 ? [vote('ou_x', 'approve', 1)] : [vote('ou_b', 'approve', 2)]),
    })
    expect(outcome).toEqual({ kind: 'approved', answers: [{ id: 'ou_b', decision: 'approve', at: 2 }], decidedAt: 2 })
    expect(looks).toBe(3)
  })

  it('expires at the timeout with the answers so far', async () => {
    const outcome = await waitForDecision({
      ...base,
      rule: rule({ approvals: 2 }),
      timeoutMs: 60,
      cancellation: manualCancellation(),
      votesFrom: () => Promise.resolve([vote('ou_a', 'approve', 1)]),
    })
    expect(outcome).toEqual({ kind: 'expired', answers: [{ id: 'ou_a', decision: 'approve', at: 1 }] })
  })

  it('retries 5xx, 429 and network errors without ending the wait, and stops at once when cancelled', async () => {
    const cancellation = manualCancellation()
    const errors = [
      new FeishuError({ code: null, msg: '', httpStatus: 502, logId: '', meaning: 'bad gateway', fix: '' }),
      new FeishuError({
        code: 99991400,
        msg: '',
        httpStatus: 429,
        logId: '',
        meaning: 'limit',
        fix: '',
        rateLimitResetSeconds: 0,
      }),
      new FeishuError({ code: null, msg: '', httpStatus: null, logId: '', meaning: 'ECONNRESET', fix: '' }),
    ]
    const retried: string[] = []
    let looks = 0
    const outcome = await waitForDecision({
      ...base,
      timeoutMs: 60_000,
      cancellation,
      onRetry: (line) => retried.push(line),
      votesFrom: async () => {
        looks++
        const error = errors.shift()
        if (error) throw error
        cancellation.cancel('SIGTERM')
        // A look in flight when the signal comes is not waited for.
        return new Promise<Vote[]>(() => {})
      },
    })
    expect(outcome).toEqual({ kind: 'cancelled', answers: [], reason: 'SIGTERM' })
    expect(looks).toBe(4)
    expect(retried).toHaveLength(3)
  })

  it('a failure that trying again cannot fix ends the wait with that error', async () => {
    const missing = new FeishuError({ code: 99991672, msg: '', httpStatus: 400, logId: '', meaning: 'scope', fix: '' })
    await expect(
      waitForDecision({
        ...base,
        timeoutMs: 60_000,
        cancellation: manualCancellation(),
        votesFrom: () => Promise.reject(missing),
      }),
    ).rejects.toBe(missing)
  })
})
