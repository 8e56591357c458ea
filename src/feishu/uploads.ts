// Uploads images and files for messages (issue 20): POST /open-apis/im/v1/images with
// image_type=message, POST /open-apis/im/v1/files with file_type and file_name
// (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/image/create,
// https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/file/create), as multipart
// forms whose file part is streamed from disk (fs.openAsBlob: no file is held in memory), through
// the app client: its token, transport, proxy, timeout, retries and rate limits. Several at once.
// Owns: the forms, the keys Feishu answers with. Must not: decide what is uploaded (inputs) or sent.

import { openAsBlob } from 'node:fs'
import { extname } from 'node:path'
import type { Cancellation } from '../base/cancel.js'
import type { AppRequest, FeishuClient } from './client.js'
import { FeishuError } from './errors.js'

export interface UploadItem {
  /** As the user sees it, for messages. */
  readonly shown: string
  readonly path: string
  /** file_name: the name Feishu shows, with its extension. */
  readonly name: string
  readonly kind: 'image' | 'media' | 'audio' | 'file'
  /** file_type for /im/v1/files; '' for an image. */
  readonly fileType: string
}

export type UploadOutcome = { readonly key: string } | { readonly error: FeishuError }

export const IMAGES_PATH = '/open-apis/im/v1/images'
export const FILES_PATH = '/open-apis/im/v1/files'

/** Uploads at once: each streams one file; the client's limiters keep them within 50/s and 1000/min. */
const UPLOAD_CONCURRENCY = 4

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.heic': 'image/heic',
}

/** The request of one upload; its form is made again for every attempt (a stream is read once). */
export function uploadRequest(baseUrl: string, item: UploadItem): AppRequest {
  const image = item.kind === 'image'
  return {
    method: 'POST',
    url: `${baseUrl}${image ? IMAGES_PATH : FILES_PATH}`,
    body: { content: '' },
    // Uploads are counted by the app's limits only: no chat receives them.
    limitKey: `upload:${item.path}`,
    form: async () => {
      const type = IMAGE_TYPES[extname(item.name).toLowerCase()] ?? 'application/octet-stream'
      const blob = await openAsBlob(item.path, { type: image ? type : 'application/octet-stream' })
      const form = new FormData()
      if (image) {
        form.append('image_type', 'message')
        form.append('image', blob, item.name)
      } else {
        form.append('file_type', item.fileType)
        form.append('file_name', item.name)
        form.append('file', blob, item.name)
      }
      return form
    },
  }
}

/** The key in an upload's answer, checked to have the shape of one (it goes into messages and outputs). */
function keyOf(item: UploadItem, data: Record<string, unknown> | undefined): string {
  const image = item.kind === 'image'
  const key = image ? data?.image_key : data?.file_key
  if (typeof key === 'string' && (image ? /^img_[\w-]+$/ : /^file_[\w-]+$/).test(key) && key.length <= 200) return key
  throw new FeishuError({
    code: null,
    msg: '',
    httpStatus: 200,
    logId: '',
    final: true,
    meaning: `Feishu answered the upload of ${item.shown} with code 0 but no ${image ? 'image_key (img_...)' : 'file_key (file_...)'}`,
    fix: 'check `domain` points at the Feishu/Lark Open Platform',
  })
}

/** A cancelled step starts no upload. */
function cancelled(item: UploadItem, reason: string | undefined): FeishuError {
  return new FeishuError({
    code: null,
    msg: '',
    httpStatus: null,
    logId: '',
    final: true,
    notSent: true,
    meaning: `${item.shown} was not uploaded: the step was cancelled (${reason ?? 'signal'})`,
    fix: 're-run the job',
  })
}

/** Uploads every item, several at once; one outcome per item, in order. Never throws for one failure. */
export async function uploadAll(options: {
  client: FeishuClient
  baseUrl: string
  items: readonly UploadItem[]
  cancellation?: Cancellation
  log?: (line: string) => void
}): Promise<UploadOutcome[]> {
  const { client, baseUrl, items, cancellation, log } = options
  const outcomes = new Array<UploadOutcome>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      const item = items[index]!
      if (cancellation?.signal.aborted) {
        outcomes[index] = { error: cancelled(item, cancellation.reason) }
        continue
      }
      try {
        const answer = await client.call(`upload of ${item.shown}`, uploadRequest(baseUrl, item))
        outcomes[index] = { key: keyOf(item, answer.data) }
        log?.(`Uploaded ${item.shown} (${item.kind}${item.fileType ? `, file_type ${item.fileType}` : ''}).`)
      } catch (error) {
        if (!(error instanceof FeishuError)) throw error
        outcomes[index] = { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, items.length) }, worker))
  return outcomes
}
