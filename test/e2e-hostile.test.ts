// Careless and hostile input, end to end through dist/index.js as the runner starts it: every
// case ends in one clear line (exit code, the ::error:: line naming the input), bad input sends no
// request, and every delivery case stores the message exactly once.
import { mkfifo } from './unit/fifo.js'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { eventEnv, examplePayload } from './github-events.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const SEND = '/open-apis/im/v1/messages'
const HOOK = 'b0a710ad-5e5e-4f4f-8a8a-123412341234'

const errorLines = (result: ActionRun) => result.stdout.split('\n').filter((line) => line.startsWith('::error'))

describe.each(RUNTIMES)('careless and hostile input on $name', ({ bin }) => {
  let fake: Fake
  const chats = Array.from({ length: 20 }, (_, index) => `oc_${index}`)
  const run = (
    inputs: Record<string, string>,
    env: Record<string, string> = {},
    event?: { name: string; payload: unknown },
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      env: { ...(event ? eventEnv(event.name, event.payload) : {}), ...env },
      event,
      inputs: { 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: fake.url, 'chat-id': 'oc_1', ...inputs },
    })

  /** Bad input: exit 1, exactly one error line, naming the input, and not one request. */
  function expectInputError(result: ActionRun, input: string, text: string): void {
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('')
    const errors = errorLines(result)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`::error::Input \`${input}\`: `)
    expect(errors[0]).toContain(text)
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).not.toMatch(/Maximum call stack|Invalid string length|RangeError|\n {4}at /)
  }

  /** Delivered: the message stored exactly once. */
  function expectStoredOnce(result: ActionRun): void {
    expect(result.stderr).toBe('')
    expect(fake.messages).toHaveLength(1)
    expect(fake.requests.filter((request) => request.path === SEND)).toHaveLength(1)
  }

  beforeAll(async () => {
    fake = await startFakeFeishu({ chats: ['oc_1', ...chats], bots: { [HOOK]: {} } })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  describe('deep nesting in structured inputs', () => {
    const deep = '['.repeat(5000)
    it.each([
      ['card', { card: deep }, 'nests too deeply (line 1, column 101: deeper than 100 levels'],
      ['post', { post: `{"zh_cn": ${'{"a": '.repeat(3000)}` }, 'nests too deeply (line 1, column 605'],
      ['variables', { text: 'x', variables: `{"a": ${deep}` }, 'nests too deeply (line 1, column 106'],
    ])('%s: unclosed JSON thousands deep names the input and a position', async (input, inputs, text) => {
      expectInputError(await run(inputs), input, text)
    })

    it('card-file: the same, naming the file', async () => {
      const result = await runAction({
        node: bin,
        files: { 'deep.json': deep },
        inputs: {
          'app-id': 'cli_test',
          'app-secret': 'test-secret',
          domain: fake.url,
          'chat-id': 'oc_1',
          'card-file': 'deep.json',
        },
      })
      expectInputError(result, 'card-file', 'deep.json nests too deeply (line 1, column 101')
    })
  })

  describe('placeholders', () => {
    it('${ name } with spaces is filled, and stored once', async () => {
      const result = await run({ text: 'ref ${ ref_name } by ${actor }', variables: '' })
      expect(result.exitCode).toBe(0)
      expectStoredOnce(result)
      expect(fake.messages[0]!.parsedContent.text).toBe('ref v1.2.3 by octocat')
    })

    it('an unknown ${ name } with spaces fails like one without', async () => {
      expectInputError(await run({ text: 'hi ${ nope }' }), 'text', 'unknown placeholder ${nope}')
    })

    it('a big variable repeated thousands of times stops at the limit, naming the input', async () => {
      const result = await run({ text: '${big}'.repeat(5000), variables: `big: ${'x'.repeat(100_000)}` })
      expectInputError(result, 'text', 'the message grows past 300 K characters while filling placeholders (at ${big})')
    })
  })

  describe('card-file', () => {
    let workspace: string
    const runIn = (file: string) =>
      runAction({
        node: bin,
        env: { GITHUB_WORKSPACE: workspace },
        inputs: {
          'app-id': 'cli_test',
          'app-secret': 'test-secret',
          domain: fake.url,
          'chat-id': 'oc_1',
          'card-file': file,
        },
      })
    beforeAll(() => {
      const top = mkdtempSync(join(tmpdir(), 'hostile-ws-'))
      workspace = join(top, 'ws')
      mkdirSync(workspace)
      writeFileSync(join(top, 'outside.json'), '{"elements": []}')
      mkfifo(join(workspace, 'pipe.json'))
      symlinkSync(join(top, 'outside.json'), join(workspace, 'link.json'))
      symlinkSync('/dev/zero', join(workspace, 'zero.json'))
      writeFileSync(join(workspace, 'huge.json'), '')
      truncateSync(join(workspace, 'huge.json'), 200 * 1024 * 1024)
      const card = '{"elements": [{"tag": "markdown", "content": "from a file"}]}'
      writeFileSync(join(workspace, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(card)]))
      writeFileSync(
        join(workspace, 'utf16.json'),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(card, 'utf16le')]),
      )
    })

    it('a FIFO is refused at once instead of hanging the step', async () => {
      const start = Date.now()
      expectInputError(await runIn('pipe.json'), 'card-file', 'pipe.json is not a regular file (a named pipe)')
      expect(Date.now() - start).toBeLessThan(5000)
    })

    it.each([['../outside.json'], ['link.json'], ['zero.json'], ['/dev/zero'], ['/etc/passwd']])(
      '%s leads outside the workspace',
      async (file) => {
        expectInputError(await runIn(file), 'card-file', 'leads outside the workspace')
      },
    )

    it('a 200 MB file is refused from its size', async () => {
      expectInputError(
        await runIn('huge.json'),
        'card-file',
        'huge.json is 200.0 MB; a card file may be at most 1024 KB',
      )
    })

    it('UTF-16 is named; a UTF-8 byte-order mark is accepted and the card stored once', async () => {
      expectInputError(await runIn('utf16.json'), 'card-file', 'utf16.json is encoded as UTF-16; save it as UTF-8')
      fake.reset()
      const result = await runIn('bom.json')
      expect(result.exitCode).toBe(0)
      expectStoredOnce(result)
      expect(fake.messages[0]!.content).toContain('from a file')
    })
  })

  describe('inputs that say something else than meant', () => {
    it('a text of only whitespace is an error naming text, not the built-in card', async () => {
      expectInputError(await run({ text: '  \n\t ' }), 'text', 'is only whitespace')
    })

    it('timeout 0x10 is not 16 seconds', async () => {
      expectInputError(await run({ text: 'x', timeout: '0x10' }), 'timeout', '"0x10" is not a number of seconds')
    })

    it.each([['\n'], ['\t'], ['\r']])(
      'a webhook URL with %j inside the token is refused, never posted elsewhere',
      async (char) => {
        const token = `${HOOK.slice(0, 8)}${char}${HOOK.slice(8)}`
        const result = await run({
          'app-id': '',
          'app-secret': '',
          'chat-id': '',
          text: 'x',
          webhook: `${fake.url}/open-apis/bot/v2/hook/${token}`,
        })
        expectInputError(result, 'webhook', 'contains a space, tab, newline or invisible character')
        expect(visibleOutput(result)).not.toContain(HOOK.slice(8))
        expect(fake.webhookMessages).toHaveLength(0)
      },
    )

    it('a zero-width space in an id is shown as \\u200b', async () => {
      expectInputError(
        await run({ text: 'x', 'chat-id': 'oc_1\u200b' }),
        'chat-id',
        '"oc_1\\u200b" is not a valid chat_id',
      )
    })
  })

  describe('text others wrote, through untrusted-variables', () => {
    it('a commit message with a mention, markup, a link and ${HOME} is sent as text, once', async () => {
      const message = 'fix <at user_id="all"></at> </font> [x](https://evil.example) ${HOME}'
      const result = await run({
        text: 'Commit: ${commit}',
        'untrusted-variables': `commit: ${JSON.stringify(message)}`,
      })
      expect(result.exitCode).toBe(0)
      expectStoredOnce(result)
      const text = fake.messages[0]!.parsedContent.text as string
      expect(text).toContain('${HOME}')
      expect(text).not.toMatch(/<\s*\/?\s*(at|font)\b|\]\(/)
    })
  })

  describe('the release card is never lost', () => {
    const release = (body: string) => {
      const payload = examplePayload('release', 'published')
      payload.release.body = body
      return { name: 'release', payload }
    }

    it.each([
      ['3 KB of nested quotes', `${'>'.repeat(3000)} deep`, 'deep'],
      [
        'a list nested 3000 deep',
        Array.from({ length: 3000 }, (_, level) => `${'  '.repeat(level)}- item`).join('\n'),
        'item',
      ],
      ['120 KB of *a', '*a'.repeat(60_000), '&#42;a&#42;a'],
    ])('%s: the card goes out once, the notes as plain text with a link to the release', async (_, body, shown) => {
      const start = Date.now()
      const result = await run({}, {}, release(body))
      expect(result.exitCode).toBe(0)
      expect(Date.now() - start).toBeLessThan(10_000)
      expectStoredOnce(result)
      const card = fake.messages[0]!.content
      expect(card).toContain(shown)
      expect(card).toContain('https://github.com/Codertocat/Hello-World/releases/tag/0.0.1')
      expect(Buffer.byteLength(card)).toBeLessThanOrEqual(30 * 1024)
    })
  })

  describe('output and answers', () => {
    it('GITHUB_OUTPUT on a full disk after delivery: one error, the message id in the log, stored once', async () => {
      const result = await run({ text: 'x' }, { GITHUB_OUTPUT: '/dev/full' })
      expect(result.exitCode).toBe(1)
      expectStoredOnce(result)
      const id = fake.messages[0]!.message_id
      const errors = errorLines(result)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(`::error::The message was delivered (message id ${id}`)
      expect(errors[0]).toContain("could not be written to the runner's output file, GITHUB_OUTPUT (ENOSPC)")
      expect(result.stdout).toContain(`message-id: ${id}`)
      expect(result.stdout.match(/::group::/g)?.length).toBe(result.stdout.match(/::endgroup::/g)?.length)
      expect(result.stdout).not.toContain('EACCES')
      expect(result.summary).toContain("⚠️ The step's outputs were not written")
      expect(result.summary).not.toContain('Nothing was sent')
    })

    it('the same with fail-on-error false: a warning, and the step succeeds', async () => {
      const result = await run(
        { text: 'x', 'fail-on-error': 'false' },
        { GITHUB_OUTPUT: join(tmpdir(), 'no-such-dir', 'out') },
      )
      expect(result.exitCode).toBe(0)
      expectStoredOnce(result)
      expect(errorLines(result)).toEqual([])
      expect(result.stdout).toMatch(/::warning::The message was delivered \(message id om_/)
    })

    it('GITHUB_OUTPUT on a full disk in a dry run: one error, no request', async () => {
      const result = await run({ text: 'x', 'dry-run': 'true' }, { GITHUB_OUTPUT: '/dev/full' })
      expect(result.exitCode).toBe(1)
      expect(errorLines(result)).toEqual([
        "::error::Dry run, but the output `message-id` could not be written to the runner's output file, GITHUB_OUTPUT (ENOSPC); later steps will not see this step's outputs. Check the runner's disk and the GITHUB_OUTPUT file.",
      ])
      expect(fake.requests).toHaveLength(0)
    })

    it('a 900 KB msg from the server is echoed capped, in one line', async () => {
      fake.inject({ path: SEND, status: 400, body: { code: 230001, msg: `invalid\n${'x'.repeat(900 * 1024)}` } })
      const result = await run({ text: 'x' })
      expect(result.exitCode).toBe(1)
      const errors = errorLines(result)
      expect(errors).toHaveLength(1)
      expect(errors[0]!.length).toBeLessThan(3000)
      expect(errors[0]).toContain('Feishu code 230001')
      expect(errors[0]).toMatch(/x… \(\d+ more characters\)/)
      expect(result.outputs.results!.length).toBeLessThan(3000)
      expect(fake.messages).toHaveLength(0)
    })

    it('a 10 MB answer is not read whole: named as no Feishu answer, nothing stored', async () => {
      fake.inject({ path: SEND, status: 400, body: { code: 230001, msg: 'x'.repeat(10 * 1024 * 1024) } })
      const result = await run({ text: 'x', 'max-retries': '0' })
      expect(result.exitCode).toBe(1)
      const errors = errorLines(result)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(
        /answered HTTP 400 with more than 8 MB, which no Feishu answer is \(the rest was not read\)/,
      )
      expect(errors[0]!.length).toBeLessThan(1000)
      expect(fake.messages).toHaveLength(0)
    })

    it('a certificate the runner does not trust: named as such, with NODE_EXTRA_CA_CERTS, not retried', async () => {
      const tlsFake = await startFakeFeishu({
        tls: {
          key: readFileSync(new URL('./fixtures/loopback-key.pem', import.meta.url), 'utf8'),
          cert: readFileSync(new URL('./fixtures/loopback-cert.pem', import.meta.url), 'utf8'),
        },
      })
      try {
        const result = await runAction({
          node: bin,
          inputs: {
            'app-id': 'cli_test',
            'app-secret': 'test-secret',
            domain: tlsFake.url,
            'chat-id': 'oc_1',
            text: 'x',
          },
        })
        expect(result.exitCode).toBe(1)
        const errors = errorLines(result)
        expect(errors).toHaveLength(1)
        expect(errors[0]).toMatch(
          /the TLS certificate of 127\.0\.0\.1:\d+ was not accepted \([A-Z_]+\): a certificate problem/,
        )
        expect(errors[0]).toContain('NODE_EXTRA_CA_CERTS')
        expect(errors[0]).not.toContain('firewall, proxy)')
        expect(result.stdout).not.toMatch(/retry \d+ of/)
        expect(tlsFake.requests).toHaveLength(0)
      } finally {
        await tlsFake.close()
      }
    })

    it.each([
      ['missing', undefined, 'names a file that cannot be read (no such file)'],
      ['empty', '', 'names an empty file'],
      ['not JSON', '{"release":', 'names a file that is not JSON'],
    ])('an event file that is %s: one warning, and the message still goes out once', async (_, content, problem) => {
      const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
      if (content !== undefined) writeFileSync(path, content)
      const result = await run({ text: 'x' }, { GITHUB_EVENT_PATH: path })
      expect(result.exitCode).toBe(0)
      expectStoredOnce(result)
      const warnings = result.stdout.split('\n').filter((line) => line.startsWith('::warning'))
      expect(warnings).toEqual([
        `::warning::The event payload (GITHUB_EVENT_PATH) ${problem}: the message is made from the GITHUB_* environment alone, without what the event says (release, pull request, commit message).`,
      ])
    })
  })

  it('a fan-out longer than 10 s prints progress, groups the per-receiver lines, and stores each once', async () => {
    // One send hangs until the 11 s timeout; it is retried with the same uuid.
    fake.inject({ path: SEND, action: 'hang', skip: 3 })
    const result = await run({ 'chat-id': chats.join(','), text: 'x', timeout: '11' })
    expect(result.exitCode).toBe(0)
    expect(fake.messages.map((message) => message.chat_id).sort()).toEqual([...chats].sort())
    const progress = result.stdout.split('\n').filter((line) => line.startsWith('Progress: '))
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress[0]).toMatch(/^Progress: 19 of 20 sent, 0 failed, 1 remaining, about \d+ s left$/)
    expect(result.stdout).toContain('::group::Delivered to 20 of 20 receiver(s)')
  }, 30_000)
})
