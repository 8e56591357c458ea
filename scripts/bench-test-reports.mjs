// @ts-check
/**
 * The `test-results` case of `npm run bench`: 100 JUnit reports holding 50,000 test cases (about
 * 30 MB, 500 failures), written to a temporary workspace, read by the build card step; compared
 * with the same step without `test-results`. Goal: at most 1.5 s more, peak RSS under 250 MB.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const FILES = 100
const CASES_PER_FILE = 500
/** One case in a hundred fails: 500 in all. */
const FAIL_EVERY = 100

/** Writes the reports; returns the workspace and how many bytes they take. */
export function writeReports() {
  const workspace = mkdtempSync(join(tmpdir(), 'bench-reports-'))
  mkdirSync(join(workspace, 'reports'))
  let bytes = 0
  const output = 'x'.repeat(480)
  for (let file = 0; file < FILES; file++) {
    const suite = `com.example.module${file}.ServiceTest`
    const cases = []
    for (let index = 0; index < CASES_PER_FILE; index++) {
      const name = `handlesCase${index}`
      const failure =
        (file * CASES_PER_FILE + index) % FAIL_EVERY === 0
          ? `<failure message="expected: &lt;${index}&gt; but was: &lt;${index + 1}&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: &lt;${index}&gt;\n\tat ${suite}.${name}(ServiceTest.java:${index + 10})</failure>`
          : ''
      cases.push(
        `  <testcase name="${name}" classname="${suite}" time="0.001">${failure}<system-out><![CDATA[${output}]]></system-out></testcase>`,
      )
    }
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="${suite}" tests="${CASES_PER_FILE}">\n${cases.join('\n')}\n</testsuite>\n`
    bytes += Buffer.byteLength(text)
    writeFileSync(join(workspace, 'reports', `TEST-${suite}.xml`), text)
  }
  return {
    workspace,
    bytes,
    files: FILES,
    cases: FILES * CASES_PER_FILE,
    failures: (FILES * CASES_PER_FILE) / FAIL_EVERY,
  }
}
