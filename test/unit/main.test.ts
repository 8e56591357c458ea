// The whole run() at the src/ level: the runner's functions and the environment passed in as plain
// data, against the fake Feishu server on loopback. What the end-to-end tests check through dist/,
// caught here without a rebuild.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { run } from '../../src/main.js'
import { startFakeFeishu } from '../fake-feishu.mjs'
import { CONTEXT, inputEnv } from '../run-action.mjs'
import { fakeRunner } from './fake-runner.js'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
let fake: Fake

beforeAll(async () => {
  fake = await startFakeFeishu()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

async function step(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const all = {
    ...CONTEXT,
    ...inputEnv({ 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: fake.url, ...inputs }),
    ...env,
  }
  const runner = fakeRunner(all)
  await run(all, runner)
  return runner
}

describe('run()', () => {
  it('sends a text to two chats with one token, sets the outputs and writes the summary', async () => {
    const runner = await step({ 'chat-id': 'oc_1, oc_2', text: 'Build ${run_number} passed' })
    expect(runner.failures).toEqual([])
    expect(fake.messages.map((message) => [message.chat_id, message.parsedContent.text])).toEqual([
      ['oc_1', 'Build 77 passed'],
      ['oc_2', 'Build 77 passed'],
    ])
    expect(fake.requests.filter((request) => request.path.endsWith('/tenant_access_token/internal'))).toHaveLength(1)
    expect(runner.outputs['message-id']).toBe(fake.messages[0]!.message_id)
    expect(JSON.parse(runner.outputs['message-ids']!)).toEqual(fake.messages.map((message) => message.message_id))
    expect(JSON.parse(runner.outputs.results!).map((entry: { ok: boolean }) => entry.ok)).toEqual([true, true])
    expect(runner.log).toContain('Delivered to all 2 receiver(s).')
    expect(runner.summaries.join('')).toContain('✅ Delivered to all 2 receivers.')
  })

  it('keeps one connection for the token request and every send (keep-alive)', async () => {
    const before = fake.connections
    const runner = await step({ 'chat-id': 'oc_1, oc_2, oc_3', text: 'hi' })
    expect(runner.failures).toEqual([])
    expect(fake.requests).toHaveLength(4)
    // The token comes first, alone; the three sends then go out together, up to one connection each.
    expect(fake.connections - before).toBeLessThanOrEqual(3)
    const single = fake.connections
    await step({ 'chat-id': 'oc_1', text: 'hi' })
    expect(fake.connections - single).toBe(1)
  })

  it('masks the app secret before any line and the tenant token when it arrives; neither is shown', async () => {
    const runner = await step({ 'chat-id': 'oc_1', text: 'hi' })
    const token = fake.tokens.at(-1) ?? ''
    expect(token).not.toBe('')
    expect(runner.secrets).toContain('test-secret')
    expect(runner.secrets).toContain(token)
    expect(runner.shown()).not.toContain('test-secret')
    expect(runner.shown()).not.toContain(token)
  })

  it('an e-mail mention: handed to the runner as a secret, and never written whole, even unmasked', async () => {
    // The default fake app lacks contact:user.id:readonly: the lookup fails, the message still goes.
    const runner = await step({ 'chat-id': 'oc_1', text: 'hi', mention: 'carol@example.com' })
    expect(runner.failures).toEqual([])
    expect(fake.messages.map((message) => message.parsedContent.text)).toEqual(['hi\nc***@example.com'])
    expect(runner.secrets).toContain('carol@example.com')
    const raw = [...runner.log, ...Object.values(runner.outputs), ...runner.summaries].join('\n')
    expect(raw).not.toContain('carol@example.com')
    expect(runner.warnings).toHaveLength(1)
    expect(runner.warnings[0]).toContain('Mention c***@example.com is sent as plain text')
    expect(runner.warnings[0]).toContain('contact:user.id:readonly')
  })

  it('a secret that reached the content is hidden in the job summary and the card preview file', async () => {
    const sent = await step({ 'chat-id': 'oc_1', text: 'key ${key}', variables: 'key: test-secret' })
    expect(fake.messages[0]!.parsedContent.text).toBe('key test-secret')
    expect(sent.summaries.join('')).toContain('key ***')
    expect(sent.summaries.join('')).not.toContain('test-secret')

    const temp = mkdtempSync(join(tmpdir(), 'preview-'))
    const dry = await step(
      {
        'chat-id': 'oc_1',
        card: '{"elements": [{"tag": "markdown", "content": "key ${key}"}]}',
        variables: 'key: test-secret',
        'dry-run': 'true',
      },
      { RUNNER_TEMP: temp },
    )
    const line = dry.log.find((entry) => entry.startsWith('Card preview'))!
    const html = readFileSync(line.slice(line.lastIndexOf(': ') + 2), 'utf8')
    expect(html).toContain('key ***')
    expect(html).not.toContain('test-secret')
  })

  it('an input error fails in one line naming the input, before any request, and the summary says why', async () => {
    const runner = await step({ 'chat-id': 'oc_1', text: 'hi', timeout: 'soon' })
    expect(runner.failures).toEqual([
      'Input `timeout`: "soon" is not a number of seconds from 0.1 to 600, written in decimal (e.g. 10 or 2.5)',
    ])
    expect(fake.requests).toHaveLength(0)
    expect(runner.outputs).toEqual({})
    expect(runner.summaries.join('')).toContain('❌ Nothing was sent: Input \\`timeout\\`')
  })

  it("a refusal fails the step with Feishu's code and the fix; fail-on-error: false turns it into a warning", async () => {
    const failed = await step({ 'chat-id': 'oc_notmember', text: 'hi' })
    expect(failed.failures).toHaveLength(1)
    expect(failed.failures[0]).toContain('Feishu code 230002')
    expect(failed.failures[0]).toContain('add the app')
    expect(JSON.parse(failed.outputs.results!)[0]).toMatchObject({ ok: false, code: 230002 })

    const warned = await step({ 'chat-id': 'oc_notmember', text: 'hi', 'fail-on-error': 'false' })
    expect(warned.failures).toEqual([])
    expect(warned.warnings.join('\n')).toContain('Feishu code 230002')
  })

  it('a dry run sends nothing, not even the token request, and says so in the outputs', async () => {
    const runner = await step({ 'app-id': '', 'app-secret': '', 'chat-id': 'oc_1', text: 'hi', 'dry-run': 'true' })
    expect(fake.requests).toHaveLength(0)
    expect(runner.failures).toEqual([])
    expect(JSON.parse(runner.outputs.results!)[0]).toMatchObject({ ok: false, error: 'dry run: not sent' })
    expect(runner.log.join('\n')).toContain('Authorization: Bearer ***')
  })

  it('posts by custom bot webhook with the hook token masked everywhere', async () => {
    const hook = `${fake.url}/open-apis/bot/v2/hook/demo-hook-token`
    const runner = await step({ 'app-id': '', 'app-secret': '', webhook: hook, text: 'hi' })
    expect(runner.failures).toEqual([])
    expect(fake.webhookMessages).toHaveLength(1)
    expect(runner.secrets).toContain('demo-hook-token')
    expect(runner.shown()).not.toContain('demo-hook-token')
    expect(runner.outputs['message-id']).toBe('')
  })

  it('the built-in build card on a push event, and summary: false writes no summary', async () => {
    const runner = await step({ 'chat-id': 'oc_1', status: 'failure', summary: 'false' })
    expect(runner.failures).toEqual([])
    const card = fake.messages[0]!.parsedContent
    expect(card.schema).toBe('2.0')
    expect(card.header.template).toBe('red')
    expect(runner.summaries).toEqual([])
  })
})

describe('run() on an exception the action did not expect (a bug)', () => {
  it('fails with one "internal error" line asking for a report; the stack only in the debug log', async () => {
    const all = {
      ...CONTEXT,
      ...inputEnv({
        'app-id': 'cli_test',
        'app-secret': 'test-secret',
        domain: fake.url,
        'chat-id': 'oc_1',
        text: 'hi',
      }),
    }
    const runner = fakeRunner(all)
    // A bug stands in for one: the first log line throws what a wrong property access would.
    const info = runner.info.bind(runner)
    let thrown = false
    runner.info = (message) => {
      if (thrown) return info(message)
      thrown = true
      throw new TypeError("Cannot read properties of undefined (reading 'length')")
    }
    await run(all, runner)
    expect(runner.failures).toEqual([
      "internal error: TypeError: Cannot read properties of undefined (reading 'length') — please report it with this run's log",
    ])
    const debug = runner.log.filter((line) => line.startsWith('::debug::'))
    expect(debug).toHaveLength(1)
    expect(debug[0]).toMatch(/^::debug::TypeError: Cannot read properties[^\n]*\n\s+at /)
    // Nothing but the failure line and the debug stack: no stack among the visible lines.
    expect(runner.log.filter((line) => !line.startsWith('::debug::')).join('\n')).not.toMatch(/\n\s+at /)
    expect(runner.summaries.join('')).toContain('internal error: TypeError')
    expect(fake.messages).toHaveLength(0)
  })

  it('an error the action explains keeps its own line, with no stack anywhere', async () => {
    const runner = await step({ 'chat-id': 'oc_1', text: 'hi', 'max-retries': 'many' })
    expect(runner.failures).toHaveLength(1)
    expect(runner.failures[0]).toMatch(/^Input `max-retries`: /)
    expect(runner.log.join('\n')).not.toMatch(/\n\s+at /)
  })
})
