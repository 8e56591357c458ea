// @ts-check
/**
 * The fake Feishu's image and file uploads (issue 20), hooked into test/fake-feishu.mjs:
 * POST /open-apis/im/v1/images and POST /open-apis/im/v1/files, and the check that a message
 * carries only keys the fake issued to the app that sends it.
 *
 * As the upload pages say (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/image/create,
 * https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/file/create): multipart/form-data;
 * images: `image_type` message | avatar and `image` (at most 10 MB, not empty, JPG/PNG/WEBP/GIF/BMP/ICO/TIFF/HEIC);
 * files: `file_type` opus | mp4 | pdf | doc | xls | ppt | stream, `file_name`, optional `duration`, `file`
 * (at most 30 MB, not empty). Scope im:resource or im:resource:upload; the bot capability on.
 * Errors: 234001 invalid parameter, 234006 too large, 234007 no bot, 234010 empty, 234011 not an image.
 * UNCONFIRMED: the code a send answers for a key the app never uploaded; 234001 is used.
 *
 * Plain JavaScript, node: imports only (used by vitest and by scripts/bench.mjs alike).
 */
import crypto from 'node:crypto'

export const IMAGES_PATH = '/open-apis/im/v1/images'
export const FILES_PATH = '/open-apis/im/v1/files'
const UPLOAD_SCOPES = ['im:resource', 'im:resource:upload']
const IMAGE_MAX = 10 * 1024 * 1024
const FILE_MAX = 30 * 1024 * 1024
const FILE_TYPES = ['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']

/**
 * @typedef {{ status: number, body: Record<string, any>, headers?: Record<string, string> }} Reply
 * @typedef {{ name: string, filename: string | undefined, contentType: string, data: Buffer }} Part
 * @typedef {object} IssuedKey
 * @property {string} key
 * @property {string} appId
 * @property {'image' | 'file'} kind
 * @property {string} fileType '' for an image
 * @property {string} name the part's filename or file_name
 * @property {number} bytes
 * @property {string} sha256 of the uploaded bytes, so tests can check what arrived
 */

/**
 * Splits a multipart/form-data body into its parts (RFC 7578). Undefined when it is not one.
 * @param {string} contentType @param {Buffer} body @returns {Part[] | undefined}
 */
export function parseMultipart(contentType, body) {
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  if (!boundary) return undefined
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`)
  /** @type {Part[]} */
  const parts = []
  let start = body.indexOf(delimiter)
  if (start < 0) return undefined
  for (;;) {
    start += delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') return parts
    start += 2 // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', start)
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start)
    if (headerEnd < 0 || next < 0) return undefined
    const headers = body.subarray(start, headerEnd).toString('utf8')
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? ''
    const name = /(?:^|;)\s*name="([^"]*)"/.exec(disposition)?.[1]
    if (name === undefined) return undefined
    const filename = /filename="([^"]*)"/.exec(disposition)?.[1]
    const contentTypeOfPart = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1] ?? ''
    parts.push({ name, filename, contentType: contentTypeOfPart, data: body.subarray(headerEnd + 4, next) })
    start = next + 2
  }
}

/** Whether the bytes start like one of the formats the image page lists. @param {Buffer} data */
function isImage(data) {
  const ascii = (/** @type {number} */ a, /** @type {number} */ b) => data.subarray(a, b).toString('latin1')
  return (
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) ||
    ascii(0, 6) === 'GIF87a' ||
    ascii(0, 6) === 'GIF89a' ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') ||
    ascii(0, 2) === 'BM' ||
    data.subarray(0, 4).equals(Buffer.from([0, 0, 1, 0])) ||
    ascii(0, 4) === 'II*\0' ||
    ascii(0, 4) === 'MM\0*' ||
    (ascii(4, 8) === 'ftyp' && /^(?:hei[cxms]|hev[cx]|mif1|msf1)$/.test(ascii(8, 12)))
  )
}

/**
 * @param {object} helpers the fake's own
 * @param {(ctx: any, required: string[]) => ({ caller: { appId: string, scopes: string[] } } | { error: Reply })} helpers.authenticate
 * @param {(status: number, code: number, msg: string, extra?: Record<string, unknown>) => Reply} helpers.fail
 * @param {Record<string, { bot?: boolean }>} helpers.apps an app with bot: false has the bot capability off (234007)
 */
export function fakeUploads({ authenticate, fail, apps }) {
  /** @type {Map<string, IssuedKey>} */
  const issued = new Map()
  /** @type {IssuedKey[]} every upload accepted, in order */
  const uploads = []
  const bad = (/** @type {string} */ msg) => fail(400, 234001, `Invalid request param: ${msg}`)

  /** @param {any} ctx @param {Buffer} raw @returns {Reply} */
  function upload(ctx, raw) {
    const auth = authenticate(ctx, UPLOAD_SCOPES)
    if ('error' in auth) return auth.error
    const appId = auth.caller.appId
    if (apps[appId]?.bot === false) return fail(400, 234007, 'App has not enabled bot capability.')
    const parts = parseMultipart(ctx.headers['content-type'] ?? '', raw)
    if (!parts) return bad('the body must be multipart/form-data')
    const field = (/** @type {string} */ name) => parts.find((part) => part.name === name)
    const text = (/** @type {string} */ name) => field(name)?.data.toString('utf8')
    const image = ctx.path === IMAGES_PATH
    if (image) {
      const type = text('image_type')
      if (type !== 'message' && type !== 'avatar') return bad('image_type must be message or avatar')
    } else {
      if (!FILE_TYPES.includes(text('file_type') ?? '')) return bad(`file_type must be one of ${FILE_TYPES.join(', ')}`)
      if (!text('file_name')) return bad('file_name is required')
      const duration = text('duration')
      if (duration !== undefined && !/^\d+$/.test(duration)) return bad('duration must be an integer (ms)')
    }
    const file = field(image ? 'image' : 'file')
    if (!file || file.filename === undefined) return bad(`${image ? 'image' : 'file'} must be a file part`)
    if (file.data.length === 0) return fail(400, 234010, "File's size can't be 0.")
    if (file.data.length > (image ? IMAGE_MAX : FILE_MAX))
      return fail(400, 234006, 'The file size exceed the max value.')
    if (image && !isImage(file.data)) return fail(400, 234011, "Can't recognize image format.")
    const key = image ? `img_v3_${crypto.randomBytes(12).toString('hex')}` : `file_v2_${crypto.randomUUID()}`
    /** @type {IssuedKey} */
    const entry = {
      key,
      appId,
      kind: image ? 'image' : 'file',
      fileType: image ? '' : (text('file_type') ?? ''),
      name: image ? (file.filename ?? '') : (text('file_name') ?? ''),
      bytes: file.data.length,
      sha256: crypto.createHash('sha256').update(file.data).digest('hex'),
    }
    issued.set(key, entry)
    uploads.push(entry)
    return { status: 200, body: { code: 0, msg: 'success', data: image ? { image_key: key } : { file_key: key } } }
  }

  /**
   * A message may carry only keys issued to its app (`appId`; null: any app, for a custom bot,
   * whose keys an app of the tenant uploaded), of the right kind for its msg_type.
   * @param {string | null} appId @param {string} msgType @param {any} content @returns {Reply | undefined}
   */
  function checkKeys(appId, msgType, content) {
    /** @type {[string, 'image' | 'file', string][]} */
    const wanted = []
    if (msgType === 'image') wanted.push([content?.image_key, 'image', ''])
    if (msgType === 'file') wanted.push([content?.file_key, 'file', ''])
    if (msgType === 'media') wanted.push([content?.file_key, 'file', 'mp4'])
    if (msgType === 'audio') wanted.push([content?.file_key, 'file', 'opus'])
    if (msgType === 'interactive' || msgType === 'post') {
      const text = JSON.stringify(content ?? null)
      for (const match of text.matchAll(/"(?:img_key|image_key)":"([^"]*)"/g))
        wanted.push([match[1] ?? '', 'image', ''])
    }
    for (const [key, kind, fileType] of wanted) {
      const entry = issued.get(key)
      if (!entry || (appId !== null && entry.appId !== appId) || entry.kind !== kind)
        return bad(`${kind === 'image' ? 'image_key' : 'file_key'} ${key} is invalid`)
      if (fileType && entry.fileType !== fileType)
        return bad(`${msgType} needs a file uploaded as file_type ${fileType}`)
    }
    return undefined
  }

  return {
    issued,
    uploads,
    /** @param {string} path */
    handles: (path) => path === IMAGES_PATH || path === FILES_PATH,
    upload,
    checkKeys,
    reset() {
      issued.clear()
      uploads.length = 0
    },
  }
}
