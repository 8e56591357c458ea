// The README's inputs and outputs tables are what users read; keep them equal to action.yml.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { actionYml } from './run-action.mjs'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

function tableAfter(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| input |') && !line.startsWith('| output |'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
}

describe('README', () => {
  it('lists every input of action.yml, in order, with its default', () => {
    const rows = tableAfter('Inputs').map(([name, defaultValue]) => [name, defaultValue === '""' ? '' : defaultValue])
    expect(rows).toEqual(Object.entries(actionYml.inputs).map(([name, spec]) => [name, spec.default ?? '']))
  })

  it('lists every output of action.yml, in order', () => {
    expect(tableAfter('Outputs').map(([name]) => name)).toEqual(Object.keys(actionYml.outputs))
  })

  it('gives the two commands a newcomer runs, and CI runs the first', () => {
    expect(readme).toContain('npm ci && npm run check')
    expect(readme).toContain('npm run demo')
    expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/npm ci[^\n]*\nnpm run check/)
  })
})
