// One JUnit XML report, read as a stream of text chunks into its test cases, in the dialects real
// tools write: Maven Surefire/Failsafe (flakyFailure, flakyError, rerunFailure, rerunError),
// Gradle, jest-junit, pytest --junitxml (root testsuites or testsuite), go-junit-report and
// gotestsum, PHPUnit (nested testsuite, class= file= line=), the .NET JUnit logger, and the
// mocha/karma/cypress reporters. `failure` and `error` are failed, `skipped` (or a
// disabled/ignored status or attribute) skipped; a case whose only failures are flaky ones passed.
// The parser is saxes: a streaming, non-validating parser that reads a DOCTYPE as text and never
// expands an entity it declares (no file, no network, no "billion laughs"); an entity it does not
// know is left as written. Memory stays bounded: the text saxes gathers for one node is cut to
// NODE_CHARS, and only the first lines of a failure are kept.
// Must not: open files, log, or decide what is shown; text is kept as written (compose escapes it).

import { SaxesParser, type SaxesTagPlain } from 'saxes'
import type { TestCase } from './results.js'

/** What is wrong with a report, for the one warning that names it. */
export class ReportProblem extends Error {}

/** The longest name or suite kept; longer ones are cut with an ellipsis. */
const NAME_CHARS = 300
/** A failure's message: its first lines, cut to a few hundred characters. */
const MESSAGE_CHARS = 300
const MESSAGE_LINES = 4
/** The text gathered inside a failure element before it is cut. */
const FAILURE_TEXT_CHARS = 4_000
/** What saxes may gather for one text node, attribute or comment (a huge system-out) before it is cut. */
const NODE_CHARS = 1024 * 1024

const FAILED = new Set(['failure', 'error'])
const FLAKY = new Set(['flakyFailure', 'flakyError'])
const RERUN = new Set(['rerunFailure', 'rerunError'])
const SKIPPED_STATUS = new Set(['skipped', 'disabled', 'ignored', 'notrun', 'not_run'])

function cut(text: string, chars: number): string {
  if (text.length <= chars) return text
  return `${Array.from(text.slice(0, chars + 1))
    .slice(0, chars - 1)
    .join('')}…`
}

/** The first lines of what a failure says (its message, then its text), blank lines and repeats dropped. */
function failureMessage(attribute: string, body: string): string {
  const lines: string[] = []
  for (const line of `${attribute}\n${body}`.split(/\r?\n/)) {
    const trimmed = line.trimEnd()
    // go-junit-report, pytest and others repeat the message as the text's first line.
    if (trimmed.trim() !== '' && !lines.some((seen) => seen.trim() === trimmed.trim())) lines.push(trimmed)
    if (lines.length === MESSAGE_LINES) break
  }
  return cut(lines.join('\n'), MESSAGE_CHARS)
}

interface OpenCase {
  suite: string
  className: string
  name: string
  file: string
  line: number | undefined
  failed: boolean
  skipped: boolean
  flaky: boolean
  message: string
  /** Inside a failure element: its message attribute and the text so far. */
  capturing: { attribute: string; text: string; first: boolean } | undefined
}

const truthy = (value: string | undefined): boolean => value !== undefined && /^(true|1|yes)$/i.test(value.trim())

/** A report's cases, fed chunk by chunk; `end()` gives them or throws a ReportProblem. */
export class JunitReport {
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true })
  private readonly cases: TestCase[] = []
  private readonly suites: string[] = []
  private readonly elements: string[] = []
  private current: OpenCase | undefined
  private root = ''
  private problem = ''
  private sawText = false

  constructor() {
    const parser = this.parser
    parser.on('error', (error) => {
      // An entity the DOCTYPE declares (or none does) is not expanded: it stays as written.
      if (/undefined entity/i.test(error.message)) return
      this.problem ||= error.message
    })
    parser.on('opentag', (tag) => this.open(tag))
    parser.on('closetag', (tag) => this.close(tag.name))
    parser.on('text', (text) => this.text(text))
    parser.on('cdata', (text) => this.text(text))
  }

  /** Feeds text; throws a ReportProblem as soon as the XML is broken. */
  write(chunk: string): void {
    if (!this.sawText && /\S/.test(chunk)) this.sawText = true
    this.parser.write(chunk)
    // saxes gathers a node's text whole; a giant one is cut here, so memory stays bounded.
    const internal = this.parser as unknown as { text?: unknown }
    if (typeof internal.text === 'string' && internal.text.length > NODE_CHARS)
      internal.text = internal.text.slice(0, NODE_CHARS)
    if (this.problem) throw new ReportProblem(`not well-formed XML (${this.problem})`)
    if (this.root && this.root !== 'testsuites' && this.root !== 'testsuite') throw this.notJunit()
  }

  /** The cases, once the whole report was fed. */
  end(): TestCase[] {
    if (!this.sawText) throw new ReportProblem('the file is empty')
    this.parser.close()
    if (this.problem)
      throw new ReportProblem(
        /unclosed|unexpected end/i.test(this.problem)
          ? `the XML ends too early, the file looks truncated (${this.problem})`
          : `not well-formed XML (${this.problem})`,
      )
    if (this.root !== 'testsuites' && this.root !== 'testsuite') throw this.notJunit()
    return this.cases
  }

  private notJunit(): ReportProblem {
    return new ReportProblem(
      `not a JUnit XML report (its root element is <${cut(this.root, 40)}>, not <testsuites> or <testsuite>)`,
    )
  }

  private open(tag: SaxesTagPlain): void {
    const name = tag.name
    const attributes = tag.attributes
    if (!this.root) this.root = name
    this.elements.push(name)
    if (name === 'testsuite') {
      this.suites.push(cut(attributes.name ?? '', NAME_CHARS))
      return
    }
    if (name === 'testcase' && !this.current) {
      const line = Number.parseInt(attributes.line ?? '', 10)
      const status = (attributes.status ?? attributes.result ?? '').toLowerCase()
      this.current = {
        suite: this.suites.findLast((suite) => suite !== '') ?? '',
        className: cut(attributes.classname ?? attributes.class ?? '', NAME_CHARS),
        name: cut(attributes.name ?? '', NAME_CHARS),
        file: cut(attributes.file ?? attributes.filepath ?? '', NAME_CHARS),
        line: Number.isFinite(line) && line > 0 ? line : undefined,
        failed: false,
        skipped:
          SKIPPED_STATUS.has(status) ||
          truthy(attributes.skipped) ||
          truthy(attributes.ignored) ||
          truthy(attributes.disabled),
        flaky: false,
        message: '',
        capturing: undefined,
      }
      return
    }
    const current = this.current
    if (!current || this.elements.at(-2) !== 'testcase') return
    if (FAILED.has(name)) {
      const first = !current.failed
      current.failed = true
      current.capturing = { attribute: attributes.message ?? '', text: '', first }
    } else if (RERUN.has(name)) {
      current.failed = true
      if (!current.message) current.capturing = { attribute: attributes.message ?? '', text: '', first: true }
    } else if (FLAKY.has(name)) current.flaky = true
    else if (name === 'skipped') current.skipped = true
  }

  private text(text: string): void {
    const capturing = this.current?.capturing
    if (capturing && capturing.text.length < FAILURE_TEXT_CHARS)
      capturing.text += text.slice(0, FAILURE_TEXT_CHARS - capturing.text.length)
  }

  private close(name: string): void {
    this.elements.pop()
    if (name === 'testsuite') {
      this.suites.pop()
      return
    }
    const current = this.current
    if (!current) return
    if (current.capturing && (FAILED.has(name) || RERUN.has(name)) && this.elements.at(-1) === 'testcase') {
      if (current.capturing.first || !current.message)
        current.message = failureMessage(current.capturing.attribute, current.capturing.text)
      current.capturing = undefined
      return
    }
    if (name !== 'testcase' || this.elements.includes('testcase')) return
    this.current = undefined
    const outcome = current.failed ? 'failed' : current.skipped ? 'skipped' : 'passed'
    this.cases.push({
      suite: current.suite,
      className: current.className,
      name: current.name || '(unnamed test)',
      outcome,
      flaky: outcome === 'passed' && current.flaky,
      file: current.file,
      line: current.line,
      message: outcome === 'failed' ? current.message : '',
    })
  }
}
