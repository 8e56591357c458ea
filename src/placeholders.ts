// Fills ${name} placeholders into data that is already parsed, so a value can never become
// syntax: it lands inside one string, whatever quotes, backslashes or newlines it holds.
// One pass only: text coming from a value is never scanned again. `$${name}` is a literal.

import { InputError } from './errors.js'
import { isPlainObject } from './structured.js'

const PLACEHOLDER = /(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export type Variables = ReadonlyMap<string, unknown>

/** How a variable's value reads inside a string: numbers and booleans as written, lists and objects as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Fills one string. `where` says, for error messages, where the string sits (e.g. `elements[0].text`). */
export function fillString(template: string, variables: Variables, input: string, where = ''): string {
  return template.replace(PLACEHOLDER, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1)
    if (!variables.has(name)) {
      const known = [...variables.keys()].sort().join(', ')
      throw new InputError(input, `unknown placeholder \${${name}}${where ? ` at ${where}` : ''}; known names: ${known}. Write $\${${name}} for a literal \${${name}}`)
    }
    return asText(variables.get(name))
  })
}

/** Returns a copy of `value` with placeholders filled in every string (keys are left alone). */
export function fillTree(value: unknown, variables: Variables, input: string, where = ''): unknown {
  if (typeof value === 'string') return fillString(value, variables, input, where)
  if (Array.isArray(value)) return value.map((item, index) => fillTree(item, variables, input, `${where}[${index}]`))
  if (isPlainObject(value)) {
    // fromEntries defines own keys, so even a key named __proto__ is kept as data.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillTree(item, variables, input, where ? `${where}.${key}` : key)]))
  }
  return value
}
