// What became of a step's attachments in the `results` output and the step's verdict (issue 20):
// each receiver's attachment message ids, and one line per file that a receiver did not get.
// Small and free of the files code, so a plain send loads nothing more than this.

import type { DeliveryResult } from '../feishu/deliver.js'
import { gfm, type Markdown } from './summary-markdown.js'
import { describeReceiver } from '../feishu/targets.js'

/** `attachment_message_ids` of a `results` entry: one per attachment, '' where its send failed. */
export function attachmentIds(result: DeliveryResult): { attachment_message_ids?: string[] } {
  return result.attachments ? { attachment_message_ids: result.attachments.map((sent) => sent.messageId) } : {}
}

/** "- chat oc_x: attachment dist/app.apk: Feishu code ..." for every attachment a receiver did not get. */
export function attachmentFailureLines(results: readonly DeliveryResult[]): string[] {
  return results.flatMap((result) =>
    (result.attachments ?? [])
      .filter((sent) => !sent.ok)
      .map(
        (sent) =>
          `- ${describeReceiver(result.receiver)}: attachment ${sent.shown} not sent: ${sent.error?.message ?? 'unknown error'}`,
      ),
  )
}

/** The job summary's list of the files a step sent ([] when it named none). */
export function filesSummary(
  records: readonly { path: string; kind: string; bytes: number; message_ids: readonly string[] }[] = [],
): Markdown[] {
  if (records.length === 0) return []
  const lines = [gfm`**Files**`, gfm``, gfm`| File | Kind | Size | Messages |`, gfm`| --- | --- | --- | --- |`]
  for (const record of records) {
    const sent = record.message_ids.filter(Boolean).length
    const messages =
      record.kind === 'image' && record.message_ids.length === 0
        ? 'in the message'
        : `${sent} of ${record.message_ids.length} sent`
    lines.push(gfm`| ${record.path} | ${record.kind} | ${(record.bytes / 1024).toFixed(0)} KB | ${messages} |`)
  }
  lines.push(gfm``)
  return lines
}
