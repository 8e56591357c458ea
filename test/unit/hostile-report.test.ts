// Reporting when the runner misbehaves: an output file that cannot be written after the message
// went out, an event file that is missing, empty or not JSON, and a long fan-out's progress.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OutputFileError } from '../../src/base/runner.js'
import type { FeishuClient } from '../../src/feishu/client.js'
import { deliver, progressLine, type DeliveryResult } from '../../src/feishu/deliver.js'
import { planAppDelivery } from '../../src/feishu/plan.js'
import { readRunContext } from '../../src/github/context.js'
import { reportDelivery } from '../../src/report/outputs.js'
import { renderSummary } from '../../src/report/summary.js'
import { fakeRunner } from './fake-runner.js'

const delivered = (index: number): DeliveryResult => ({
  receiver: { receiveId: `oc_${index}`, receiveIdType: 'chat_id' },
  ok: true,
  messageId: `om_${index}`,
  chatId: `oc_${index}`,
})

function brokenOutputs() {
  const runner = fakeRunner({})
  let attempts = 0
  runner.setOutput = (name) => {
    attempts += 1
    throw new OutputFileError(name, Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
  }
  return { runner, attempts: () => attempts }
}

describe('an output file that cannot be written after delivery', () => {
  it('fails once, naming it, with the message id in the log and the group closed', () => {
    const { runner, attempts } = brokenOutputs()
    const problem = reportDelivery(runner, [delivered(1)], true)
    expect(attempts()).toBe(1)
    expect(runner.failures).toEqual([
      "The message was delivered (message id om_1, all in the Outputs group above), but the output `message-id` could not be written to the runner's output file, GITHUB_OUTPUT (ENOSPC); later steps will not see this step's outputs. Check the runner's disk and the GITHUB_OUTPUT file; do not re-run only to resend.",
    ])
    expect(runner.log).toContain('message-id: om_1')
    expect(runner.log.filter((line) => line === '::group::Outputs')).toHaveLength(1)
    expect(runner.log.at(runner.log.indexOf('::group::Outputs') + 6)).toBe('::endgroup::')
    expect(problem).toContain('(ENOSPC)')
    expect(renderSummary({ results: [delivered(1)], outputProblem: problem })).toContain(
      "⚠️ The step's outputs were not written: The message was delivered",
    )
  })

  it('is a warning when fail-on-error is false', () => {
    const { runner } = brokenOutputs()
    reportDelivery(runner, [delivered(1)], false)
    expect(runner.failures).toEqual([])
    expect(runner.warnings).toHaveLength(1)
    expect(runner.warnings[0]).toMatch(/\(ENOSPC\).*\n\(fail-on-error is false, so the step succeeds\.\)$/)
  })

  it('joins a delivery failure into the one failure', () => {
    const { runner } = brokenOutputs()
    const failed: DeliveryResult = { ...delivered(2), ok: false, messageId: '', stage: 'send' }
    reportDelivery(runner, [delivered(1), failed], true)
    expect(runner.failures).toHaveLength(1)
    expect(runner.failures[0]).toMatch(
      /^1 of 2 receiver\(s\) did not get the message:[\s\S]*\nAlso, the output `message-id`/,
    )
  })

  it('any other error is not taken for an output problem', () => {
    const runner = fakeRunner({})
    runner.setOutput = () => {
      throw new TypeError('a bug')
    }
    expect(() => reportDelivery(runner, [delivered(1)], true)).toThrow('a bug')
    expect(runner.log.at(-1)).toBe('::endgroup::')
  })
})

describe('the event file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-'))
  const cases: [string, string | undefined, string][] = [
    ['missing', undefined, 'names a file that cannot be read (no such file)'],
    ['empty', '', 'names an empty file'],
    ['not JSON', '{"release": ', 'names a file that is not JSON'],
    ['a JSON list', '[1]', 'holds JSON that is not an object'],
  ]
  it.each(cases)('%s: one warning, and the context from the environment', async (name, content, problem) => {
    const path = join(dir, `${name}.json`)
    if (content !== undefined) writeFileSync(path, content)
    const warnings: string[] = []
    const context = await readRunContext(
      { GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'release' },
      (line) => warnings.push(line),
    )
    expect(warnings).toEqual([
      `The event payload (GITHUB_EVENT_PATH) ${problem}: the message is made from the GITHUB_* environment alone, without what the event says (release, pull request, commit message).`,
    ])
    expect(context.repository).toBe('o/r')
    expect(context.release).toBeUndefined()
  })

  it('a good file, or a local run without one, says nothing', async () => {
    const path = join(dir, 'good.json')
    writeFileSync(path, '{"repository": {"full_name": "o/r"}}')
    const warnings: string[] = []
    await readRunContext({ GITHUB_EVENT_PATH: path }, (line) => warnings.push(line))
    await readRunContext({}, (line) => warnings.push(line))
    expect(warnings).toEqual([])
    await readRunContext({ GITHUB_ACTIONS: 'true' }, (line) => warnings.push(line))
    expect(warnings).toEqual([expect.stringContaining('(GITHUB_EVENT_PATH) is not set')])
  })
})

describe('progress of a long fan-out', () => {
  it('says sent, failed, remaining and the time left', () => {
    expect(progressLine(0, 0, 5000, 10_000)).toBe(
      'Progress: 0 of 5000 sent, 0 failed, 5000 remaining, time left not known yet',
    )
    expect(progressLine(990, 10, 5000, 60_000)).toBe(
      'Progress: 990 of 5000 sent, 10 failed, 4000 remaining, about 4 min 0 s left',
    )
    expect(progressLine(4990, 0, 5000, 300_000)).toBe(
      'Progress: 4990 of 5000 sent, 0 failed, 10 remaining, about 1 s left',
    )
  })

  it('is told while sends are under way, and not after', async () => {
    const receivers = Array.from({ length: 40 }, (_, index) => ({
      receiveId: `oc_${index}`,
      receiveIdType: 'chat_id' as const,
    }))
    const plan = planAppDelivery({
      baseUrl: 'http://127.0.0.1:9',
      receivers,
      updateMessageId: '',
      replyTo: '',
      replyInThread: false,
      uuid: '',
      message: { msgType: 'text', content: { text: 'x' } },
      step: null,
    })
    let calls = 0
    const client = {
      tenantToken: () => Promise.resolve('t-1'),
      deliver: async () => {
        const call = ++calls
        await new Promise((resolve) => setTimeout(resolve, 20))
        if (call % 10 === 0) throw new Error('refused')
        return { messageId: `om_${call}`, chatId: 'oc' }
      },
    } as unknown as FeishuClient
    const lines: string[] = []
    const results = await deliver({ client, plan, progress: (line) => lines.push(line), progressEveryMs: 15 })
    expect(results.filter((result) => result.ok)).toHaveLength(36)
    expect(lines.length).toBeGreaterThanOrEqual(1)
    for (const line of lines) expect(line).toMatch(/^Progress: \d+ of 40 sent, \d+ failed, \d+ remaining, /)
    const count = lines.length
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(lines).toHaveLength(count)
  })
})

describe('an output file that cannot be written in a dry run', () => {
  it('says so without talking of resending', async () => {
    const { reportOutputProblem } = await import('../../src/report/outputs.js')
    const { runner } = brokenOutputs()
    const dry: DeliveryResult = { ...delivered(1), ok: false, messageId: '', stage: 'dry-run' }
    reportOutputProblem(runner, 'the output `message-id` could not be written', [dry], true, true)
    expect(runner.failures).toEqual([
      "Dry run, but the output `message-id` could not be written; later steps will not see this step's outputs. Check the runner's disk and the GITHUB_OUTPUT file.",
    ])
  })
})
