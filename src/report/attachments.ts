// A step's files end to end (issue 20), for main.ts: uploading them before the message, sending them
// after it, the `uploads` output, and the dry run's list and preview of them. Imported only when a
// step names files (`attachments` or `images`), so a plain send loads none of this.
// Owns the wiring; the checks are inputs/attachments.ts, the requests feishu/attachments.ts.

import { readFile } from 'node:fs/promises'
import type { Cancellation } from '../base/cancel.js'
import { OutputFileError, type Environment, type Runner } from '../base/runner.js'
import {
  sendAttachments,
  sendAttachmentsByWebhook,
  uploadFiles,
  type UploadedFiles,
  type UploadRecord,
} from '../feishu/attachments.js'
import { FeishuClient } from '../feishu/client.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import { FILES_PATH, IMAGES_PATH } from '../feishu/uploads.js'
import type { WebhookClient } from '../feishu/webhook-client.js'
import { stepIdentity, type RunContext } from '../github/context.js'
import type { Config } from '../inputs/config.js'
import { pendingKey } from '../compose/images.js'
import { registerPreviewFiles } from './preview-files.js'

const size = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`

/** Uploads the step's images and attachments once each, before the message that uses their keys. */
export function uploadStepFiles(options: {
  runner: Runner
  config: Config
  client: FeishuClient
  context: RunContext
  cancellation?: Cancellation
}): Promise<UploadedFiles> {
  const { runner, config, client, context, cancellation } = options
  const files = config.files!
  const count = files.images.length + files.attachments.filter((item) => !item.linked).length
  runner.info(`Uploading ${count} file(s) to ${config.baseUrl}.`)
  return uploadFiles({
    client,
    baseUrl: config.baseUrl,
    files,
    runUrl: context.runUrl,
    cancellation,
    log: (line) => runner.info(line),
  })
}

/** What main.ts runs after the message: every attachment to every receiver (app) or into the hook's group. */
export function attachmentSender(options: {
  config: Config
  uploaded: UploadedFiles
  env: Environment
  cancellation?: Cancellation
}): (results: DeliveryResult[], client: FeishuClient | WebhookClient) => Promise<DeliveryResult[]> {
  const { config, uploaded, env, cancellation } = options
  return (results, client) =>
    client instanceof FeishuClient
      ? sendAttachments({
          client,
          baseUrl: config.baseUrl,
          results,
          uploaded,
          replyInThread: config.replyInThread,
          uuid: config.uuid,
          step: stepIdentity(env),
          cancellation,
        })
      : sendAttachmentsByWebhook({ client, results, uploaded, cancellation })
}

/** The `uploads` output, shown in the log as well; a file that cannot be written is only a warning here. */
export function setUploadsOutput(runner: Runner, records: readonly UploadRecord[]): void {
  const value = JSON.stringify(records)
  runner.info(`uploads: ${value}`)
  try {
    runner.setOutput('uploads', value)
  } catch (error) {
    if (!(error instanceof OutputFileError)) throw error
    runner.warning(`The \`uploads\` output was not written: ${error.message}`)
  }
}

/** Images up to this size are embedded whole in the dry run's preview. */
const EMBED_MAX_BYTES = 2 * 1024 * 1024

const MIME: Record<string, string> = { jpg: 'jpeg', tif: 'tiff', ico: 'x-icon' }

/** The dry run: each file, what it is, its upload and the messages it would become; the preview's pictures. */
export async function printFilesDryRun(runner: Runner, config: Config): Promise<void> {
  const files = config.files!
  const receivers = config.mode === 'webhook' || config.receivers.length === 0 ? 1 : config.receivers.length
  const lines = [
    `Files: ${files.images.length} image(s) for the message, ${files.attachments.length} attachment(s) sent after it${files.only ? ' (no message: only the files)' : ''}:`,
  ]
  const images = new Map<string, { dataUrl: string; label: string }>()
  for (const image of files.images) {
    lines.push(
      `- images.${image.name}: ${image.shown}, image, ${size(image.bytes)}; POST ${config.baseUrl}${IMAGES_PATH} (image_type=message), its image_key fills \${${image.name}}`,
    )
    const extension = image.shown.split('.').pop()?.toLowerCase() ?? 'png'
    const dataUrl =
      image.bytes <= EMBED_MAX_BYTES
        ? `data:image/${MIME[extension] ?? extension};base64,${(await readFile(image.path)).toString('base64')}`
        : ''
    images.set(pendingKey(image.name), { dataUrl, label: `${image.shown} (${size(image.bytes)})` })
  }
  for (const item of files.attachments) {
    const messages = `${receivers} ${item.linked ? 'text' : item.kind} message(s), one to each receiver`
    if (item.linked)
      lines.push(
        `- ${item.shown}: ${size(item.bytes)}, over the limit: not uploaded; ${messages} with its name, size and the run link`,
      )
    else
      lines.push(
        `- ${item.shown}: ${item.kind}${item.fileType ? `, file_type ${item.fileType}` : ''}, ${size(item.bytes)}; POST ${config.baseUrl}${item.kind === 'image' ? `${IMAGES_PATH} (image_type=message)` : `${FILES_PATH} (file_type=${item.fileType}, file_name=${item.name})`}; then ${messages}`,
      )
  }
  runner.info(lines.join('\n'))
  registerPreviewFiles({
    images,
    chips: files.attachments.map((item) => ({
      name: item.name,
      detail: `${item.linked ? 'link' : item.kind}, ${size(item.bytes)}`,
    })),
  })
}
