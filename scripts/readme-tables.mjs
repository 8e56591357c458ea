// Writes the README's Inputs and Outputs tables from action.yml, so the two cannot drift:
// `node scripts/readme-tables.mjs` rewrites them, `--check` exits 1 when they differ.
import { readFileSync, writeFileSync } from 'node:fs'
import yaml from 'js-yaml'

const root = new URL('../', import.meta.url)
const action = /** @type {any} */ (yaml.load(readFileSync(new URL('action.yml', root), 'utf8')))
const readme = readFileSync(new URL('README.md', root), 'utf8')

/** One table cell: one line, pipes escaped. @param {unknown} text */
const cell = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')

const inputs = [
  '| input | default | description |',
  '|---|---|---|',
  ...Object.entries(action.inputs).map(
    ([name, spec]) =>
      `| ${name} | ${spec.default === undefined || spec.default === '' ? '""' : cell(spec.default)} | ${cell(spec.description)} |`,
  ),
]
const outputs = [
  '| output | description |',
  '|---|---|',
  ...Object.entries(action.outputs).map(([name, spec]) => `| ${name} | ${cell(spec.description)} |`),
]

/**
 * `text` with the first table after the heading `## title` replaced by `rows`.
 * @param {string} text @param {string} title @param {string[]} rows
 */
function replaceTable(text, title, rows) {
  const lines = text.split('\n')
  const heading = lines.indexOf(`## ${title}`)
  if (heading < 0) throw new Error(`README.md has no "## ${title}" heading`)
  const start = lines.findIndex((line, index) => index > heading && line.startsWith('|'))
  let end = start
  while (end < lines.length && lines[end]?.startsWith('|')) end++
  return [...lines.slice(0, start), ...rows, ...lines.slice(end)].join('\n')
}

const next = replaceTable(replaceTable(readme, 'Inputs', inputs), 'Outputs', outputs)
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md tables differ from action.yml: run `node scripts/readme-tables.mjs`')
    process.exit(1)
  }
} else writeFileSync(new URL('README.md', root), next)
