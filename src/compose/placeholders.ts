import { InputError } from '../inputs/errors.js'
import { isPlainObject } from '../base/objects.js'
// Fills ${name} placeholders into data that is already parsed, so a value can never become
// syntax: it lands inside one string, whatever quotes, backslashes or newlines it holds.
// One pass only: text coming from a value is never scanned again. `$${name}` is a literal.

const PLACEHOLDER = /(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export type Variables = ReadonlyMap<string, unknown>

/**
 * Text someone else wrote (a commit message, a PR title), in the two forms it can be filled in:
 * `plain` for text fields, where Feishu reads only tags and links; `markdown` for card markdown
 * and post md nodes, where any markdown syntax would count too.
 */
export class UntrustedText {
  constructor(
    readonly plain: string,
    readonly markdown: string,
  ) {}
}

/** How a variable's value reads inside a string: numbers and booleans as written, lists and objects as JSON. */
function asText(value: unknown, markdown = false): string {
  if (value instanceof UntrustedText) return markdown ? value.markdown : value.plain
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * Fills one string. `where` says, for error messages, where the string sits (e.g. `elements[0].text`);
 * `markdown` that the string is read as markdown.
 */
export function fillString(
  template: string,
  variables: Variables,
  input: string,
  where = '',
  markdown = false,
): string {
  return template.replace(PLACEHOLDER, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1)
    if (!variables.has(name)) {
      const known = [...variables.keys()].sort().join(', ')
      throw new InputError(
        input,
        `unknown placeholder \${${name}}${where ? ` at ${where}` : ''}; known names: ${known}. Write $\${${name}} for a literal \${${name}}`,
      )
    }
    return asText(variables.get(name), markdown)
  })
}

/** The strings Feishu reads as markdown: card markdown / lark_md `content` (§4.5), a post md node's `text` (§4.2). */
function markdownKey(node: Record<string, unknown>): string | undefined {
  if (node.tag === 'markdown' || node.tag === 'lark_md') return 'content'
  if (node.tag === 'md') return 'text'
  return undefined
}

/** Returns a copy of `value` with placeholders filled in every string (keys are left alone). */
export function fillTree(value: unknown, variables: Variables, input: string, where = '', markdown = false): unknown {
  if (typeof value === 'string') return fillString(value, variables, input, where, markdown)
  if (Array.isArray(value))
    return value.map((item, index) => fillTree(item, variables, input, `${where}[${index}]`, markdown))
  if (isPlainObject(value)) {
    const markdownField = markdownKey(value)
    // fromEntries defines own keys, so even a key named __proto__ is kept as data.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        fillTree(item, variables, input, where ? `${where}.${key}` : key, markdown || key === markdownField),
      ]),
    )
  }
  return value
}
