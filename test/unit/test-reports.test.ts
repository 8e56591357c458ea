// The `test-results` reader on real-shaped reports of every dialect (test/fixtures/junit, written
// for these tests), hostile ones, the workspace rules, and the card section it feeds.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readTestReports } from '../../src/github/test-reports/index.js'
import { TestResults } from '../../src/github/test-reports/results.js'
import { InputError } from '../../src/inputs/errors.js'
import { failedTestsElements, testCounts, testVariables } from '../../src/compose/tests.js'
import { LABELS } from '../../src/compose/i18n.js'
import { testsSummaryLines } from '../../src/report/tests-section.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/junit', import.meta.url))

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'reports-'))
  cpSync(FIXTURES, join(root, 'reports'), { recursive: true })
  return root
}

async function read(lines: string[], root = workspace(), maxBytes?: number) {
  const warnings: string[] = []
  const tests = await readTestReports({ lines, workspace: root, warn: (line) => warnings.push(line), maxBytes })
  return { tests, warnings }
}

describe('JUnit dialects', () => {
  it.each([
    [
      'surefire-TEST-com.example.CartTest.xml',
      { total: 5, passed: 3, failed: 1, skipped: 1, flaky: 1 },
      'appliesDiscount',
    ],
    [
      'gradle-TEST-org.acme.ParserTest.xml',
      { total: 4, passed: 1, failed: 2, skipped: 1, flaky: 0 },
      'parsesNestedLists()',
    ],
    [
      'jest-junit.xml',
      { total: 4, passed: 2, failed: 1, skipped: 1, flaky: 0 },
      'formatPrice handles negative amounts',
    ],
    ['pytest-testsuites.xml', { total: 5, passed: 2, failed: 2, skipped: 1, flaky: 0 }, 'test_create_user'],
    ['pytest-testsuite-xunit1.xml', { total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 }, 'test_divide'],
    ['go-junit-report.xml', { total: 4, passed: 2, failed: 1, skipped: 1, flaky: 0 }, 'TestTotal/with_tax'],
    ['gotestsum.xml', { total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 }, 'TestLogout'],
    ['phpunit.xml', { total: 4, passed: 2, failed: 1, skipped: 1, flaky: 0 }, 'testVat with data set "fr"'],
    ['dotnet-junit-logger.xml', { total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 }, 'RejectsEmptyOrder'],
    ['mocha-junit-reporter.xml', { total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 }, 'Queue pops in order'],
    ['karma-junit.xml', { total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 }, 'AppComponent should render title'],
    [
      'cypress-results-3f2a.xml',
      { total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 },
      'login rejects a wrong password',
    ],
  ])('%s', async (file, counts, firstFailed) => {
    const { tests, warnings } = await read([`reports/${file}`])
    expect(warnings).toEqual([])
    expect(tests).toMatchObject({ ...counts, files: 1 })
    expect(tests.failures[0]?.name).toBe(firstFailed)
    expect(tests.failures[0]?.message).not.toBe('')
  })

  it('keeps file:line, the class, and the first lines of the message', async () => {
    const { tests } = await read([
      'reports/pytest-testsuite-xunit1.xml',
      'reports/phpunit.xml',
      'reports/surefire-*.xml',
    ])
    expect(tests.failures[0]).toMatchObject({ suite: 'tests.test_math', file: 'tests/test_math.py', line: 7 })
    expect(tests.failures[0]!.message).toMatch(/^ZeroDivisionError: division by zero/)
    expect(tests.failures[1]).toMatchObject({ suite: 'Tests.Unit.InvoiceTest', line: 25 })
    expect(tests.failures[2]!.message.split('\n')[0]).toBe('expected: <90> but was: <100>')
    expect(tests.failures[2]!.message.length).toBeLessThanOrEqual(300)
  })

  it('a test in two reports counts once with its last result; a failure then a pass is flaky', () => {
    const results = new TestResults()
    const base = { suite: 's', className: 'C', file: '', line: undefined, message: '', flaky: false }
    results.addFile([
      { ...base, name: 'a', outcome: 'failed', message: 'boom' },
      { ...base, name: 'b', outcome: 'failed', message: 'bang' },
    ])
    results.addFile([{ ...base, name: 'a', outcome: 'passed' }])
    expect(results.facts()).toMatchObject({ total: 2, passed: 1, failed: 1, flaky: 1, files: 2 })
    expect(results.facts().failures.map((test) => test.name)).toEqual(['b'])
  })
})

describe('hostile reports never cost the message', () => {
  it('DOCTYPE and ENTITY: read, nothing expanded, no file read', async () => {
    const { tests, warnings } = await read(['reports/hostile-doctype.xml'])
    expect(warnings).toEqual([])
    expect(tests).toMatchObject({ total: 2, failed: 1 })
    expect(tests.failures[0]!.name).toBe('reads &xxe;&remote;')
    expect(JSON.stringify(tests)).not.toContain('root:')
    expect(JSON.stringify(tests)).not.toContain('lollol')
  })

  it('truncated, empty, binary, not JUnit, a directory named *.xml: one warning each, the others count', async () => {
    const root = workspace()
    mkdirSync(join(root, 'reports', 'folder.xml'))
    const { tests, warnings } = await read(['reports/*.xml'], root)
    const about = (name: string) => warnings.filter((line) => line.includes(name))
    expect(about('truncated.xml')[0]).toMatch(/truncated/)
    expect(about('empty.xml')[0]).toMatch(/empty/)
    expect(about('binary.xml')[0]).toMatch(/binary/)
    expect(about('not-junit.xml')[0]).toMatch(/not a JUnit XML report \(its root element is <project>/)
    expect(about('folder.xml')[0]).toMatch(/a directory/)
    expect(warnings).toHaveLength(5)
    expect(tests.files).toBe(13)
  })

  it('a missing path and an empty pattern warn; a symlink out of the workspace is an input error', async () => {
    const { warnings } = await read(['reports/nope.xml', 'build/**/*.xml'])
    expect(warnings).toEqual([
      'Input `test-results`: reports/nope.xml does not exist; no tests were read from it.',
      'Input `test-results`: the pattern build/**/*.xml matched no file.',
    ])
    const root = workspace()
    symlinkSync('/etc/hostname', join(root, 'reports', 'out.xml'))
    await expect(read(['reports/out.xml'], root)).rejects.toThrow(InputError)
    await expect(read(['../elsewhere/*.xml'], root)).rejects.toThrow(/test-results/)
  })

  it('past the byte bound the rest are not read, and a warning says how many', async () => {
    const { tests, warnings } = await read(
      ['reports/surefire-*.xml', 'reports/gradle-*.xml', 'reports/jest-junit.xml'],
      workspace(),
      3000,
    )
    expect(tests.files).toBe(1)
    expect(warnings.at(-1)).toMatch(/^2 test report\(s\) not read/)
  })

  it('a huge failure text is cut', async () => {
    const root = workspace()
    writeFileSync(
      join(root, 'big.xml'),
      `<testsuite><testcase classname="A" name="b"><failure>${'x'.repeat(3_000_000)}</failure><system-out>${'y'.repeat(3_000_000)}</system-out></testcase></testsuite>`,
    )
    const { tests } = await read(['big.xml'], root)
    expect(tests.failures[0]!.message.length).toBeLessThanOrEqual(300)
  })
})

describe('the card section and the variables', () => {
  const many = new TestResults()
  many.addFile(
    Array.from({ length: 60 }, (_, index) => ({
      suite: 'S',
      className: 'S',
      name: index === 0 ? '<at id=all></at> [x](https://evil.example) **bold**' : `t${index}`,
      outcome: 'failed' as const,
      flaky: false,
      file: 'a.ts',
      line: index + 1,
      message: '@all\n# heading',
    })),
  )
  const facts = many.facts()

  it('localized counts, markup-safe names, "and N more"', () => {
    expect(testCounts({ ...facts, passed: 1204, skipped: 12, flaky: 2 }, LABELS.en_us)).toBe(
      '1,204 passed · 60 failed · 12 skipped · 2 flaky',
    )
    expect(testCounts(facts, LABELS.zh_cn)).toBe('0 通过 · 60 失败')
    const elements = failedTestsElements(facts, 8, LABELS.en_us)
    expect(elements[0]).toBe('**Failed tests**')
    expect(elements[1]).not.toContain('<at')
    expect(elements[1]).not.toContain('](')
    expect(elements[1]).not.toMatch(/^\s*#/m)
    expect(elements[2]).toBe('… and 52 more failed tests')
    expect(failedTestsElements(facts, 8, LABELS.ja_jp)[2]).toBe('… ほか 52 件の失敗したテスト')
  })

  it('variables: counts as text, failed_tests cut; empty strings without reports', () => {
    const variables = new Map(testVariables(facts))
    expect(variables.get('tests_failed')).toBe('60')
    const list = variables.get('failed_tests') as { plain: string; markdown: string }
    expect(list.plain.split('\n')).toHaveLength(11)
    expect(list.plain).toContain('… and 50 more failed tests')
    expect(list.markdown).not.toContain('](')
    expect(new Map(testVariables(undefined)).get('tests_total')).toBe('')
  })

  it('the summary shows the table with every character literal', () => {
    const lines = testsSummaryLines(facts).join('\n')
    expect(lines).toContain('**Tests** (1 report(s)): 0 passed · 60 failed')
    expect(lines).not.toContain('<at')
    expect(lines).toContain('… and 10 more failed tests')
  })
})
