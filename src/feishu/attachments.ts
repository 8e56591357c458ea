// Delivers the files of a step (issue 20): uploads each once (feishu/uploads.ts), then sends every
// attachment to every receiver as its own message after the main message, in the listed order
// (image, media, audio or file messages, content as in
// https://open.feishu.cn/document/server-docs/im-v1/message-content-description/create_json),
// each (receiver, attachment) with its own stable uuid, so a retry of the step never posts a file
// twice. Receivers are served in parallel; one receiver's files go one after another, in order.
// Loaded only when a step names files. Knows nothing of GitHub: the run's URL comes in as text.

import type { Cancellation } from '../base/cancel.js'
import { neutralizeMarkup } from '../markup/escape.js'
import { appRequest, type FeishuClient } from './client.js'
import type { AttachmentOutcome, DeliveryResult } from './deliver.js'
import { FeishuError } from './errors.js'
import type { FeishuMessage } from './message.js'
import type { AppTarget } from './targets.js'
import { uploadAll, type UploadItem } from './uploads.js'
import { messageUuid } from './uuid.js'
import type { WebhookClient } from './webhook-client.js'

/** One file as the inputs give it (inputs/attachments.ts): structurally, so this layer imports none of them. */
interface FileItem extends UploadItem {
  readonly bytes: number
  /** Over its limit with `oversize: link`: a line of text, never uploaded. */
  readonly linked?: boolean
}

export interface FilesToDeliver {
  readonly attachments: readonly FileItem[]
  readonly images: readonly (Omit<FileItem, 'kind' | 'fileType' | 'name'> & { readonly name: string })[]
}

/** One entry of the `uploads` output. */
export interface UploadRecord {
  readonly path: string
  readonly kind: FileItem['kind'] | 'link'
  readonly key: string
  readonly bytes: number
  /** One per receiver ('' where that send failed); empty for `images`, which are used in the message. */
  message_ids: string[]
}

export interface UploadedFiles {
  /** `images` name -> image_key, for `${name}`. */
  readonly imageKeys: ReadonlyMap<string, string>
  /** Each attachment's message (undefined when its upload failed, with `error`). */
  readonly sends: readonly { item: FileItem; record: UploadRecord; message?: FeishuMessage; error?: FeishuError }[]
  readonly records: UploadRecord[]
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** The message an attachment becomes, from its key. */
function messageFor(item: FileItem, key: string): FeishuMessage {
  if (item.kind === 'image') return { msgType: 'image', content: { image_key: key } }
  return { msgType: item.kind, content: { file_key: key } }
}

/** `oversize: link`: a line naming the file, its size and where it is instead. */
export function linkMessage(item: FileItem, runUrl: string): FeishuMessage {
  const limit = item.kind === 'image' ? '10 MB' : '30 MB'
  const where = runUrl ? `: get it from the run, ${runUrl}` : ''
  return {
    msgType: 'text',
    content: {
      text: `📎 ${neutralizeMarkup(item.name)} (${mb(item.bytes)}) is over Feishu's ${limit} limit, so it is not attached${where}`,
    },
  }
}

/**
 * Uploads every image and attachment once (linked ones excepted). A failed `images` upload throws:
 * the message names its key, so it cannot go without it. A failed attachment upload is kept, and
 * becomes a failed send for every receiver.
 */
export async function uploadFiles(options: {
  client: FeishuClient
  baseUrl: string
  files: FilesToDeliver
  runUrl: string
  cancellation?: Cancellation
  log?: (line: string) => void
}): Promise<UploadedFiles> {
  const { files } = options
  const images: FileItem[] = files.images.map((image) => ({
    ...image,
    name: image.shown.split('/').pop() ?? image.shown,
    kind: 'image',
    fileType: '',
  }))
  const uploaded = files.attachments.filter((item) => !item.linked)
  const outcomes = await uploadAll({ ...options, items: [...images, ...uploaded] })
  const imageKeys = new Map<string, string>()
  const records: UploadRecord[] = []
  images.forEach((image, index) => {
    const outcome = outcomes[index]!
    if ('error' in outcome)
      throw new FeishuError(
        {
          ...outcome.error,
          meaning: `uploading ${image.shown} (images: ${files.images[index]!.name}) failed: ${outcome.error.meaning}`,
        },
        { cause: outcome.error },
      )
    imageKeys.set(files.images[index]!.name, outcome.key)
    records.push({ path: image.shown, kind: 'image', key: outcome.key, bytes: image.bytes, message_ids: [] })
  })
  let next = images.length
  const sends = files.attachments.map((item) => {
    if (item.linked) {
      const record: UploadRecord = { path: item.shown, kind: 'link', key: '', bytes: item.bytes, message_ids: [] }
      records.push(record)
      return { item, record, message: linkMessage(item, options.runUrl) }
    }
    const outcome = outcomes[next++]!
    const record: UploadRecord = {
      path: item.shown,
      kind: item.kind,
      key: 'key' in outcome ? outcome.key : '',
      bytes: item.bytes,
      message_ids: [],
    }
    records.push(record)
    if ('error' in outcome) {
      const error = new FeishuError(
        { ...outcome.error, meaning: `uploading ${item.shown} failed: ${outcome.error.meaning}` },
        { cause: outcome.error },
      )
      return { item, record, error }
    }
    return { item, record, message: messageFor(item, outcome.key) }
  })
  return { imageKeys, sends, records }
}

/**
 * The uuid of one attachment's message to one receiver: derived like the main message's
 * (feishu/uuid.ts), from the step, the receiver and the attachment's place and name, never its
 * key (a new upload gets a new key, and must still be the same message).
 */
export function attachmentUuid(options: {
  given: string
  target: AppTarget
  index: number
  item: FileItem
  step: readonly string[] | null
}): string {
  const { given, target, index, item, step } = options
  return messageUuid({
    // Always derived, even for one receiver: the given uuid as such is the main message's.
    given: given ? `${given}-a${index}` : '',
    receiver: target,
    receiverCount: 2,
    body: JSON.stringify(['attachment', index, item.shown, item.bytes]),
    step,
  })
}

/** Sends of one receiver in flight at once, across receivers (each receiver's own go in order). */
const CONCURRENCY = 16

function skipped(shown: string, error: FeishuError): AttachmentOutcome {
  return { shown, ok: false, messageId: '', error }
}

function cancelledError(reason: string | undefined): FeishuError {
  return new FeishuError({
    code: null,
    msg: '',
    httpStatus: null,
    logId: '',
    final: true,
    notSent: true,
    meaning: `not sent: the step was cancelled (${reason ?? 'signal'})`,
    fix: 're-run the job',
  })
}

/**
 * Sends every attachment to every target of `results` (the main message's, in its order) and
 * returns the results with each receiver's attachment outcomes, and the upload records filled with
 * message ids. A receiver whose main message got no token gets none of its files either.
 */
export async function sendAttachments(options: {
  client: FeishuClient
  baseUrl: string
  results: readonly DeliveryResult[]
  uploaded: UploadedFiles
  replyInThread: boolean
  uuid: string
  step: readonly string[] | null
  cancellation?: Cancellation
}): Promise<DeliveryResult[]> {
  const { client, baseUrl, results, uploaded, cancellation } = options
  const outcomes: AttachmentOutcome[][] = results.map(() => [])
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < results.length) {
      const index = next++
      const result = results[index]!
      const target = result.receiver as AppTarget
      for (const [position, send] of uploaded.sends.entries()) {
        const shown = send.item.shown
        if (result.stage === 'token' && result.error) outcomes[index]!.push(skipped(shown, result.error))
        else if (send.error) outcomes[index]!.push(skipped(shown, send.error))
        else if (cancellation?.signal.aborted)
          outcomes[index]!.push(skipped(shown, cancelledError(cancellation.reason)))
        else {
          const message = send.message!
          const request = appRequest(baseUrl, target, {
            msgType: message.msgType,
            content: JSON.stringify(message.content),
            replyInThread: options.replyInThread,
            uuid: attachmentUuid({ given: options.uuid, target, index: position, item: send.item, step: options.step }),
          })
          try {
            const sent = await client.deliver(target, request)
            outcomes[index]!.push({ shown, ok: true, messageId: sent.messageId })
          } catch (error) {
            if (!(error instanceof FeishuError)) throw error
            outcomes[index]!.push(skipped(shown, error))
          }
        }
        send.record.message_ids[index] = outcomes[index]!.at(-1)!.messageId
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, results.length) }, worker))
  return results.map((result, index) => ({ ...result, attachments: outcomes[index] }))
}

/** A custom bot: each image, one after another, through the hook (files never get here: inputs refuse them). */
export async function sendAttachmentsByWebhook(options: {
  client: WebhookClient
  results: readonly DeliveryResult[]
  uploaded: UploadedFiles
  cancellation?: Cancellation
}): Promise<DeliveryResult[]> {
  const { client, uploaded, cancellation } = options
  const outcomes: AttachmentOutcome[] = []
  for (const send of uploaded.sends) {
    const shown = send.item.shown
    if (send.error) outcomes.push(skipped(shown, send.error))
    else if (cancellation?.signal.aborted) outcomes.push(skipped(shown, cancelledError(cancellation.reason)))
    else {
      try {
        await client.send(send.message!)
        outcomes.push({ shown, ok: true, messageId: '' })
      } catch (error) {
        if (!(error instanceof FeishuError)) throw error
        outcomes.push(skipped(shown, error))
      }
    }
    send.record.message_ids.push('')
  }
  return options.results.map((result) => ({ ...result, attachments: outcomes }))
}
