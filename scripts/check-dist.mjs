// Fails when dist/ differs from a fresh `npm run bundle`: users run dist/, so it must be the
// build of src/ as committed. Rebuilds dist/ in place, then asks git what changed.
import { execFileSync } from 'node:child_process'

execFileSync('npm', ['run', '-s', 'bundle'], { stdio: ['ignore', 'ignore', 'inherit'] })
const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' }).trim()
if (changed) {
  console.error(`dist/ differs from a fresh build of src/:\n${changed}\nRun \`npm run bundle\` and commit dist/.`)
  process.exit(1)
}
console.log('dist/ matches a fresh build.')
