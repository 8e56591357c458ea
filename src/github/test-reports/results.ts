// The test results of a run, gathered from the cases of its JUnit XML reports: counts, flaky tests
// and the failed tests with where and why they failed. Pure: takes the cases one by one as the
// reader finds them (any dialect, already reduced to one outcome each) and gives plain data that
// compose shows. Counts come from the cases, never from a suite's `tests=`/`failures=` attributes,
// which some tools get wrong. A case reported again (same class and name: a rerun report, or the
// same suite in two files) counts once, with its last result; a failure followed by a pass is a
// pass, marked flaky. Memory stays bounded: past MAX_TRACKED distinct cases, new ones are counted
// without deduplication, and at most MAX_FAILURES failures keep their details.
// Must not: read files, log, or shape anything for display (text is kept as written, only cut).

/** One test case as a report gives it. */
export interface TestCase {
  /** The suite (`testsuite name=`), e.g. a package or a describe block. */
  readonly suite: string
  /** `classname=` (or PHPUnit's `class=`); '' when the report has none. */
  readonly className: string
  readonly name: string
  readonly outcome: 'passed' | 'failed' | 'skipped'
  /** It failed, then passed on a rerun (Surefire's flakyFailure / flakyError). */
  readonly flaky: boolean
  /** `file=` and `line=` where the report has them. */
  readonly file: string
  readonly line: number | undefined
  /** The first lines of the failure (its `message=` and text), already cut; '' when passed. */
  readonly message: string
}

/** A failed test as the card lists it. */
export interface FailedTest {
  readonly suite: string
  readonly name: string
  readonly file: string
  readonly line: number | undefined
  readonly message: string
}

/** What the reports say, as counts and a list; `files` is how many reports were read. */
export interface TestFacts {
  readonly total: number
  readonly passed: number
  readonly failed: number
  readonly skipped: number
  readonly flaky: number
  /** The failed tests in the order the reports give them; at most MAX_FAILURES (`failed` says how many in all). */
  readonly failures: readonly FailedTest[]
  readonly files: number
}

/** Far more distinct cases than any real run; beyond it, memory matters more than deduplication. */
const MAX_TRACKED = 300_000
/** Far more than a card or a summary shows. */
const MAX_FAILURES = 1_000

interface Tracked {
  outcome: TestCase['outcome']
  flaky: boolean
  failedBefore: boolean
  order: number
  failure: FailedTest | undefined
}

/** Gathers cases; `facts()` any time gives the counts so far. */
export class TestResults {
  private readonly tracked = new Map<string, Tracked>()
  private readonly untracked = { passed: 0, failed: 0, skipped: 0, flaky: 0 }
  private readonly untrackedFailures: { order: number; failure: FailedTest }[] = []
  private order = 0
  private files = 0
  /** How many tracked cases keep a failure's details. */
  private detailed = 0

  /** One report was read whole. */
  addFile(cases: readonly TestCase[]): void {
    this.files++
    for (const testCase of cases) this.add(testCase)
  }

  private add(testCase: TestCase): void {
    const key = `${testCase.className || testCase.suite}\u0000${testCase.name}`
    const failure: FailedTest | undefined =
      testCase.outcome === 'failed'
        ? {
            suite: testCase.className || testCase.suite,
            name: testCase.name,
            file: testCase.file,
            line: testCase.line,
            message: testCase.message,
          }
        : undefined
    const known = this.tracked.get(key)
    if (known) {
      const failedBefore = known.failedBefore || known.outcome === 'failed'
      known.outcome = testCase.outcome
      known.failedBefore = failedBefore
      known.flaky = testCase.flaky || (failedBefore && testCase.outcome === 'passed')
      if (known.failure) this.detailed--
      known.failure = this.keep(failure)
      return
    }
    if (this.tracked.size < MAX_TRACKED) {
      this.tracked.set(key, {
        outcome: testCase.outcome,
        flaky: testCase.flaky,
        failedBefore: false,
        order: this.order++,
        failure: this.keep(failure),
      })
      return
    }
    this.untracked[testCase.outcome]++
    if (testCase.flaky) this.untracked.flaky++
    if (failure && this.untrackedFailures.length < MAX_FAILURES)
      this.untrackedFailures.push({ order: this.order++, failure })
  }

  /** A failure's details while fewer than MAX_FAILURES are kept; it is still counted when not. */
  private keep(failure: FailedTest | undefined): FailedTest | undefined {
    if (!failure || this.detailed >= MAX_FAILURES) return undefined
    this.detailed++
    return failure
  }

  facts(): TestFacts {
    const counts = { ...this.untracked }
    const failures: { order: number; failure: FailedTest }[] = [...this.untrackedFailures]
    for (const entry of this.tracked.values()) {
      counts[entry.outcome]++
      if (entry.flaky) counts.flaky++
      if (entry.failure) failures.push({ order: entry.order, failure: entry.failure })
    }
    failures.sort((a, b) => a.order - b.order)
    return {
      total: counts.passed + counts.failed + counts.skipped,
      ...counts,
      failures: failures.slice(0, MAX_FAILURES).map((entry) => entry.failure),
      files: this.files,
    }
  }
}
