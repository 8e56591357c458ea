import { InputError } from '../inputs/errors.js'
import { isPlainObject } from '../base/objects.js'
// Fills ${name} placeholders into data that is already parsed, so a value can never become
// syntax: it lands inside one string, whatever quotes, backslashes or newlines it holds.
// One pass only: text coming from a value is never scanned again. `$${name}` is a literal, and
// `${ name }` (spaces inside the braces) is the same placeholder as `${name}`. The text is measured
// as it grows, so a value repeated thousands of times stops at a limit instead of exhausting memory.

const PLACEHOLDER = /(\$?)\$\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}/g

/**
 * Characters one message may grow to while placeholders are filled: twice the largest message
 * Feishu takes (text, 150 KB, §3.1), so the exact size check after filling still has the last word
 * for anything that could fit.
 */
const MAX_FILLED = 300 * 1024

/** What is left of MAX_FILLED for one message, shared by every string filled into it. */
interface Budget {
  left: number
}

function newBudget(): Budget {
  return { left: MAX_FILLED }
}

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
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : ''
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
  budget: Budget = newBudget(),
): string {
  // The template's own text counts once; each value filled in counts as it lands.
  spend(budget, template.length, input, where)
  return template.replace(PLACEHOLDER, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1)
    if (!variables.has(name)) {
      const known = [...variables.keys()].sort().join(', ')
      throw new InputError(
        input,
        `unknown placeholder \${${name}}${where ? ` at ${where}` : ''}; known names: ${known}. Write $\${${name}} for a literal \${${name}}`,
      )
    }
    const text = asText(variables.get(name), markdown)
    spend(budget, text.length - whole.length, input, where, name)
    return text
  })
}

function spend(budget: Budget, chars: number, input: string, where: string, name?: string): void {
  budget.left -= chars
  if (budget.left >= 0) return
  throw new InputError(
    input,
    `the message grows past ${MAX_FILLED / 1024} K characters while filling placeholders${name ? ` (at \${${name}}${where ? ` in ${where}` : ''})` : ''}; Feishu accepts at most 150 KB for a text message and 30 KB for a post or card`,
  )
}

/** The strings Feishu reads as markdown: card markdown / lark_md `content` (§4.5), a post md node's `text` (§4.2). */
function markdownKey(node: Record<string, unknown>): string | undefined {
  if (node.tag === 'markdown' || node.tag === 'lark_md') return 'content'
  if (node.tag === 'md') return 'text'
  return undefined
}

/** Returns a copy of `value` with placeholders filled in every string (keys are left alone). */
export function fillTree(
  value: unknown,
  variables: Variables,
  input: string,
  where = '',
  markdown = false,
  budget: Budget = newBudget(),
): unknown {
  if (typeof value === 'string') return fillString(value, variables, input, where, markdown, budget)
  if (Array.isArray(value))
    return value.map((item, index) => fillTree(item, variables, input, `${where}[${index}]`, markdown, budget))
  if (isPlainObject(value)) {
    const markdownField = markdownKey(value)
    // fromEntries defines own keys, so even a key named __proto__ is kept as data.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        fillTree(item, variables, input, where ? `${where}.${key}` : key, markdown || key === markdownField, budget),
      ]),
    )
  }
  return value
}
