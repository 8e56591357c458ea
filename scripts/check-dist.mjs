// Fails when dist/ differs from a fresh `npm run bundle`: users run dist/, so it must be the
// build of src/ as it stands. Snapshots dist/, rebuilds it in place, and compares; on a fresh
// clone (as in CI) that compares the committed dist/ with the build of the committed src/.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname

/** @returns {Map<string, string>} file name -> sha256 */
function snapshot() {
  const files = new Map()
  if (!existsSync(dist)) return files
  for (const name of readdirSync(dist))
    files.set(
      name,
      createHash('sha256')
        .update(readFileSync(join(dist, name)))
        .digest('hex'),
    )
  return files
}

const before = snapshot()
execFileSync('npm', ['run', '-s', 'bundle'], { stdio: ['ignore', 'ignore', 'inherit'] })
const after = snapshot()
const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name))
if (changed.length) {
  console.error(
    `dist/ differs from a fresh build of src/: ${changed.join(', ')}. Run \`npm run bundle\` and commit dist/.`,
  )
  process.exit(1)
}
console.log('dist/ matches a fresh build.')
