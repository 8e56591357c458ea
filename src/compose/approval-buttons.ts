// The approval gate's buttons and words for button mode: the Approve and Reject buttons added to a
// card JSON 2.0 (callback behaviour with a signed value, so a click comes back over the long
// connection: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/interactive-components/button),
// the toasts a click is answered with, and the card that answer carries. Every text in Simplified
// Chinese, English and Japanese; the card in all three at once (mergeLocales), the toast through its
// `i18n` field. Pure. Must not: sign values (feishu/approval-value.ts) or decide (approval-click.ts).

import { isPlainObject } from '../base/objects.js'
import type { Decision } from '../feishu/approval-value.js'
import { neutralizeMarkup } from '../markup/escape.js'
import { mergeLocales, type Locale } from './i18n.js'

type Json = Record<string, unknown>

interface Words {
  readonly approve: string
  readonly reject: string
  readonly title: string
  readonly thanks: Record<Decision, string>
  readonly notApprover: string
  readonly initiator: string
  readonly alreadyDecided: (by: string) => string
  readonly alreadyDecidedNobody: string
  readonly alreadyApproved: (count: number, needed: number) => string
  readonly recorded: (count: number, needed: number) => string
  readonly expired: string
  readonly invalid: string
  readonly decidedBy: Record<Decision, (people: string) => string>
  readonly progress: (count: number, needed: number) => string
  readonly others: (count: number) => string
  readonly run: (repository: string, runId: string, attempt: number) => string
}

const WORDS: Readonly<Record<Locale, Words>> = {
  en_us: {
    approve: 'Approve',
    reject: 'Reject',
    title: 'Approval',
    thanks: { approve: 'Approved — thank you', reject: 'Rejected — thank you' },
    notApprover: 'You are not an approver of this run',
    initiator: 'You started this run, so another approver must approve it',
    alreadyDecided: (by) => `Already decided by ${by}`,
    alreadyDecidedNobody: 'Already decided',
    alreadyApproved: (count, needed) => `You have already approved (${count} of ${needed})`,
    recorded: (count, needed) => `Approval recorded — ${count} of ${needed}`,
    expired: 'This approval request has expired',
    invalid: 'This button was not made by this app and does nothing',
    decidedBy: { approve: (people) => `Approved by ${people}`, reject: (people) => `Rejected by ${people}` },
    progress: (count, needed) => `Approvals: ${count} of ${needed}`,
    others: (count) => `${count} other approver${count === 1 ? '' : 's'}`,
    run: (repository, runId, attempt) => `${repository} · run ${runId} (attempt ${attempt})`,
  },
  zh_cn: {
    approve: '批准',
    reject: '拒绝',
    title: '审批',
    thanks: { approve: '已批准，谢谢', reject: '已拒绝，谢谢' },
    notApprover: '你不是此运行的审批人',
    initiator: '此运行由你发起，需由其他审批人批准',
    alreadyDecided: (by) => `已由 ${by} 决定`,
    alreadyDecidedNobody: '已有决定',
    alreadyApproved: (count, needed) => `你已批准（${count}/${needed}）`,
    recorded: (count, needed) => `已记录批准：${count}/${needed}`,
    expired: '此审批请求已过期',
    invalid: '此按钮并非由本应用生成，点击无效',
    decidedBy: { approve: (people) => `已由 ${people} 批准`, reject: (people) => `已由 ${people} 拒绝` },
    progress: (count, needed) => `批准进度：${count}/${needed}`,
    others: (count) => `另外 ${count} 位审批人`,
    run: (repository, runId, attempt) => `${repository} · 运行 ${runId}（第 ${attempt} 次尝试）`,
  },
  ja_jp: {
    approve: '承認',
    reject: '却下',
    title: '承認',
    thanks: { approve: '承認しました。ありがとうございます', reject: '却下しました。ありがとうございます' },
    notApprover: 'この実行の承認者ではありません',
    initiator: 'この実行を開始した本人のため、ほかの承認者の承認が必要です',
    alreadyDecided: (by) => `${by} がすでに決定しました`,
    alreadyDecidedNobody: 'すでに決定済みです',
    alreadyApproved: (count, needed) => `すでに承認済みです（${count}/${needed}）`,
    recorded: (count, needed) => `承認を記録しました：${count}/${needed}`,
    expired: 'この承認リクエストは期限切れです',
    invalid: 'このボタンはこのアプリが作成したものではないため無効です',
    decidedBy: { approve: (people) => `${people} が承認しました`, reject: (people) => `${people} が却下しました` },
    progress: (count, needed) => `承認：${count}/${needed}`,
    others: (count) => `ほか ${count} 名の承認者`,
    run: (repository, runId, attempt) => `${repository} · 実行 ${runId}（試行 ${attempt}）`,
  },
}

const LOCALES: readonly Locale[] = ['en_us', 'zh_cn', 'ja_jp']

/** The locale a value names, or English. */
export function localeOf(locale: string | undefined): Locale {
  return LOCALES.includes(locale as Locale) ? (locale as Locale) : 'en_us'
}

export type ToastKind = 'success' | 'info' | 'warning' | 'error'
/** Which words a toast says, and their arguments. */
export type ToastText =
  | { readonly kind: 'thanks'; readonly decision: Decision }
  | { readonly kind: 'notApprover' | 'initiator' | 'expired' | 'invalid' | 'alreadyDecidedNobody' }
  | { readonly kind: 'alreadyDecided'; readonly by: string }
  | { readonly kind: 'alreadyApproved' | 'recorded'; readonly count: number; readonly needed: number }

/** A callback toast: `content` in the gate's language, `i18n` in all three. */
export function toast(type: ToastKind, text: ToastText, locale: Locale): Json {
  const say = (words: Words): string => {
    switch (text.kind) {
      case 'thanks':
        return words.thanks[text.decision]
      case 'alreadyDecided':
        return words.alreadyDecided(text.by)
      case 'alreadyApproved':
      case 'recorded':
        return words[text.kind](text.count, text.needed)
      default:
        return words[text.kind]
    }
  }
  return {
    type,
    content: say(WORDS[locale]),
    i18n: Object.fromEntries(LOCALES.map((each) => [each, say(WORDS[each])])),
  }
}

/** Button values, signed by the caller (feishu/approval-value.ts signGateValue). */
export interface ButtonValues {
  readonly approve: Record<string, unknown>
  readonly reject: Record<string, unknown>
}

/** The two buttons in a column set; `i18n` gives each label's translations when the card has no per-locale copies. */
function buttonRow(values: ButtonValues, words: Words, i18n?: (decision: Decision) => Record<string, string>): Json {
  const button = (decision: Decision): Json => ({
    tag: 'column',
    width: 'auto',
    elements: [
      {
        tag: 'button',
        text: { tag: 'plain_text', content: words[decision], ...(i18n && { i18n_content: i18n(decision) }) },
        type: decision === 'approve' ? 'primary' : 'danger',
        behaviors: [{ type: 'callback', value: values[decision] }],
      },
    ],
  })
  return { tag: 'column_set', columns: [button('approve'), button('reject')] }
}

/**
 * `card` (JSON 2.0) with the Approve and Reject buttons appended to its body, and
 * `update_multi: true` set so an update reaches every reader. Throws on a card of another schema:
 * JSON 1.0 cards do not call back over the long connection.
 */
export function addApprovalButtons(card: Json, values: ButtonValues): Json {
  if (card.schema !== '2.0') throw new TypeError('approval buttons need a card JSON 2.0 (schema "2.0")')
  const copy = structuredClone(card)
  const body = isPlainObject(copy.body) ? copy.body : {}
  const elements: unknown[] = Array.isArray(body.elements) ? (body.elements as unknown[]) : []
  const row = buttonRow(values, WORDS.en_us, (decision) =>
    Object.fromEntries(LOCALES.map((locale) => [locale, WORDS[locale][decision]])),
  )
  copy.body = { ...body, elements: [...elements, row] }
  copy.config = { ...(isPlainObject(copy.config) ? copy.config : {}), update_multi: true }
  return copy
}

/** What the answer card shows: a decision, or approvals still to come with fresh buttons. */
export type AnswerState = Approvers &
  (
    | { readonly phase: 'decided'; readonly decision: Decision }
    | { readonly phase: 'waiting'; readonly count: number; readonly needed: number; readonly buttons: ButtonValues }
  )

/** Who answered: open_ids shown as mentions, labels as text, and how many are known only by hash. */
interface Approvers {
  readonly people: readonly string[]
  readonly names: readonly string[]
  readonly others: number
}

export interface AnswerCardOptions {
  readonly title?: string
  readonly repository: string
  readonly runId: string
  readonly attempt: number
}

/**
 * The card a click is answered with (schema 2.0, all three languages). `people` are open_ids shown
 * as mentions, `names` as text; `others` counts approvers known only by their hash. It replaces the card until the
 * owning run updates it with its own content.
 */
export function answerCard(state: AnswerState, options: AnswerCardOptions): Json {
  const build = (locale: Locale): Json => {
    const words = WORDS[locale]
    const named = state.people.map((openId) => `<at id=${openId.replace(/[^\w-]/g, '')}></at>`)
    const people = [
      ...named,
      ...state.names.map(neutralizeMarkup),
      ...(state.others > 0 ? [words.others(state.others)] : []),
    ].join(', ')
    const line =
      state.phase === 'decided'
        ? words.decidedBy[state.decision](people)
        : `${words.progress(state.count, state.needed)}${people ? ` · ${people}` : ''}`
    const elements: Json[] = [
      { tag: 'markdown', content: line },
      { tag: 'markdown', content: neutralizeMarkup(words.run(options.repository, options.runId, options.attempt)) },
    ]
    if (state.phase === 'waiting') elements.push(buttonRow(state.buttons, words))
    const template = state.phase === 'waiting' ? 'blue' : state.decision === 'approve' ? 'green' : 'red'
    return {
      schema: '2.0',
      config: { update_multi: true, summary: { content: line.replace(/<at id=[^>]*><\/at>/g, '@') } },
      header: { title: { tag: 'plain_text', content: neutralizeMarkup(options.title ?? words.title) }, template },
      body: { elements },
    }
  }
  return mergeLocales(LOCALES.map((locale) => [locale, build(locale)] as const))
}
