// The `attachments`, `images` and `oversize` inputs (issue 20): which files go into the chat as
// messages of their own and which images fill `${name}` in the message, each checked before any
// request: inside the workspace, a regular file, not empty, within Feishu's size limits, an image
// whose bytes are one of the formats Feishu takes. Loaded only when one of these inputs is set.
// Owns: the kind and file_type of each file, its limits, the input rules between them and the
// transport. Must not: upload or send (feishu/attachments.ts), read more of a file than its head.

import { open } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { Runner } from '../base/runner.js'
import { InputError, shown } from './errors.js'
import { parseMapping } from './structured.js'
import { fileLines, findWorkspaceFiles, isPattern, kindName, type WorkspaceFile } from './workspace-files.js'

/** How a file goes into the chat (msg_type): an image, a video, an opus voice note, or a file. */
export type AttachmentKind = 'image' | 'media' | 'audio' | 'file'

export interface Attachment {
  /** As the user sees it: relative to the workspace. */
  readonly shown: string
  /** The real path, inside the workspace. */
  readonly path: string
  /** The name Feishu shows (file_name), with its extension. */
  readonly name: string
  readonly bytes: number
  readonly kind: AttachmentKind
  /** The upload's file_type (POST /im/v1/files); '' for an image, uploaded by /im/v1/images. */
  readonly fileType: '' | 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream'
  /** Over its limit with `oversize: link`: sent as a line of text naming it, never uploaded. */
  readonly linked: boolean
}

/** An image of the `images` input: its key fills `${name}`. */
export interface NamedImage {
  readonly name: string
  readonly shown: string
  readonly path: string
  readonly bytes: number
}

export interface FilesInput {
  readonly attachments: readonly Attachment[]
  readonly images: readonly NamedImage[]
  readonly oversize: 'fail' | 'link'
  /** `attachments` without text, post, card or template, `preset` auto: only the files are sent. */
  readonly only: boolean
}

/** The upload pages' limits: images 10 MB, files 30 MB; nothing empty. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024
export const FILE_MAX_BYTES = 30 * 1024 * 1024
/** Attachments one step may send (each is a message to every receiver). */
export const MAX_ATTACHMENTS = 50

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.ico', '.tif', '.tiff', '.heic'])
const FILE_TYPES: Record<string, Attachment['fileType']> = {
  '.pdf': 'pdf',
  '.doc': 'doc',
  '.docx': 'doc',
  '.xls': 'xls',
  '.xlsx': 'xls',
  '.ppt': 'ppt',
  '.pptx': 'ppt',
  '.mp4': 'mp4',
  '.opus': 'opus',
}

/** What goes where by name: images as image messages, mp4 as media, opus as audio, the rest as files. */
export function classify(path: string): { kind: AttachmentKind; fileType: Attachment['fileType'] } {
  const extension = extname(path).toLowerCase()
  if (IMAGE_EXTENSIONS.has(extension)) return { kind: 'image', fileType: '' }
  const fileType = FILE_TYPES[extension] ?? 'stream'
  return { kind: fileType === 'mp4' ? 'media' : fileType === 'opus' ? 'audio' : 'file', fileType }
}

/** The image format the first bytes say, or '' for none Feishu takes (JPG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC). */
export function imageFormat(head: Uint8Array): string {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  const ascii = (start: number, end: number): string => bytes.subarray(start, end).toString('latin1')
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp'
  if (ascii(0, 2) === 'BM' && bytes.length >= 14) return 'bmp'
  if (bytes.subarray(0, 4).equals(Buffer.from([0, 0, 1, 0]))) return 'ico'
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff'
  if (ascii(4, 8) === 'ftyp' && /^(?:hei[cxms]|hev[cx]|mif1|msf1)$/.test(ascii(8, 12))) return 'heic'
  return ''
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = new Uint8Array(32)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const OVERSIZE_HELP =
  'upload it with actions/upload-artifact and link the run instead (the build card links the run already), or set `oversize: link` to send a line with its name, size and the run link'

/** One regular, non-empty file inside the workspace, within `limit`; otherwise an InputError naming `input`. */
function checkFile(input: string, file: WorkspaceFile): void {
  if (file.kind !== 'file')
    throw new InputError(input, `${file.shown} is ${kindName(file.kind)}; name regular files only`)
  if (file.bytes === 0) throw new InputError(input, `${file.shown} is empty (0 bytes); Feishu refuses empty files`)
}

async function checkImageBytes(input: string, file: WorkspaceFile): Promise<void> {
  if (!imageFormat(await readHead(file.path)))
    throw new InputError(
      input,
      `${file.shown} is not a JPG, PNG, WEBP, GIF, BMP, ICO, TIFF or HEIC image (its first bytes say otherwise); Feishu takes only these`,
    )
}

export interface FilesOptions {
  input: (name: string) => string
  runner: Pick<Runner, 'warning'>
  workspace: string
  mode: 'app' | 'webhook'
  /** app-id and app-secret are both given. */
  hasApp: boolean
  updateMessageId: string
  /** No text, post, card, card-file or template-id is given, and `preset` is auto. */
  noContent: boolean
  /** The names `variables` and `untrusted-variables` use. */
  variableNames: readonly string[]
}

/** Reads and checks the three inputs; undefined when neither `attachments` nor `images` is set. */
export async function readFilesInput(options: FilesOptions): Promise<FilesInput | undefined> {
  const { input, mode } = options
  const attachmentsSource = input('attachments')
  const imagesSource = input('images')
  const oversizeText = input('oversize').trim().toLowerCase() || 'fail'
  if (oversizeText !== 'fail' && oversizeText !== 'link')
    throw new InputError('oversize', `"${shown(input('oversize'))}" is not fail or link`)
  if (!attachmentsSource && !imagesSource) return undefined
  const oversize = oversizeText
  for (const [name, given] of [
    ['images', imagesSource],
    ['attachments', attachmentsSource],
  ] as const) {
    if (given && mode === 'webhook' && !options.hasApp)
      throw new InputError(
        name,
        'a custom bot webhook cannot upload files; add `app-id` and `app-secret` of an app of the same tenant with the im:resource scope and the bot capability, which uploads them for the webhook',
      )
  }
  if (attachmentsSource && options.updateMessageId)
    throw new InputError(
      'attachments',
      'cannot be sent with `update-message-id`: an update changes one card and adds no messages; send the files in a step of their own (or use `images` in the card)',
    )
  const images = imagesSource ? await readImages(imagesSource, options) : []
  const attachments = attachmentsSource ? await readAttachments(attachmentsSource, oversize, options) : []
  return Object.freeze({ attachments, images, oversize, only: options.noContent && attachments.length > 0 })
}

async function readAttachments(
  source: string,
  oversize: 'fail' | 'link',
  options: FilesOptions,
): Promise<Attachment[]> {
  const input = 'attachments'
  const { files, missing, unmatched } = await findWorkspaceFiles(input, fileLines(source), options.workspace)
  if (missing.length) throw new InputError(input, `${missing[0]} does not exist in the workspace`)
  if (unmatched.length)
    options.runner.warning(
      `Input \`attachments\`: ${unmatched.length === 1 ? 'pattern' : 'patterns'} ${unmatched.join(', ')} matched no file; nothing sent for ${unmatched.length === 1 ? 'it' : 'them'}.`,
    )
  if (files.length > MAX_ATTACHMENTS)
    throw new InputError(
      input,
      `matches ${files.length} files; at most ${MAX_ATTACHMENTS} are sent per step (each is a message to every receiver): zip them into one, or narrow the patterns`,
    )
  const attachments: Attachment[] = []
  for (const file of files) {
    checkFile(input, file)
    const { kind, fileType } = classify(file.shown)
    if (options.mode === 'webhook' && kind !== 'image')
      throw new InputError(
        input,
        `${file.shown} would go as a ${kind === 'file' ? 'file' : kind} message, and a custom bot cannot send files (only images); send it with the app bot (\`app-id\`, \`app-secret\` and \`chat-id\` instead of \`webhook\`)`,
      )
    const limit = kind === 'image' ? IMAGE_MAX_BYTES : FILE_MAX_BYTES
    const linked = file.bytes > limit
    if (linked && oversize === 'fail')
      throw new InputError(
        input,
        `${file.shown} is ${mb(file.bytes)}; Feishu takes ${kind === 'image' ? 'images' : 'files'} up to ${mb(limit)}: ${OVERSIZE_HELP}`,
      )
    if (kind === 'image' && !linked) await checkImageBytes(input, file)
    const name = basename(file.shown)
    attachments.push({ shown: file.shown, path: file.path, name, bytes: file.bytes, kind, fileType, linked })
  }
  return attachments
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/

async function readImages(source: string, options: FilesOptions): Promise<NamedImage[]> {
  const input = 'images'
  const mapping = await parseMapping(source, input)
  const images: NamedImage[] = []
  for (const [name, value] of Object.entries(mapping)) {
    if (!NAME.test(name))
      throw new InputError(input, `"${shown(name)}" is not a valid name (a letter, then letters, digits or _)`)
    if (options.variableNames.includes(name))
      throw new InputError(input, `"${name}" is a name in \`variables\` too; give each placeholder one name`)
    if (typeof value !== 'string' || value.trim() === '')
      throw new InputError(input, `"${name}" must be a path to an image file, relative to the workspace`)
    const line = value.trim()
    if (isPattern(line)) throw new InputError(input, `"${name}": ${line} is a pattern; give the path of one image`)
    const { files } = await findWorkspaceFiles(input, [line], options.workspace)
    const file = files[0]
    if (!file) throw new InputError(input, `"${name}": ${line} does not exist in the workspace`)
    checkFile(input, file)
    if (file.bytes > IMAGE_MAX_BYTES)
      throw new InputError(
        input,
        `"${name}": ${file.shown} is ${mb(file.bytes)}; Feishu takes images up to ${mb(IMAGE_MAX_BYTES)} (make it smaller, e.g. a lower resolution or JPG)`,
      )
    await checkImageBytes(input, file)
    images.push({ name, shown: file.shown, path: file.path, bytes: file.bytes })
  }
  return images
}
