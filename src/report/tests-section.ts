// The tests section of the job summary (GitHub markdown) and of the dry run's HTML card preview:
// the same counts as the build card, and a table of the failed tests with where and why they
// failed. Names and messages are test output, anyone's text: in the summary every HTML and
// markdown character is made literal (no tag, no link, no table break); in the preview each is
// escaped HTML. Pure. Must not: read reports or decide the status.

import { escapeHtml } from '../base/html.js'
import { formatCount, testLocation } from '../compose/tests.js'
import { gfm, type Markdown } from './summary-markdown.js'
import type { FailedTest, TestFacts } from '../github/test-reports/results.js'

/** The summary lists this many failed tests, then says how many more. */
const SUMMARY_TESTS = 50

function counts(tests: TestFacts): string {
  if (tests.total === 0) return `no test cases in ${tests.files} report(s)`
  const parts = [`${formatCount(tests.passed)} passed`, `${formatCount(tests.failed)} failed`]
  if (tests.skipped) parts.push(`${formatCount(tests.skipped)} skipped`)
  if (tests.flaky) parts.push(`${formatCount(tests.flaky)} flaky`)
  return parts.join(' · ')
}

/** Text for one table cell: on one line (gfm`` escapes it). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ')
}

/** The summary's lines: counts, then the failed tests as a table. */
export function testsSummaryLines(tests: TestFacts | undefined): Markdown[] {
  if (!tests) return []
  const lines = [gfm`**Tests** (${tests.files} report(s)): ${counts(tests)}`, gfm``]
  if (tests.failures.length) {
    lines.push(gfm`| Failed test | Suite | Where | Message |`, gfm`| --- | --- | --- | --- |`)
    const row = (test: FailedTest): Markdown =>
      gfm`| ${oneLine(test.name)} | ${oneLine(test.suite)} | ${oneLine(testLocation(test))} | ${oneLine(test.message)} |`
    lines.push(...tests.failures.slice(0, SUMMARY_TESTS).map(row))
    const left = tests.failed - Math.min(SUMMARY_TESTS, tests.failures.length)
    if (left > 0) lines.push(gfm``, gfm`… and ${formatCount(left)} more failed test${left === 1 ? '' : 's'}`)
    lines.push(gfm``)
  }
  return lines
}

const html = escapeHtml

/** The preview's tests section, as HTML under the card (for a card that is not the built-in one). */
export function testsPreviewHtml(tests: TestFacts | undefined): string {
  if (!tests) return ''
  const items = tests.failures
    .slice(0, SUMMARY_TESTS)
    .map(
      (test) =>
        `<li><b>${html(test.name)}</b>${test.suite ? ` · ${html(test.suite)}` : ''}${testLocation(test) ? ` · <code>${html(testLocation(test))}</code>` : ''}${test.message ? `<pre>${html(test.message)}</pre>` : ''}</li>`,
    )
  const left = tests.failed - Math.min(SUMMARY_TESTS, tests.failures.length)
  if (left > 0) items.push(`<li>… and ${formatCount(left)} more failed test${left === 1 ? '' : 's'}</li>`)
  return `<div class="caption tests"><b>Tests:</b> ${html(counts(tests))}${items.length ? `<ul>${items.join('')}</ul>` : ''}</div>`
}
