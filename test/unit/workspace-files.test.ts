import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileLines, findWorkspaceFiles } from '../../src/inputs/workspace-files.js'

let root: string
let workspace: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'workspace-files-'))
  workspace = join(root, 'ws')
  mkdirSync(join(workspace, 'a/b'), { recursive: true })
  mkdirSync(join(workspace, 'dir.xml'))
  writeFileSync(join(workspace, 'a/one.xml'), '<x/>')
  writeFileSync(join(workspace, 'a/b/two.xml'), '<x/>')
  writeFileSync(join(workspace, 'a/b/skip.xml'), '<x/>')
  writeFileSync(join(workspace, 'a/b/c.txt'), 'c')
  writeFileSync(join(root, 'outside.xml'), '<secret/>')
  symlinkSync(join(workspace, 'a/one.xml'), join(workspace, 'inside-link.xml'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const find = (value: string) => findWorkspaceFiles('test-results', fileLines(value), workspace)

describe('workspace files', () => {
  it('expands **, braces and exclusions, each file once, in line order', async () => {
    const found = await find('a/**/{one,two,skip}.xml\n!**/skip.xml\na/one.xml\n# comment\n')
    expect(found.files.map((file) => file.shown)).toEqual(['a/one.xml', 'a/b/two.xml'])
    expect(found.files.every((file) => file.kind === 'file' && file.bytes === 4)).toBe(true)
    expect(found.missing).toEqual([])
    expect(found.unmatched).toEqual([])
  })

  it('tells missing literal paths from patterns that match nothing', async () => {
    const found = await find('nope/report.xml\nnope/*.xml')
    expect(found.missing).toEqual(['nope/report.xml'])
    expect(found.unmatched).toEqual(['nope/*.xml'])
  })

  it('reports what a match is: a directory named *.xml is not a file', async () => {
    const found = await find('dir.xml')
    expect(found.files).toMatchObject([{ shown: 'dir.xml', kind: 'directory' }])
  })

  it('refuses .., absolute paths elsewhere and symlinks out, naming the input', async () => {
    await expect(find('../outside.xml')).rejects.toThrow(/^Input `test-results`: \.\.\/outside\.xml leads outside/)
    await expect(find(join(root, 'outside.xml'))).rejects.toThrow(/leads outside the workspace/)
    symlinkSync(join(root, 'outside.xml'), join(workspace, 'a/evil.xml'))
    try {
      // A pattern walks no symlink (a link to / would be walked whole): the link is not matched, never read.
      expect((await find('a/*.xml')).files.map((file) => file.shown)).toEqual(['a/one.xml'])
      await expect(find('a/evil.xml')).rejects.toThrow(/a\/evil\.xml leads outside the workspace .*symlink/)
      await expect(find('a/evil.xml')).rejects.toThrow(/a\/evil\.xml leads outside/)
    } finally {
      rmSync(join(workspace, 'a/evil.xml'))
    }
  })

  it('follows a symlink that stays inside', async () => {
    const found = await find('inside-link.xml\na/one.xml')
    expect(found.files).toHaveLength(1)
    expect(found.files[0]!.path).toMatch(/a\/one\.xml$/)
  })
})
