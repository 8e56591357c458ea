// Issue 20's pure parts: kinds and file_type, magic bytes, limits and path rules of the inputs,
// the ${name} fill and its collisions, the banner, the uuid of each attachment send, the form.
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { composeMessage } from '../../src/compose/message.js'
import { pendingKey, withBanner } from '../../src/compose/images.js'
import { attachmentUuid, linkMessage } from '../../src/feishu/attachments.js'
import { uploadRequest } from '../../src/feishu/uploads.js'
import { runContext } from '../../src/github/context.js'
import {
  classify,
  imageFormat,
  readFilesInput,
  type FilesInput,
  type FilesOptions,
} from '../../src/inputs/attachments.js'
import { mkfifo } from './fifo.js'

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const MB = 1024 * 1024

function workspace(files: Record<string, Buffer | string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'attachments-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), content)
  }
  return root
}

function read(
  inputs: Record<string, string>,
  root: string,
  more: Partial<FilesOptions> = {},
): Promise<FilesInput | undefined> {
  return readFilesInput({
    input: (name) => inputs[name] ?? '',
    runner: { warning: () => undefined },
    workspace: root,
    mode: 'app',
    hasApp: true,
    updateMessageId: '',
    noContent: false,
    variableNames: [],
    ...more,
  })
}

describe('classify', () => {
  it.each([
    ['shot.PNG', 'image', ''],
    ['a.jpeg', 'image', ''],
    ['a.heic', 'image', ''],
    ['demo.mp4', 'media', 'mp4'],
    ['voice.opus', 'audio', 'opus'],
    ['report.pdf', 'file', 'pdf'],
    ['notes.docx', 'file', 'doc'],
    ['sheet.xlsx', 'file', 'xls'],
    ['deck.ppt', 'file', 'ppt'],
    ['app.apk', 'file', 'stream'],
    ['logs.tar.gz', 'file', 'stream'],
    ['README', 'file', 'stream'],
  ])('%s is a %s (file_type "%s")', (name, kind, fileType) => {
    expect(classify(name)).toEqual({ kind, fileType })
  })
})

describe('imageFormat', () => {
  it.each([
    ['png', PNG],
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0])],
    ['gif', Buffer.from('GIF89a....')],
    ['webp', Buffer.from('RIFF\0\0\0\0WEBPVP8 ')],
    ['bmp', Buffer.from('BM' + '\0'.repeat(14))],
    ['ico', Buffer.from([0, 0, 1, 0, 1, 0])],
    ['tiff', Buffer.from('II*\0....')],
    ['tiff', Buffer.from('MM\0*....')],
    ['heic', Buffer.from('\0\0\0\x18ftypheic')],
  ])('knows %s', (format, bytes) => {
    expect(imageFormat(bytes)).toBe(format)
  })
  it.each([
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    Buffer.from('%PDF-1.4'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    Buffer.from('\0\0\0\x18ftypisom'),
    Buffer.alloc(0),
  ])('refuses what is none of them (%#)', (bytes) => {
    expect(imageFormat(bytes)).toBe('')
  })
})

describe('readFilesInput', () => {
  it('is undefined when no file is named, and checks oversize even then', async () => {
    expect(await read({}, workspace())).toBeUndefined()
    await expect(read({ oversize: 'skip' }, workspace())).rejects.toThrow(
      'Input `oversize`: "skip" is not fail or link',
    )
  })

  it('expands globs in order, excludes with !, and reads kinds; a pattern matching nothing warns once', async () => {
    const root = workspace({ 'out/a.png': PNG, 'out/b.pdf': '%PDF', 'out/c.apk': 'apk', 'out/skip.apk': 'x' })
    const warnings: string[] = []
    const files = await readFilesInput({
      input: (name) => (name === 'attachments' ? 'out/*.png\nout/*\n!out/skip.apk\nnone/*.zip' : ''),
      runner: { warning: (line) => warnings.push(line) },
      workspace: root,
      mode: 'app',
      hasApp: true,
      updateMessageId: '',
      noContent: true,
      variableNames: [],
    })
    expect(files!.attachments.map((item) => [item.shown, item.kind, item.fileType])).toEqual([
      ['out/a.png', 'image', ''],
      ['out/b.pdf', 'file', 'pdf'],
      ['out/c.apk', 'file', 'stream'],
    ])
    expect(files!.only).toBe(true)
    expect(warnings).toEqual([expect.stringContaining('none/*.zip matched no file')])
  })

  it.each([
    ['missing.pdf', {}, 'missing.pdf does not exist'],
    ['dir', { 'dir/x.txt': 'x' }, 'dir is a directory'],
    ['empty.txt', { 'empty.txt': '' }, 'empty.txt is empty (0 bytes)'],
    ['fake.png', { 'fake.png': 'text' }, 'fake.png is not a JPG, PNG'],
    ['../x.pdf', {}, 'leads outside the workspace'],
    ['/etc/passwd', {}, 'leads outside the workspace'],
  ])('refuses %s', async (line, files, problem) => {
    await expect(read({ attachments: line }, workspace(files))).rejects.toThrow(
      new RegExp(`^Input \`attachments\`: .*${problem.replace(/[.*()]/g, '\\$&')}`),
    )
  })

  it('refuses a FIFO and a symlink out of the workspace', async () => {
    const root = workspace()
    mkfifo(join(root, 'pipe'))
    await expect(read({ attachments: 'pipe' }, root)).rejects.toThrow('pipe is a named pipe')
    symlinkSync('/etc/hostname', join(root, 'link.txt'))
    await expect(read({ attachments: 'link.txt' }, root)).rejects.toThrow('through a symlink')
  })

  it('holds images to 10 MB and files to 30 MB, naming the limit and the alternative; link mode keeps them', async () => {
    const root = workspace({ 'big.png': PNG, 'big.apk': 'x', 'ok.apk': 'x' })
    truncateSync(join(root, 'big.png'), 10 * MB + 1)
    truncateSync(join(root, 'big.apk'), 30 * MB + 1)
    truncateSync(join(root, 'ok.apk'), 30 * MB)
    await expect(read({ attachments: 'big.png' }, root)).rejects.toThrow(
      /big\.png is 10\.0 MB; Feishu takes images up to 10\.0 MB/,
    )
    await expect(read({ attachments: 'big.apk' }, root)).rejects.toThrow(
      /files up to 30\.0 MB: upload it with actions\/upload-artifact.*oversize: link/,
    )
    const linked = await read({ attachments: 'big.apk\nok.apk', oversize: 'link' }, root)
    expect(linked!.attachments.map((item) => [item.shown, item.linked])).toEqual([
      ['big.apk', true],
      ['ok.apk', false],
    ])
    await expect(read({ images: 'a: big.png' }, root)).rejects.toThrow(/^Input `images`: "a": big\.png is 10\.0 MB/)
  })

  it('allows 50 attachments, not 51', async () => {
    const files = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`f/${index}.txt`, 'x']))
    const root = workspace(files)
    await expect(read({ attachments: 'f/*' }, root)).rejects.toThrow('matches 51 files; at most 50')
    expect((await read({ attachments: 'f/*\n!f/50.txt' }, root))!.attachments).toHaveLength(50)
  })

  it('images: a mapping of names to one image each; a name of `variables` or a pattern is refused', async () => {
    const root = workspace({ 'chart.png': PNG })
    expect((await read({ images: '{"chart": "chart.png"}' }, root))!.images).toEqual([
      { name: 'chart', shown: 'chart.png', path: expect.stringMatching(/chart\.png$/), bytes: PNG.length },
    ])
    await expect(read({ images: 'chart: chart.png' }, root, { variableNames: ['chart'] })).rejects.toThrow(
      'Input `images`: "chart" is a name in `variables` too',
    )
    await expect(read({ images: 'chart: "*.png"' }, root)).rejects.toThrow('is a pattern')
    await expect(read({ images: '"1x": chart.png' }, root)).rejects.toThrow('is not a valid name')
    await expect(read({ images: 'chart: [a]' }, root)).rejects.toThrow('must be a path')
  })

  it('webhook: needs app credentials to upload, and refuses files; an update refuses attachments', async () => {
    const root = workspace({ 'a.png': PNG, 'r.pdf': '%PDF' })
    await expect(read({ images: 'a: a.png' }, root, { mode: 'webhook', hasApp: false })).rejects.toThrow(
      'Input `images`: a custom bot webhook cannot upload files; add `app-id` and `app-secret`',
    )
    await expect(read({ attachments: 'r.pdf' }, root, { mode: 'webhook' })).rejects.toThrow(
      'Input `attachments`: r.pdf would go as a file message, and a custom bot cannot send files',
    )
    expect((await read({ attachments: 'a.png' }, root, { mode: 'webhook' }))!.attachments).toHaveLength(1)
    await expect(read({ attachments: 'a.png' }, root, { updateMessageId: 'om_1' })).rejects.toThrow(
      'Input `attachments`: cannot be sent with `update-message-id`',
    )
    expect((await read({ images: 'a: a.png' }, root, { updateMessageId: 'om_1' }))!.images).toHaveLength(1)
  })
})

describe('image keys in the message', () => {
  const context = runContext({ GITHUB_REPOSITORY: 'octo/app', GITHUB_SHA: '0123456789abcdef', GITHUB_RUN_ID: '42' }, {})
  const files = {
    attachments: [],
    images: [{ name: 'chart', shown: 'chart.png', path: '/w/chart.png', bytes: 1 }],
    oversize: 'fail' as const,
    only: false,
  }
  const compose = (content: Parameters<typeof composeMessage>[0]['content'], keys?: Map<string, string>, extra = {}) =>
    composeMessage(
      { content, status: '', title: '', mentions: [], variables: undefined, files, imageKeys: keys, ...extra },
      context,
    )

  it('fills ${name} with the key, a stand-in before the upload, as data (never markup)', async () => {
    const card = { elements: [{ tag: 'img', img_key: '${chart}', alt: { tag: 'plain_text', content: '' } }] }
    const sent = await compose({ kind: 'card', input: 'card', card }, new Map([['chart', 'img_v3_abc']]))
    expect((sent.content.elements as { img_key: string }[])[0]!.img_key).toBe('img_v3_abc')
    const before = await compose({ kind: 'card', input: 'card', card })
    expect((before.content.elements as { img_key: string }[])[0]!.img_key).toBe(pendingKey('chart'))
    const text = await compose({ kind: 'text', input: 'text', text: 'see ${chart}' }, new Map([['chart', 'img_v3_x']]))
    expect(text.content).toEqual({ text: 'see img_v3_x' })
  })

  it('passes the key as a template variable', async () => {
    const sent = await compose(
      { kind: 'template', input: 'template-id', templateId: 'AAq', templateVersion: '' },
      new Map([['chart', 'img_v3_t']]),
    )
    expect(sent.content).toEqual({
      type: 'template',
      data: { template_id: 'AAq', template_variable: { chart: 'img_v3_t' } },
    })
  })

  it('refuses an image named like a built-in variable', async () => {
    const named = { ...files, images: [{ ...files.images[0]!, name: 'run_url' }] }
    await expect(
      composeMessage(
        {
          content: { kind: 'text', input: 'text', text: 'x' },
          status: '',
          title: '',
          mentions: [],
          variables: undefined,
          files: named,
        },
        context,
      ),
    ).rejects.toThrow('Input `images`: "run_url" is a built-in variable')
  })

  it('puts the banner first in a built-in card, and leaves a card alone without one', async () => {
    const banner = { ...files, images: [{ ...files.images[0]!, name: 'banner' }] }
    const card = await composeMessage(
      {
        content: { kind: 'preset', input: 'preset', preset: 'workflow' },
        status: 'success',
        title: '',
        mentions: [],
        variables: undefined,
        files: banner,
        imageKeys: new Map([['banner', 'img_v3_b']]),
      },
      context,
    )
    const elements = (card.content.body as { elements: { tag: string; img_key?: string }[] }).elements
    expect(elements[0]).toMatchObject({ tag: 'img', img_key: 'img_v3_b' })
    expect(withBanner({ body: { elements: [1] } }, undefined)).toEqual({ body: { elements: [1] } })
  })
})

describe('attachment sends', () => {
  const item = {
    shown: 'dist/app.apk',
    path: '/w/dist/app.apk',
    name: 'app.apk',
    kind: 'file' as const,
    fileType: 'stream',
    bytes: 5,
  }
  const chat = { receiveIdType: 'chat_id' as const, receiveId: 'oc_1' }
  const step = ['run', '1', 'job', 'step']

  it('each (receiver, attachment) has its own uuid, the same on every attempt, never the main one', () => {
    const uuid = (more: Partial<Parameters<typeof attachmentUuid>[0]> = {}) =>
      attachmentUuid({ given: '', target: chat, index: 0, item, step, ...more })
    expect(uuid()).toBe(uuid())
    expect(uuid()).toMatch(/^gh-[\w-]{40}$/)
    expect(uuid({ index: 1 })).not.toBe(uuid())
    expect(uuid({ target: { receiveIdType: 'chat_id', receiveId: 'oc_2' } })).not.toBe(uuid())
    expect(uuid({ step: ['run', '2', 'job', 'step'] })).not.toBe(uuid())
    expect(uuid({ given: 'deploy-1' })).not.toBe('deploy-1')
    expect(uuid({ given: 'x'.repeat(50) }).length).toBeLessThanOrEqual(50)
    expect(uuid({ step: null })).not.toBe(uuid({ step: null }))
  })

  it('an oversize file becomes a line with its name, size and the run link, its markup made inert', () => {
    const text = linkMessage(
      { ...item, name: '<at id=all></at>.apk', bytes: 45 * MB },
      'https://github.com/o/r/actions/runs/1',
    )
    expect(text.msgType).toBe('text')
    expect(text.content.text).toContain('(45.0 MB)')
    expect(text.content.text).toContain('https://github.com/o/r/actions/runs/1')
    expect(text.content.text).not.toContain('<at')
  })

  it('uploads with the fields each endpoint takes, the file part streamed from disk', async () => {
    const root = workspace({ 'app.apk': 'APK!', 'shot.png': PNG })
    const file = uploadRequest('https://open.feishu.cn', { ...item, path: join(root, 'app.apk') })
    expect(file.url).toBe('https://open.feishu.cn/open-apis/im/v1/files')
    const form = await file.form!()
    expect([...form.keys()]).toEqual(['file_type', 'file_name', 'file'])
    expect(form.get('file_type')).toBe('stream')
    expect(await (form.get('file') as File).text()).toBe('APK!')
    expect((form.get('file') as File).name).toBe('app.apk')
    const image = uploadRequest('https://open.feishu.cn', {
      ...item,
      kind: 'image',
      fileType: '',
      name: 'shot.png',
      path: join(root, 'shot.png'),
    })
    const imageForm = await image.form!()
    expect(image.url).toBe('https://open.feishu.cn/open-apis/im/v1/images')
    expect([...imageForm.keys()]).toEqual(['image_type', 'image'])
    expect(imageForm.get('image_type')).toBe('message')
    expect((imageForm.get('image') as File).type).toBe('image/png')
  })
})
