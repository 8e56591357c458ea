// Images and files, end to end through dist/ (issue 20): uploaded once each to the fake, which
// parses the multipart body and checks fields, sizes, scope and that messages carry only keys it
// issued to the sending app; then sent to every receiver after the main message, in order.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorLines, expectInputError } from './expect-step.js'
import { startFakeFeishu } from './fake-feishu.mjs'
import { RUNTIMES, runAction, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
  Buffer.alloc(64, 7),
])
const PDF = Buffer.from('%PDF-1.4\n% a report\n'.repeat(50))
const MB = 1024 * 1024
const IMAGES = '/open-apis/im/v1/images'
const FILES = '/open-apis/im/v1/files'
const MESSAGES = '/open-apis/im/v1/messages'

function expectGreen(result: ActionRun): void {
  expect(errorLines(result)).toEqual([])
  expect(result.stderr).toBe('')
  expect(result.exitCode).toBe(0)
}

describe.each(RUNTIMES)('attachments on $name', ({ bin }) => {
  let fake: Fake
  const run = (
    inputs: Record<string, string>,
    more: Omit<Parameters<typeof runAction>[0], 'inputs'> = {},
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      ...more,
      inputs: { 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: fake.url, ...inputs },
    })
  const to = (path: string) => fake.requests.filter((request) => request.path === path)

  beforeAll(async () => {
    fake = await startFakeFeishu({
      apps: {
        cli_test: { secret: 'test-secret' },
        cli_noscope: { secret: 'noscope-secret', scopes: ['im:message:send_as_bot'] },
      },
      chats: ['oc_1', 'oc_2', 'oc_3'],
    })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it('an image and a file to 3 receivers: one upload each, then 3 messages each, after the card and in order', async () => {
    const result = await run(
      {
        'chat-id': 'oc_1\noc_2\noc_3',
        card: '{"elements": [{"tag": "img", "img_key": "${chart}", "alt": {"tag": "plain_text", "content": "chart"}}]}',
        images: 'chart: chart.png',
        attachments: 'shot.png\nreport.pdf',
      },
      { files: { 'chart.png': PNG, 'shot.png': PNG, 'report.pdf': PDF } },
    )
    expectGreen(result)
    expect(to(IMAGES)).toHaveLength(2)
    expect(to(FILES)).toHaveLength(1)
    // Uploaded in parallel: in any order.
    const [chart, shot, report] = ['chart.png', 'shot.png', 'report.pdf'].map((name) =>
      fake.files.uploads.find((upload) => upload.name === name)!,
    )
    expect(
      [chart, shot, report].map((upload) => [upload!.kind, upload!.name, upload!.fileType, upload!.bytes]),
    ).toEqual([
      ['image', 'chart.png', '', PNG.length],
      ['image', 'shot.png', '', PNG.length],
      ['file', 'report.pdf', 'pdf', PDF.length],
    ])
    for (const chat of ['oc_1', 'oc_2', 'oc_3']) {
      const messages = fake.messages.filter((message) => message.chat_id === chat)
      expect(messages.map((message) => message.msg_type)).toEqual(['interactive', 'image', 'file'])
      expect(JSON.stringify(messages[0]!.parsedContent)).toContain(chart!.key)
      expect(messages[1]!.parsedContent).toEqual({ image_key: shot!.key })
      expect(messages[2]!.parsedContent).toEqual({ file_key: report!.key })
      expect(Number(messages[1]!.create_time)).toBeGreaterThanOrEqual(Number(messages[0]!.create_time))
    }
    const uploads = JSON.parse(result.outputs.uploads!) as {
      path: string
      kind: string
      key: string
      message_ids: string[]
    }[]
    expect(uploads.map((upload) => [upload.path, upload.kind, upload.key])).toEqual([
      ['chart.png', 'image', chart!.key],
      ['shot.png', 'image', shot!.key],
      ['report.pdf', 'file', report!.key],
    ])
    expect(uploads[0]!.message_ids).toEqual([])
    expect(uploads[2]!.message_ids).toHaveLength(3)
    const results = JSON.parse(result.outputs.results!) as { receive_id: string; attachment_message_ids: string[] }[]
    for (const entry of results) {
      const ids = fake.messages.filter((message) => message.chat_id === entry.receive_id).slice(1)
      expect(entry.attachment_message_ids).toEqual(ids.map((message) => message.message_id))
    }
    expect(result.summary).toContain('report.pdf')
  })

  it('an attachments-only step sends just the files, and a re-run of the same attempt does not post them twice', async () => {
    const inputs = { 'chat-id': 'oc_1', attachments: '*.pdf\nnothing/*.zip' }
    const files = { 'report.pdf': PDF }
    const first = await run(inputs, { files })
    expectGreen(first)
    expect(first.stdout).toContain('nothing/*.zip matched no file')
    expect(fake.messages.map((message) => message.msg_type)).toEqual(['file'])
    const again = await run(inputs, { files })
    expectGreen(again)
    // A second upload (keys are never reused across runs), but the same uuid: Feishu keeps one message.
    expect(fake.files.uploads).toHaveLength(2)
    expect(fake.messages).toHaveLength(1)
  })

  it('a lost upload reply is retried, and the file is sent once', async () => {
    fake.inject({ path: FILES, action: 'reset-after' })
    const result = await run(
      { 'chat-id': 'oc_1', text: 'build', attachments: 'report.pdf' },
      { files: { 'report.pdf': PDF } },
    )
    expectGreen(result)
    expect(to(FILES)).toHaveLength(2)
    expect(fake.messages.map((message) => message.msg_type)).toEqual(['text', 'file'])
    expect(result.stdout).toMatch(/upload of report\.pdf: .*retry 1 of 3/)
  })

  it('a missing im:resource scope: the step fails naming the scope, and the message naming the image is not sent', async () => {
    const result = await run(
      {
        'app-id': 'cli_noscope',
        'app-secret': 'noscope-secret',
        'chat-id': 'oc_1',
        text: 'see ${shot}',
        images: 'shot: shot.png',
      },
      { files: { 'shot.png': PNG } },
    )
    expect(result.exitCode).toBe(1)
    expect(errorLines(result).join('\n')).toMatch(/99991672.*im:resource/)
    expect(fake.messages).toHaveLength(0)
  })

  it('a file refused by Feishu fails the step naming the file and the receiver; the message itself went', async () => {
    fake.inject({
      path: MESSAGES,
      skip: 1,
      status: 400,
      body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' },
    })
    const result = await run(
      { 'chat-id': 'oc_1', text: 'build', attachments: 'report.pdf' },
      { files: { 'report.pdf': PDF } },
    )
    expect(result.exitCode).toBe(1)
    expect(errorLines(result).join('\n')).toMatch(/oc_1: attachment report\.pdf not sent: Feishu code 230002/)
    expect(JSON.parse(result.outputs.uploads!)[0].message_ids).toEqual([''])
  })

  it.each([
    ['empty.pdf', Buffer.alloc(0), /empty \(0 bytes\)/],
    ['big.png', Buffer.concat([PNG, Buffer.alloc(10 * MB)]), /10\.0 MB/],
    ['big.apk', Buffer.alloc(30 * MB + 1, 1), /30\.0 MB.*upload-artifact/],
    ['fake.png', Buffer.from('not a picture at all'), /not a JPG, PNG/],
  ])('%s is refused before any request', async (name, content, problem) => {
    const result = await run({ 'chat-id': 'oc_1', text: 'x', attachments: name }, { files: { [name]: content } })
    expectInputError(result, 'attachments')
    expect(errorLines(result)[0]).toMatch(problem)
    expect(fake.requests).toHaveLength(0)
  })

  it('outside the workspace, a missing path or a name of a built-in variable: input errors with 0 requests', async () => {
    const outside = await run({ 'chat-id': 'oc_1', text: 'x', attachments: '../etc/passwd' })
    expectInputError(outside, 'attachments')
    expect(errorLines(outside)[0]).toContain('outside the workspace')
    const missing = await run({ 'chat-id': 'oc_1', text: 'x', images: 'chart: nowhere.png' })
    expectInputError(missing, 'images')
    const builtin = await run(
      { 'chat-id': 'oc_1', text: '${sha}', images: 'sha: shot.png' },
      { files: { 'shot.png': PNG } },
    )
    expectInputError(builtin, 'images')
    expect(fake.requests).toHaveLength(0)
  })

  it('oversize: link sends a line with the name, size and run link instead of the file', async () => {
    const result = await run(
      { 'chat-id': 'oc_1', text: 'build', attachments: 'big.apk', oversize: 'link' },
      { files: { 'big.apk': Buffer.alloc(30 * MB + 1, 1) } },
    )
    expectGreen(result)
    expect(to(FILES)).toHaveLength(0)
    expect(fake.messages.map((message) => message.msg_type)).toEqual(['text', 'text'])
    expect(fake.messages[1]!.parsedContent.text).toMatch(/big\.apk \(30\.0 MB\).*actions\/runs\/9876543210/)
  })

  it('a reply takes its attachments into the thread; an update refuses attachments but takes images', async () => {
    const parent = fake.addMessage({ chat_id: 'oc_1', msg_type: 'text', content: '{"text":"release"}' })
    const reply = await run(
      { 'reply-to': parent.message_id, 'reply-in-thread': 'true', text: 'logs', attachments: 'report.pdf' },
      { files: { 'report.pdf': PDF } },
    )
    expectGreen(reply)
    const replies = fake.messages.filter((message) => message.parent_id === parent.message_id)
    expect(replies.map((message) => message.msg_type)).toEqual(['text', 'file'])
    expect(new Set(replies.map((message) => message.thread_id)).size).toBe(1)
    fake.reset()
    const update = await run(
      { 'update-message-id': 'om_1', card: '{"elements": []}', attachments: 'report.pdf' },
      { files: { 'report.pdf': PDF } },
    )
    expectInputError(update, 'attachments')
    expect(fake.requests).toHaveLength(0)
    const card = fake.addMessage({
      chat_id: 'oc_1',
      msg_type: 'interactive',
      content: '{"config":{"update_multi":true},"elements":[]}',
    })
    const withImage = await run(
      {
        'update-message-id': card.message_id,
        card: '{"elements": [{"tag": "img", "img_key": "${shot}", "alt": {"tag": "plain_text", "content": "s"}}]}',
        images: 'shot: shot.png',
      },
      { files: { 'shot.png': PNG } },
    )
    expectGreen(withImage)
    expect(card.content).toContain(fake.files.uploads[0]!.key)
  })

  it('webhook with app credentials: the app uploads the image and the custom bot sends it; a file is refused before any request', async () => {
    const hook = `${fake.url}/open-apis/bot/v2/hook/demo-hook-token`
    const image = await run(
      { 'app-id': 'cli_test', webhook: hook, text: 'build', attachments: 'shot.png' },
      { files: { 'shot.png': PNG } },
    )
    expectGreen(image)
    expect(fake.webhookMessages.map((message) => message.msg_type)).toEqual(['text', 'image'])
    expect(fake.webhookMessages[1]!.content).toEqual({ image_key: fake.files.uploads[0]!.key })
    fake.reset()
    const file = await run(
      { webhook: hook, 'app-id': 'cli_test', text: 'x', attachments: 'report.pdf' },
      { files: { 'report.pdf': PDF } },
    )
    expectInputError(file, 'attachments')
    expect(errorLines(file)[0]).toContain('custom bot cannot send files')
    const noApp = await run(
      { webhook: hook, 'app-id': '', 'app-secret': '', text: 'x', images: 'a: shot.png' },
      { files: { 'shot.png': PNG } },
    )
    expectInputError(noApp, 'images')
    expect(errorLines(noApp)[0]).toContain('add `app-id` and `app-secret`')
    expect(fake.requests).toHaveLength(0)
  })

  it('a dry run lists each file and its messages, sends nothing, and the preview embeds the image', async () => {
    const result = await run(
      {
        'dry-run': 'true',
        'chat-id': 'oc_1\noc_2',
        card: '{"elements": [{"tag": "img", "img_key": "${chart}", "alt": {"tag": "plain_text", "content": "c"}}]}',
        images: 'chart: chart.png',
        attachments: 'report.pdf',
      },
      { files: { 'chart.png': PNG, 'report.pdf': PDF } },
    )
    expectGreen(result)
    expect(fake.requests).toHaveLength(0)
    expect(result.stdout).toMatch(/report\.pdf: file, file_type pdf, 1 KB; .*then 2 file message\(s\)/)
    const preview = /Card preview \(HTML[^:]*\): (\S+)/.exec(result.stdout)![1]!
    const html = readFileSync(preview.startsWith('/') ? preview : join(result.workspace, preview), 'utf8')
    expect(html).toContain(`src="data:image/png;base64,${PNG.toString('base64')}"`)
    expect(html).toContain('report.pdf')
  })
})
