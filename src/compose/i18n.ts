// The built-in cards' own words in Simplified Chinese, English and Japanese, and the merge of one
// card built per language into one card JSON 2.0 whose fields carry every language (§14.3:
// `i18n_content`, `header.i18n_text_tag_list`, `config.summary.i18n_content`, `config.locales`),
// so each reader's Feishu client shows its own. Text from the event is the same in every
// language and stays plain `content`. Pure. Must not: translate text people wrote.

import type { Json } from '../base/json.js'
import { isPlainObject } from '../base/objects.js'
import type { Language } from '../inputs/config.js'

export type Locale = Exclude<Language, 'auto'>

export interface Labels {
  readonly verb: { success: string; failure: string; cancelled: string; skipped: string; running: string }
  readonly tag: {
    success: string
    failure: string
    cancelled: string
    skipped: string
    running: string
    fixed: string
    broken: string
    stillFailing: string
  }
  readonly repository: string
  readonly workflow: string
  readonly job: string
  readonly run: (number: string) => string
  readonly attempt: (number: string) => string
  readonly pullRequest: string
  readonly branch: string
  readonly tagName: string
  readonly commit: string
  readonly triggeredBy: string
  readonly event: string
  readonly duration: string
  readonly previous: string
  readonly jobs: string
  readonly viewRun: string
  readonly changes: string
  readonly jobsOmitted: (count: number) => string
  readonly passed: (passed: number, total: number) => string
  readonly failedAt: string
  readonly cancelledAt: string
  readonly jobResult: {
    failed: string
    cancelled: string
    skipped: string
    running: string
    queued: string
    other: string
  }
  readonly release: { release: string; draft: string; prerelease: string }
  readonly releasedBy: (kind: string, author: string) => string
  readonly released: (repo: string, tag: string) => string
  readonly author: string
  readonly published: string
  readonly assets: string
  readonly moreAssets: (count: number, link: string) => string
  readonly releaseNotes: string
  readonly compare: string
  readonly noNotes: string
  readonly fullNotes: string
}

const en: Labels = {
  verb: {
    success: 'succeeded',
    failure: 'failed',
    cancelled: 'was cancelled',
    skipped: 'was skipped',
    running: 'is in progress',
  },
  tag: {
    success: 'Success',
    failure: 'Failure',
    cancelled: 'Cancelled',
    skipped: 'Skipped',
    running: 'In progress',
    fixed: 'Fixed',
    broken: 'Broken',
    stillFailing: 'Still failing',
  },
  repository: 'Repository',
  workflow: 'Workflow',
  job: 'job',
  run: (n) => `run #${n}`,
  attempt: (n) => `attempt ${n}`,
  pullRequest: 'Pull request',
  branch: 'Branch',
  tagName: 'Tag',
  commit: 'Commit',
  triggeredBy: 'Triggered by',
  event: 'Event',
  duration: 'Duration',
  previous: 'Previous run',
  jobs: 'Jobs',
  viewRun: 'View run',
  changes: 'Changes',
  jobsOmitted: (count) => `… and ${count} more job(s), listed on the run's page`,
  passed: (passed, total) => `${passed} of ${total} passed`,
  failedAt: 'failed at',
  cancelledAt: 'cancelled at',
  jobResult: {
    failed: 'failed',
    cancelled: 'cancelled',
    skipped: 'skipped',
    running: 'running',
    queued: 'queued',
    other: 'done',
  },
  release: { release: 'Release', draft: 'Draft', prerelease: 'Pre-release' },
  releasedBy: (kind, author) => `${kind} by @${author}`,
  released: (repo, tag) => `${repo} ${tag} released`,
  author: 'Author',
  published: 'Published',
  assets: 'Assets',
  moreAssets: (count, link) => `and ${count} more on the ${link}`,
  releaseNotes: 'Release notes',
  compare: 'Compare',
  noNotes: 'No release notes.',
  fullNotes: 'Full release notes',
}

const zh: Labels = {
  verb: { success: '成功', failure: '失败', cancelled: '已取消', skipped: '已跳过', running: '运行中' },
  tag: {
    success: '成功',
    failure: '失败',
    cancelled: '已取消',
    skipped: '已跳过',
    running: '运行中',
    fixed: '已修复',
    broken: '新失败',
    stillFailing: '仍失败',
  },
  repository: '仓库',
  workflow: '工作流',
  job: '作业',
  run: (n) => `运行 #${n}`,
  attempt: (n) => `第 ${n} 次尝试`,
  pullRequest: '拉取请求',
  branch: '分支',
  tagName: '标签',
  commit: '提交',
  triggeredBy: '触发者',
  event: '事件',
  duration: '耗时',
  previous: '上次运行',
  jobs: '作业',
  viewRun: '查看运行',
  changes: '查看变更',
  jobsOmitted: (count) => `… 另有 ${count} 个作业，请在运行页面查看`,
  passed: (passed, total) => `${total} 个中 ${passed} 个通过`,
  failedAt: '失败于步骤',
  cancelledAt: '取消于步骤',
  jobResult: {
    failed: '失败',
    cancelled: '已取消',
    skipped: '已跳过',
    running: '运行中',
    queued: '排队中',
    other: '已结束',
  },
  release: { release: '正式版', draft: '草稿', prerelease: '预发布' },
  releasedBy: (kind, author) => `${kind} · 发布者 @${author}`,
  released: (repo, tag) => `${repo} ${tag} 已发布`,
  author: '发布者',
  published: '发布时间',
  assets: '附件',
  moreAssets: (count, link) => `另有 ${count} 个，见${link}`,
  releaseNotes: '发布说明',
  compare: '对比',
  noNotes: '没有发布说明。',
  fullNotes: '阅读完整发布说明',
}

const ja: Labels = {
  verb: { success: '成功', failure: '失敗', cancelled: 'キャンセル', skipped: 'スキップ', running: '実行中' },
  tag: {
    success: '成功',
    failure: '失敗',
    cancelled: 'キャンセル',
    skipped: 'スキップ',
    running: '実行中',
    fixed: '修正済み',
    broken: '新たに失敗',
    stillFailing: '失敗が継続',
  },
  repository: 'リポジトリ',
  workflow: 'ワークフロー',
  job: 'ジョブ',
  run: (n) => `実行 #${n}`,
  attempt: (n) => `試行 ${n}`,
  pullRequest: 'プルリクエスト',
  branch: 'ブランチ',
  tagName: 'タグ',
  commit: 'コミット',
  triggeredBy: '実行者',
  event: 'イベント',
  duration: '所要時間',
  previous: '前回の実行',
  jobs: 'ジョブ',
  viewRun: '実行を表示',
  changes: '変更を表示',
  jobsOmitted: (count) => `… ほか ${count} 件のジョブは実行ページを参照`,
  passed: (passed, total) => `${total} 件中 ${passed} 件成功`,
  failedAt: '失敗したステップ',
  cancelledAt: 'キャンセルされたステップ',
  jobResult: {
    failed: '失敗',
    cancelled: 'キャンセル',
    skipped: 'スキップ',
    running: '実行中',
    queued: '待機中',
    other: '完了',
  },
  release: { release: 'リリース', draft: 'ドラフト', prerelease: 'プレリリース' },
  releasedBy: (kind, author) => `${kind} · 作成者 @${author}`,
  released: (repo, tag) => `${repo} ${tag} をリリース`,
  author: '作成者',
  published: '公開日時',
  assets: 'アセット',
  moreAssets: (count, link) => `ほか ${count} 件は${link}`,
  releaseNotes: 'リリースノート',
  compare: '比較',
  noNotes: 'リリースノートはありません。',
  fullNotes: 'リリースノート全文を読む',
}

export const LABELS: Readonly<Record<Locale, Labels>> = { zh_cn: zh, en_us: en, ja_jp: ja }

/** The locales a card is built in: all three for auto, English first (the plain `content`). */
export function localesOf(language: Language): Locale[] {
  return language === 'auto' ? ['en_us', 'zh_cn', 'ja_jp'] : [language]
}

const TEXT_TAGS = new Set(['plain_text', 'markdown', 'lark_md'])

/**
 * One card from the same card built once per locale (same shape, only the words differ): the
 * first locale's words stay in `content` (for clients that read no translation), and every text
 * field whose words differ carries all of them in `i18n_content`; the header's tags become
 * `i18n_text_tag_list` and the chat preview `config.summary.i18n_content`. One locale: that card.
 */
export function mergeLocales(cards: readonly (readonly [Locale, Json])[]): Json {
  const [first] = cards
  if (!first) throw new Error('mergeLocales needs a card')
  if (cards.length === 1) return first[1]
  const merged = structuredClone(first[1])
  const walk = (node: unknown, path: readonly (string | number)[]): void => {
    if (Array.isArray(node)) return node.forEach((item, index) => walk(item, [...path, index]))
    if (!isPlainObject(node)) return
    if (typeof node.tag === 'string' && TEXT_TAGS.has(node.tag) && typeof node.content === 'string') {
      const words = cards.map(([locale, card]) => [locale, at(card, [...path, 'content'])] as const)
      if (words.some(([, content]) => content !== node.content)) node.i18n_content = Object.fromEntries(words)
      return
    }
    for (const [key, value] of Object.entries(node)) walk(value, [...path, key])
  }
  const header = merged.header
  walk(header, ['header'])
  if (isPlainObject(header) && Array.isArray(header.text_tag_list)) {
    header.i18n_text_tag_list = Object.fromEntries(
      cards.map(([locale, card]) => [locale, at(card, ['header', 'text_tag_list'])]),
    )
    delete header.text_tag_list
  }
  walk(merged.body, ['body'])
  const config = isPlainObject(merged.config) ? merged.config : {}
  if (isPlainObject(config.summary))
    config.summary.i18n_content = Object.fromEntries(
      cards.map(([locale, card]) => [locale, at(card, ['config', 'summary', 'content'])]),
    )
  merged.config = { ...config, locales: cards.map(([locale]) => locale) }
  return merged
}

function at(node: unknown, path: readonly (string | number)[]): unknown {
  let value = node
  for (const key of path)
    value = isPlainObject(value) || Array.isArray(value) ? (value as Json)[key as string] : undefined
  return value
}
