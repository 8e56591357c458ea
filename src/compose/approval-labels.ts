// The approval card's own words in Simplified Chinese, English and Japanese, like i18n.ts for the
// other built-in cards. Pure. Must not: translate text people wrote (names, titles, refs).

import type { Locale } from './i18n.js'

export interface ApprovalLabels {
  readonly title: (workflow: string) => string
  readonly summary: (workflow: string) => string
  readonly repository: string
  readonly ref: string
  readonly workflow: string
  readonly run: (number: string) => string
  readonly startedBy: string
  readonly approvers: string
  readonly rule: (approvals: number, of: number) => string
  readonly initiatorExcluded: string
  readonly howTo: string
  readonly viewRun: string
  readonly tag: {
    waiting: string
    approved: string
    rejected: string
    expired: string
    cancelled: string
    stopped: string
  }
  readonly approvedBy: (who: string, at: string) => string
  readonly rejectedBy: (who: string, at: string) => string
  readonly expired: (after: string) => string
  readonly cancelled: string
  readonly stopped: (reason: string) => string
}

const en: ApprovalLabels = {
  title: (workflow) => `Approval needed: ${workflow}`,
  summary: (workflow) => `Approval needed: ${workflow}`,
  repository: 'Repository',
  ref: 'Ref',
  workflow: 'Workflow',
  run: (n) => `run #${n}`,
  startedBy: 'Started by',
  approvers: 'Approvers',
  rule: (approvals, of) => `${approvals} of ${of} must approve; one rejection rejects.`,
  initiatorExcluded: 'The person who started the run cannot approve it.',
  howTo: 'To answer, react to this card: ✅ **CheckMark** approves, ❌ **CrossMark** rejects.',
  viewRun: 'View run',
  tag: {
    waiting: 'Waiting',
    approved: 'Approved',
    rejected: 'Rejected',
    expired: 'Expired',
    cancelled: 'Cancelled',
    stopped: 'Not waiting',
  },
  approvedBy: (who, at) => `✅ Approved by ${who} at ${at}`,
  rejectedBy: (who, at) => `❌ Rejected by ${who} at ${at}`,
  expired: (after) => `⌛ Expired after ${after} — nobody answered`,
  cancelled: '⏹ Cancelled — the run was cancelled',
  stopped: (reason) => `⚠️ Not waiting — ${reason}`,
}

const zh: ApprovalLabels = {
  title: (workflow) => `需要审批：${workflow}`,
  summary: (workflow) => `需要审批：${workflow}`,
  repository: '仓库',
  ref: '引用',
  workflow: '工作流',
  run: (n) => `运行 #${n}`,
  startedBy: '发起人',
  approvers: '审批人',
  rule: (approvals, of) => `${of} 人中需 ${approvals} 人同意；任一人拒绝即拒绝。`,
  initiatorExcluded: '发起本次运行的人不能审批通过。',
  howTo: '请在此卡片上添加表情回复作答：✅ **CheckMark** 表示同意，❌ **CrossMark** 表示拒绝。',
  viewRun: '查看运行',
  tag: {
    waiting: '等待审批',
    approved: '已同意',
    rejected: '已拒绝',
    expired: '已过期',
    cancelled: '已取消',
    stopped: '未等待',
  },
  approvedBy: (who, at) => `✅ ${who} 已于 ${at} 同意`,
  rejectedBy: (who, at) => `❌ ${who} 已于 ${at} 拒绝`,
  expired: (after) => `⌛ ${after} 内无人回复，已过期`,
  cancelled: '⏹ 已取消 — 本次运行已被取消',
  stopped: (reason) => `⚠️ 未等待 — ${reason}`,
}

const ja: ApprovalLabels = {
  title: (workflow) => `承認が必要です：${workflow}`,
  summary: (workflow) => `承認が必要です：${workflow}`,
  repository: 'リポジトリ',
  ref: 'リファレンス',
  workflow: 'ワークフロー',
  run: (n) => `実行 #${n}`,
  startedBy: '実行者',
  approvers: '承認者',
  rule: (approvals, of) => `${of} 人中 ${approvals} 人の承認が必要です。1 人でも却下すると却下されます。`,
  initiatorExcluded: '実行を開始した人は承認できません。',
  howTo: 'このカードにリアクションで回答してください：✅ **CheckMark** で承認、❌ **CrossMark** で却下。',
  viewRun: '実行を表示',
  tag: {
    waiting: '承認待ち',
    approved: '承認済み',
    rejected: '却下',
    expired: '期限切れ',
    cancelled: 'キャンセル',
    stopped: '待機なし',
  },
  approvedBy: (who, at) => `✅ ${who} が ${at} に承認しました`,
  rejectedBy: (who, at) => `❌ ${who} が ${at} に却下しました`,
  expired: (after) => `⌛ ${after} 以内に回答がなく、期限切れになりました`,
  cancelled: '⏹ キャンセル — 実行がキャンセルされました',
  stopped: (reason) => `⚠️ 待機なし — ${reason}`,
}

export const APPROVAL_LABELS: Readonly<Record<Locale, ApprovalLabels>> = { zh_cn: zh, en_us: en, ja_jp: ja }
