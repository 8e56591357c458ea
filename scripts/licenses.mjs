// @ts-check
// dist/licenses.txt: the licence of every package the bundle can contain, that is every runtime
// dependency and theirs (npm ls --omit=dev), with the package's own licence text. ncc's --license
// lists only some of them (undici and @actions/core were missing), and minifying strips the
// notices from the code, so the file is made here from the installed tree, sorted by name.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const paths = execFileSync(npm, ['ls', '--omit=dev', '--all', '--parseable'], {
  cwd: root,
  encoding: 'utf8',
  shell: process.platform === 'win32',
})
  .split(/\r?\n/)
  .filter((path) => path && path !== root.replace(/[\\/]$/, ''))

/** @type {Map<string, string>} */
const entries = new Map()
for (const path of paths) {
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))
  const key = `${manifest.name}@${manifest.version}`
  if (entries.has(key)) continue
  const file = readdirSync(path).find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name))
  const text = file
    ? readFileSync(join(path, file), 'utf8').trim()
    : `(${manifest.license ?? 'no licence'} per package.json; no licence file shipped)`
  entries.set(key, `${manifest.name} ${manifest.version}\n${manifest.license ?? ''}\n${text}`)
}
const sorted = [...entries.keys()].sort().map((key) => entries.get(key))
writeFileSync(join(root, 'dist', 'licenses.txt'), `${sorted.join('\n\n')}\n`)
console.log(`dist/licenses.txt: ${sorted.length} packages`)
