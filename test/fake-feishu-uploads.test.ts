// Checks the fake's uploads (fake-feishu-uploads.mjs) against the upload pages: multipart fields,
// sizes, format, scope, the bot capability, and that sends take only keys issued to their app.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { parseMultipart } from './fake-feishu-uploads.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3])
const MB = 1024 * 1024

let fake: Fake
const tokens: Record<string, string> = {}

beforeAll(async () => {
  fake = await startFakeFeishu({
    apps: {
      cli_a: { secret: 'a' },
      cli_b: { secret: 'b' },
      cli_noscope: { secret: 'n', scopes: ['im:message:send_as_bot'] },
      cli_nobot: { secret: 'x', bot: false },
    },
    chats: ['oc_1'],
  })
  for (const [app, secret] of [
    ['cli_a', 'a'],
    ['cli_b', 'b'],
    ['cli_noscope', 'n'],
    ['cli_nobot', 'x'],
  ] as const) {
    const res = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: app, app_secret: secret }),
    })
    tokens[app] = ((await res.json()) as { tenant_access_token: string }).tenant_access_token
  }
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

async function upload(path: 'images' | 'files', fields: Record<string, string | Blob>, app = 'cli_a') {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields))
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, value, 'upload.bin')
  const res = await fetch(`${fake.url}/open-apis/im/v1/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[app]}` },
    body: form,
  })
  return { status: res.status, json: (await res.json()) as Record<string, any> }
}

async function send(msgType: string, content: object, app = 'cli_a') {
  const res = await fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[app]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ receive_id: 'oc_1', msg_type: msgType, content: JSON.stringify(content) }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, any> }
}

describe('fake uploads', () => {
  it('issues img_v3_ and file_v2_ keys for well-formed uploads, recording what arrived', async () => {
    const image = await upload('images', { image_type: 'message', image: new Blob([PNG]) })
    expect(image.status).toBe(200)
    expect(image.json.data.image_key).toMatch(/^img_v3_[0-9a-f]{24}$/)
    const file = await upload('files', { file_type: 'stream', file_name: 'app.apk', file: new Blob(['apk']) })
    expect(file.json.data.file_key).toMatch(/^file_v2_/)
    expect(fake.files.uploads.map((entry) => [entry.kind, entry.name, entry.fileType, entry.bytes])).toEqual([
      ['image', 'upload.bin', '', PNG.length],
      ['file', 'app.apk', 'stream', 3],
    ])
  })

  it.each([
    ['images', { image: new Blob([PNG]) }, 234001],
    ['images', { image_type: 'banner', image: new Blob([PNG]) }, 234001],
    ['images', { image_type: 'message', image: new Blob([]) }, 234010],
    ['images', { image_type: 'message', image: new Blob(['not an image']) }, 234011],
    ['images', { image_type: 'message', image: new Blob([PNG, Buffer.alloc(10 * MB)]) }, 234006],
    ['files', { file_type: 'apk', file_name: 'a.apk', file: new Blob(['x']) }, 234001],
    ['files', { file_type: 'stream', file: new Blob(['x']) }, 234001],
    ['files', { file_type: 'stream', file_name: 'a', file: 'not a file part' }, 234001],
    ['files', { file_type: 'stream', file_name: 'a', file: new Blob([Buffer.alloc(30 * MB + 1)]) }, 234006],
  ] as const)('%s %# answers %i', async (path, fields, code) => {
    const answer = await upload(path, fields)
    expect(answer.status).toBe(400)
    expect(answer.json.code).toBe(code)
  })

  it('needs im:resource (99991672 with permission_violations) and the bot capability (234007)', async () => {
    const noScope = await upload('images', { image_type: 'message', image: new Blob([PNG]) }, 'cli_noscope')
    expect(noScope.json.code).toBe(99991672)
    expect(noScope.json.error.permission_violations.map((v: { subject: string }) => v.subject)).toEqual([
      'im:resource',
      'im:resource:upload',
    ])
    const noBot = await upload('images', { image_type: 'message', image: new Blob([PNG]) }, 'cli_nobot')
    expect(noBot.json.code).toBe(234007)
  })

  it('a send takes only keys issued to its app, of the right kind', async () => {
    const key = (await upload('images', { image_type: 'message', image: new Blob([PNG]) })).json.data.image_key
    const fileKey = (await upload('files', { file_type: 'pdf', file_name: 'r.pdf', file: new Blob(['%PDF']) })).json
      .data.file_key
    expect((await send('image', { image_key: key })).json.code).toBe(0)
    expect((await send('file', { file_key: fileKey })).json.code).toBe(0)
    expect((await send('image', { image_key: key }, 'cli_b')).json.code).toBe(234001)
    expect((await send('image', { image_key: 'img_v3_madeup' })).json.code).toBe(234001)
    expect((await send('image', { image_key: fileKey })).json.code).toBe(234001)
    expect((await send('media', { file_key: fileKey })).json.code).toBe(234001)
    expect((await send('interactive', { elements: [{ tag: 'img', img_key: 'img_v3_x' }] })).json.code).toBe(234001)
    expect((await send('interactive', { elements: [{ tag: 'img', img_key: key }] })).json.code).toBe(0)
  })

  it('parses multipart bodies with quoted boundaries and refuses what is not one', () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n')
    expect(parseMultipart('multipart/form-data; boundary="b"', body)).toEqual([
      { name: 'x', filename: undefined, contentType: '', data: Buffer.from('1') },
    ])
    expect(parseMultipart('application/json', body)).toBeUndefined()
    expect(parseMultipart('multipart/form-data; boundary=b', Buffer.from('--b\r\nbroken'))).toBeUndefined()
  })
})
