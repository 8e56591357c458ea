// Turns a JSON or YAML input into plain data. Text that looks like JSON is parsed as JSON only,
// so broken JSON is reported rather than read as some other YAML; anything else is YAML (core
// schema), whose parser is imported only then, so plain sends never load it. Either way the result
// is checked to be data JSON can carry unchanged, and every error is one line with the input and
// the position.

import { isPlainObject, kindOf } from '../base/objects.js'
import { InputError } from './errors.js'

/** `{"`, `{}` or `[` at the start: meant as JSON (YAML's own flow mappings have bare keys). */
const LOOKS_LIKE_JSON = /^\s*(?:\{\s*["}]|\[)/

/**
 * Parses `source` as JSON or YAML. `input` names the step input for error messages; `origin`
 * (a file path) is named too when the text came from a file.
 */
export async function parseStructured(source: string, input: string, origin?: string): Promise<unknown> {
  const from = origin ? `${origin} ` : ''
  let value: unknown
  if (LOOKS_LIKE_JSON.test(source)) {
    // Nesting is checked first, by a scanner that stops at MAX_DEPTH, so the error has a position at any depth.
    const deep = jsonScan(source)
    if (deep.tooDeep)
      throw new InputError(
        input,
        `${from}nests too deeply (${position(source, deep.offset)}: deeper than ${MAX_DEPTH} levels of [ and {; no message needs that many)`,
      )
    try {
      value = JSON.parse(source) as unknown
    } catch (error) {
      const reason = firstLine((error as Error).message).split(/ in JSON at | is not valid JSON|, "|, \.\.\./)[0]
      throw new InputError(input, `${from}is not valid JSON (${position(source, deep.offset)}: ${reason})`, {
        cause: error,
      })
    }
  } else {
    value = await parseYaml(source, input, from)
  }
  checkData(value, input, from)
  return value
}

/** Parses an input that must be a mapping (an object with keys). */
export async function parseMapping(source: string, input: string, origin?: string): Promise<Record<string, unknown>> {
  const value = await parseStructured(source, input, origin)
  if (!isPlainObject(value)) {
    throw new InputError(input, `${origin ? `${origin} ` : ''}must be a mapping (key: value), not ${kindOf(value)}`)
  }
  return value
}

async function parseYaml(source: string, input: string, from: string): Promise<unknown> {
  // The core schema: YAML 1.2's plain types only (no dates, binary or sets); duplicate keys throw.
  const { load, CORE_SCHEMA } = await import('js-yaml')
  try {
    return load(source, { schema: CORE_SCHEMA })
  } catch (error) {
    const { reason, mark } = error as { reason?: string; mark?: { line: number; column: number } }
    const at = mark ? `line ${mark.line + 1}, column ${mark.column + 1}` : 'YAML'
    throw new InputError(input, `${from}is not valid YAML (${at}: ${firstLine(reason ?? (error as Error).message)})`, {
      cause: error,
    })
  }
}

/** More values, or deeper nesting, than any message holds: YAML aliases can repeat a subtree without end. */
const MAX_VALUES = 100_000
const MAX_DEPTH = 100

/**
 * Only data that survives JSON unchanged: YAML can also express infinities and huge integers,
 * and aliases that repeat a subtree (or contain themselves) far beyond what any message holds.
 */
function checkData(root: unknown, input: string, from: string): void {
  let values = 0
  const visit = (value: unknown, path: string, depth = 0): void => {
    if (++values > MAX_VALUES)
      throw new InputError(input, `${from}holds more than ${MAX_VALUES} values (YAML aliases repeating themselves?)`)
    if (depth > MAX_DEPTH)
      throw new InputError(input, `${from}nests deeper than ${MAX_DEPTH} levels (a YAML alias containing itself?)`)
    const where = path ? `${from}at ${path}` : `${from}`.trim() || 'the value'
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        throw new InputError(input, `${where}: ${value} cannot be sent as JSON; quote it to send text`)
      if (Number.isInteger(value) && !Number.isSafeInteger(value))
        throw new InputError(input, `${where}: ${value} is too large to send exactly; quote it to send text`)
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, depth + 1))
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key, depth + 1)
    }
  }
  visit(root, '')
}

/** Offset of the first character that breaks JSON's grammar; JSON.parse's messages do not always say. */
export function jsonErrorOffset(source: string): number {
  return jsonScan(source).offset
}

/**
 * Scans JSON for the first character that breaks its grammar, or that opens a list or object
 * deeper than MAX_DEPTH (tooDeep), without recursing deeper than that: unclosed `[[[[...`
 * thousands deep gets a position, not a stack overflow. offset -1: valid JSON.
 */
function jsonScan(source: string): { offset: number; tooDeep: boolean } {
  let at = 0
  let depth = 0
  let tooDeep = false
  const fail = (): never => {
    throw new ScanFailure(at)
  }
  const space = (): void => {
    while (at < source.length && ' \t\n\r'.includes(source[at]!)) at++
  }
  const string = (): void => {
    at++
    while (at < source.length) {
      const char = source[at]!
      if (char === '"') {
        at++
        return
      }
      if (char === '\\') {
        const escape = /^\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(source.slice(at, at + 6))
        if (!escape) fail()
        at += escape![0].length
      } else if (char < ' ') {
        fail()
      } else {
        at++
      }
    }
    fail()
  }
  const list = (close: string, item: () => void): void => {
    if (++depth > MAX_DEPTH) {
      tooDeep = true
      fail()
    }
    at++
    space()
    if (source[at] === close) {
      at++
      depth--
      return
    }
    for (;;) {
      item()
      space()
      if (source[at] === close) {
        at++
        depth--
        return
      }
      if (source[at] !== ',') fail()
      at++
    }
  }
  const value = (): void => {
    space()
    const char = source[at]
    if (char === '{') {
      list('}', () => {
        space()
        if (source[at] !== '"') fail()
        string()
        space()
        if (source[at] !== ':') fail()
        at++
        value()
      })
    } else if (char === '[') {
      list(']', value)
    } else if (char === '"') {
      string()
    } else {
      const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(source.slice(at))
      if (!literal) fail()
      at += literal![0].length
    }
  }
  try {
    value()
    space()
    if (at < source.length) fail()
    return { offset: -1, tooDeep: false }
  } catch (failure) {
    if (!(failure instanceof ScanFailure)) throw failure
    return { offset: failure.offset, tooDeep }
  }
}

/** Where the scan stopped; thrown to leave the scan from any depth at once. */
class ScanFailure extends Error {
  constructor(readonly offset: number) {
    super(`JSON breaks at offset ${offset}`)
  }
}

function position(source: string, offset: number): string {
  const before = source.slice(0, Math.max(0, offset)).split('\n')
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim()
}
