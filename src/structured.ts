// Turns a JSON or YAML input into data. JSON is tried first because it costs nothing to load;
// the YAML parser is imported only when an input is not JSON, so plain sends never load it.

import { InputError } from './errors.js'

/**
 * Parses `source` as JSON, else YAML. `input` names the step input for error messages;
 * `origin` (a file path) replaces it in the location when the text came from a file.
 */
export async function parseStructured(source: string, input: string, origin?: string): Promise<unknown> {
  try {
    return JSON.parse(source) as unknown
  } catch (jsonError) {
    const { parseDocument } = await import('yaml')
    const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true })
    const problem = document.errors[0]
    if (!problem) return document.toJS({ maxAliasCount: 100 }) as unknown
    const where = problem.linePos?.[0] ? ` at line ${problem.linePos[0].line}, column ${problem.linePos[0].col}` : ''
    const looksLikeJson = /^\s*[[{]\s*"/.test(source)
    // prettyErrors appends the position and a code frame; the position is reported separately.
    const reason = looksLikeJson ? (jsonError as Error).message : firstLine(problem.message).replace(/ at line \d+, column \d+:?$/, '')
    throw new InputError(input, `${origin ? `${origin} ` : ''}is not valid JSON or YAML (${looksLikeJson ? 'JSON' : `YAML${where}`}: ${reason})`)
  }
}

/** Parses an input that must be a mapping (an object with keys). */
export async function parseMapping(source: string, input: string, origin?: string): Promise<Record<string, unknown>> {
  const value = await parseStructured(source, input, origin)
  if (!isPlainObject(value)) {
    throw new InputError(input, `${origin ? `${origin} ` : ''}must be a mapping (key: value), not ${kindOf(value)}`)
  }
  return value
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'string' ? 'a plain string' : `a ${typeof value}`
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim()
}
