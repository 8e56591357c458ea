import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { mkfifo } from './fifo.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { readCardFile } from '../../src/inputs/card-file.js'
import { InputError } from '../../src/inputs/errors.js'

let workspace: string
beforeEach(() => {
  const top = mkdtempSync(join(tmpdir(), 'card-file-'))
  workspace = join(top, 'ws')
  mkdirSync(workspace)
  writeFileSync(join(top, 'outside.json'), '{"secret": true}')
})

async function problem(file: string): Promise<string> {
  const error = await readCardFile(file, workspace).catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(InputError)
  const message = (error as Error).message
  expect(message.startsWith('Input `card-file`: ')).toBe(true)
  expect(message).not.toContain('\n')
  return message
}

describe('readCardFile', () => {
  it('reads a UTF-8 file inside the workspace, with or without a byte-order mark', async () => {
    writeFileSync(join(workspace, 'card.json'), '{"a": "é"}')
    writeFileSync(
      join(workspace, 'bom.json'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]),
    )
    expect(await readCardFile('card.json', workspace)).toBe('{"a": "é"}')
    expect(await readCardFile('./bom.json', workspace)).toBe('{"a": 1}')
  })

  it.skipIf(process.platform === 'win32')('a Windows path on another runner: says to write it with /', async () => {
    mkdirSync(join(workspace, '.github'))
    writeFileSync(join(workspace, '.github', 'card.json'), '{}')
    expect(await problem('.github\\card.json')).toContain('write it with /, not \\')
    expect(await problem('.github/missing.json')).not.toContain('write it with /')
  })

  it('names UTF-16, with a byte-order mark or without, and bytes that are not UTF-8', async () => {
    writeFileSync(
      join(workspace, 'le.json'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a": 1}', 'utf16le')]),
    )
    writeFileSync(join(workspace, 'bare.json'), Buffer.from('{"a": 1}', 'utf16le'))
    writeFileSync(join(workspace, 'latin1.json'), Buffer.from('{"a": "\xe9"}', 'latin1'))
    expect(await problem('le.json')).toBe('Input `card-file`: le.json is encoded as UTF-16; save it as UTF-8')
    expect(await problem('bare.json')).toContain('UTF-16')
    expect(await problem('latin1.json')).toBe('Input `card-file`: latin1.json is not valid UTF-8; save it as UTF-8')
  })

  it('refuses paths that leave the workspace: .., absolute, and a symlink', async () => {
    symlinkSync(join(workspace, '..', 'outside.json'), join(workspace, 'link.json'))
    for (const file of ['../outside.json', join(workspace, '..', 'outside.json'), 'link.json', '/etc/hostname'])
      expect(await problem(file)).toMatch(/leads outside the workspace .*must be inside GITHUB_WORKSPACE$/)
  })

  it('refuses devices without reading them', async () => {
    symlinkSync('/dev/zero', join(workspace, 'zero.json'))
    expect(await problem('/dev/zero')).toContain('leads outside the workspace')
    expect(await problem('zero.json')).toContain('leads outside the workspace')
  })

  it('refuses a named pipe at once instead of waiting for a writer', async () => {
    mkfifo(join(workspace, 'pipe.json'))
    const start = Date.now()
    expect(await problem('pipe.json')).toBe('Input `card-file`: pipe.json is not a regular file (a named pipe)')
    expect(Date.now() - start).toBeLessThan(1000)
  })

  it('refuses a directory and a missing file', async () => {
    mkdirSync(join(workspace, 'cards'))
    expect(await problem('cards')).toBe('Input `card-file`: cards is not a regular file (a directory)')
    expect(await problem('nope.json')).toMatch(/^Input `card-file`: nope.json: no such file in the workspace/)
  })

  it('checks the size before reading: a 200 MB sparse file is refused from its size alone', async () => {
    const path = join(workspace, 'big.json')
    writeFileSync(path, '')
    truncateSync(path, 200 * 1024 * 1024)
    const before = process.memoryUsage().rss
    expect(await problem('big.json')).toBe(
      'Input `card-file`: big.json is 200.0 MB; a card file may be at most 1024 KB',
    )
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024)
  })
})
