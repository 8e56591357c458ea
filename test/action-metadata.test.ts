// What the Marketplace and a new user read before the README: action.yml's top, the licence and
// the changelog. The Marketplace refuses a description over 125 characters and a branding colour
// outside its list; the release workflow refuses a tag whose version package.json does not carry.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { actionYml } from './run-action.mjs'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const pkg = JSON.parse(read('package.json')) as { name: string; version: string; license: string }
const action = actionYml as unknown as {
  name: string
  description: string
  author: string
  branding: { icon: string; color: string }
  runs: { using: string; main: string }
}

describe('action.yml for the Marketplace', () => {
  it('has a name, a description of at most 125 characters, and an author who is not the package slug', () => {
    expect(action.name.trim()).not.toBe('')
    expect(action.description.length).toBeLessThanOrEqual(125)
    expect(action.author.trim()).not.toBe('')
    expect(action.author).not.toBe(pkg.name)
  })

  it('has branding the Marketplace accepts', () => {
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
      action.branding.color,
    )
    expect(action.branding.icon).toMatch(/^[a-z0-9-]+$/)
  })

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})

describe('licence and changelog', () => {
  it('ships the licence package.json names', () => {
    expect(pkg.license).toBe('MIT')
    expect(read('LICENSE')).toMatch(/^MIT License\n/)
  })

  it('has a changelog section for the version in package.json', () => {
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - `, 'm'))
  })
})
