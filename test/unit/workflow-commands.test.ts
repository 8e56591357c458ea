// src/workflow-commands.ts stands in for @actions/core: for the same calls, the runner must see
// the same bytes. Each case runs both and compares what reached stdout and the runner's files.
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as ours from '../../src/workflow-commands.js'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  process.exitCode = undefined
})

function printed(act: () => void): string {
  let text = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk)
    return true
  })
  act()
  spy.mockRestore()
  return text
}

const MESSAGES = ['plain', 'two\nlines\r\nand 100% done', '::set-output name=x::y', '%0A already escaped', '']

describe('workflow commands, byte for byte as @actions/core writes them', () => {
  it.each(['setSecret', 'info', 'debug', 'notice', 'warning', 'startGroup'] as const)('%s', (name) => {
    for (const message of MESSAGES) {
      expect(printed(() => ours[name](message))).toBe(printed(() => core[name](message)))
    }
  })

  it('endGroup and setFailed (exit code 1)', () => {
    expect(printed(() => ours.endGroup())).toBe(printed(() => core.endGroup()))
    for (const message of MESSAGES) {
      process.exitCode = undefined
      const theirs = printed(() => core.setFailed(message))
      expect(process.exitCode).toBe(1)
      process.exitCode = undefined
      expect(printed(() => ours.setFailed(message))).toBe(theirs)
      expect(process.exitCode).toBe(1)
    }
  })
})

describe('inputs', () => {
  it('getInput: INPUT_<NAME>, spaces as underscores, trimmed', () => {
    vi.stubEnv('INPUT_CHAT-ID', '  oc_1\n')
    vi.stubEnv('INPUT_MY_INPUT', 'x')
    for (const name of ['chat-id', 'my input', 'missing']) expect(ours.getInput(name)).toBe(core.getInput(name))
  })

  it('getBooleanInput: the same values accepted and refused', () => {
    for (const value of ['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'yes', '1', '']) {
      vi.stubEnv('INPUT_FLAG', value)
      const theirs = (() => {
        try {
          return core.getBooleanInput('flag')
        } catch (error) {
          return (error as Error).message
        }
      })()
      const mine = (() => {
        try {
          return ours.getBooleanInput('flag')
        } catch (error) {
          return (error as Error).message
        }
      })()
      expect(mine).toEqual(theirs)
    }
  })
})

describe('files', () => {
  it('setOutput: the same name<<delimiter block, whatever the value holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfc-'))
    for (const [who, set] of [
      ['core', core.setOutput],
      ['ours', ours.setOutput],
    ] as const) {
      writeFileSync(join(dir, who), '')
      vi.stubEnv('GITHUB_OUTPUT', join(dir, who))
      set('results', '[{"a":1}]\nsecond<<EOF\nline')
      set('empty', '')
    }
    const normalized = (who: string) =>
      readFileSync(join(dir, who), 'utf8').replace(/ghadelimiter_[\w-]+/g, 'DELIMITER')
    expect(normalized('ours')).toBe(normalized('core'))
  })

  it('appendSummary: appends to GITHUB_STEP_SUMMARY as core.summary does; nothing without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfc-'))
    for (const who of ['core', 'ours']) writeFileSync(join(dir, who), 'before\n')
    vi.stubEnv('GITHUB_STEP_SUMMARY', join(dir, 'core'))
    await core.summary.addRaw('## Hi\n| a |', true).write()
    expect(await ours.appendSummary('## Hi\n| a |\n', { GITHUB_STEP_SUMMARY: join(dir, 'ours') })).toBe(true)
    expect(readFileSync(join(dir, 'ours'), 'utf8')).toBe(readFileSync(join(dir, 'core'), 'utf8'))
    expect(await ours.appendSummary('x', {})).toBe(false)
  })
})
