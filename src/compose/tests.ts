// The tests section of the build card, and the ${tests_*} and ${failed_tests} variables, from the
// `test-results` reports (github/test-reports, handed in as plain data with the run's facts): a
// line of counts ("1,204 passed · 3 failed · 12 skipped · 2 flaky") in the card's languages, and
// the failed tests, each with its suite or class, its name, file:line where the report has it and
// the first lines of its failure, folded into "and N more failed tests". Names and messages come
// from test output anyone who can push can shape: every one is escaped (no mention, no link, no
// markdown), never markup. Pure. Must not: read reports, or choose how many fit (cards.ts does).

import type { FailedTest, TestFacts } from '../github/test-reports/results.js'
import { escapeCardMarkdown, escapeLiteral, neutralizeMarkup } from '../markup/escape.js'
import { LABELS, type Labels, type Locale } from './i18n.js'
import { UntrustedText } from './placeholders.js'

interface TestLabels {
  readonly tests: string
  readonly failedTests: string
  readonly counts: (counts: { passed: string; failed: string; skipped: string; flaky: string }) => string[]
  readonly noTests: (reports: number) => string
  readonly more: (count: number) => string
}

const TEST_LABELS: Readonly<Record<Locale, TestLabels>> = {
  en_us: {
    tests: 'Tests',
    failedTests: 'Failed tests',
    counts: ({ passed, failed, skipped, flaky }) => [
      `${passed} passed`,
      `${failed} failed`,
      skipped && `${skipped} skipped`,
      flaky && `${flaky} flaky`,
    ],
    noTests: (reports) => `no test cases in ${reports} report(s)`,
    more: (count) => `… and ${count} more failed test${count === 1 ? '' : 's'}`,
  },
  zh_cn: {
    tests: '测试',
    failedTests: '失败的测试',
    counts: ({ passed, failed, skipped, flaky }) => [
      `${passed} 通过`,
      `${failed} 失败`,
      skipped && `${skipped} 跳过`,
      flaky && `${flaky} 不稳定`,
    ],
    noTests: (reports) => `${reports} 个报告中没有测试用例`,
    more: (count) => `… 另有 ${count} 个失败的测试`,
  },
  ja_jp: {
    tests: 'テスト',
    failedTests: '失敗したテスト',
    counts: ({ passed, failed, skipped, flaky }) => [
      `成功 ${passed}`,
      `失敗 ${failed}`,
      skipped && `スキップ ${skipped}`,
      flaky && `不安定 ${flaky}`,
    ],
    noTests: (reports) => `${reports} 件のレポートにテストケースがありません`,
    more: (count) => `… ほか ${count} 件の失敗したテスト`,
  },
}

/** The tests' words in the language of the card's `labels`. */
function testLabelsFor(labels: Labels): TestLabels {
  const locale = (Object.keys(LABELS) as Locale[]).find((key) => LABELS[key] === labels) ?? 'en_us'
  return TEST_LABELS[locale]
}

/** 1204 as "1,204". */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** "1,204 passed · 3 failed · 12 skipped · 2 flaky" in the language of `labels`. */
export function testCounts(tests: TestFacts, labels: Labels): string {
  const words = testLabelsFor(labels)
  if (tests.total === 0) return words.noTests(tests.files)
  return words
    .counts({
      passed: formatCount(tests.passed),
      failed: formatCount(tests.failed),
      skipped: tests.skipped ? formatCount(tests.skipped) : '',
      flaky: tests.flaky ? formatCount(tests.flaky) : '',
    })
    .filter(Boolean)
    .join(' · ')
}

/** The card's line of counts, e.g. "**Tests:** 3 passed · 1 failed". */
export function testsLine(tests: TestFacts, labels: Labels): string {
  return `**${testLabelsFor(labels).tests}:** ${testCounts(tests, labels)}`
}

/** Where a test is: `file:line`, or the file, or ''. */
export function testLocation(test: Pick<FailedTest, 'file' | 'line'>): string {
  return test.file ? `${test.file}${test.line ? `:${test.line}` : ''}` : ''
}

/** One failed test as card markdown: name, suite, place, then its message's lines, all literal. */
function failedTestMarkdown(test: FailedTest): string {
  const place = testLocation(test)
  const head = `- ❌ **${escapeCardMarkdown(test.name)}**${test.suite ? ` · ${escapeCardMarkdown(test.suite)}` : ''}${place ? ` · ${escapeCardMarkdown(place)}` : ''}`
  if (!test.message) return head
  return `${head}\n  ${escapeLiteral(test.message, { atLineStart: true }, '\n  ')}`
}

/** At most this many failed tests in the card before its size decides; the rest fold into "and N more". */
export const TEST_LINES = 8

/**
 * The card's failed-tests elements' markdown: a heading, the first `shown` tests, and "and N more";
 * none when no test failed. The list is the same in every language, so it is never repeated
 * per language; only the heading and the last line are translated.
 */
export function failedTestsElements(tests: TestFacts, shown: number, labels: Labels): string[] {
  if (tests.failed === 0) return []
  const words = testLabelsFor(labels)
  const listed = tests.failures.slice(0, shown)
  const left = tests.failed - listed.length
  return [
    `**${words.failedTests}**`,
    ...(listed.length ? [listed.map(failedTestMarkdown).join('\n')] : []),
    ...(left > 0 ? [words.more(left)] : []),
  ]
}

/** At most this many failed tests in ${failed_tests}. */
const VARIABLE_TESTS = 10

/** ${tests_total} ... ${failed_tests}: '' each without `test-results`. */
export function testVariables(tests: TestFacts | undefined): [string, unknown][] {
  const count = (value: number | undefined): string => (value === undefined ? '' : String(value))
  const listed = (tests?.failures ?? []).slice(0, VARIABLE_TESTS)
  const left = (tests?.failed ?? 0) - listed.length
  const line = (test: FailedTest): string => {
    const place = testLocation(test)
    return `${test.suite ? `${test.suite} › ` : ''}${test.name}${place ? ` (${place})` : ''}`
  }
  const more = left > 0 ? TEST_LABELS.en_us.more(left) : ''
  const plain = [...listed.map((test) => `- ${neutralizeMarkup(line(test)).replace(/\]\(/g, ']\u200B(')}`), more]
  const markdown = [...listed.map((test) => `- ${escapeCardMarkdown(line(test))}`), more]
  return [
    ['tests_total', count(tests?.total)],
    ['tests_passed', count(tests?.passed)],
    ['tests_failed', count(tests?.failed)],
    ['tests_skipped', count(tests?.skipped)],
    ['tests_flaky', count(tests?.flaky)],
    ['failed_tests', new UntrustedText(plain.filter(Boolean).join('\n'), markdown.filter(Boolean).join('\n'))],
  ]
}
