// Prints the requests a real run would make, with secrets hidden, and sends nothing: not even
// the token request, so a dry run works without credentials.

import * as core from '@actions/core'
import type { OutgoingMessage } from './compose.js'
import type { DeliveryResult } from './deliver.js'
import { sendBody, sendUrl, TOKEN_PATH } from './feishu-client.js'
import type { Receiver } from './receivers.js'

export function printDryRun(options: {
  hasCredentials: boolean
  baseUrl: string
  receivers: readonly Receiver[]
  message: OutgoingMessage
  uuidFor: (receiver: Receiver, body: string) => string
}): DeliveryResult[] {
  const { baseUrl, receivers, message } = options
  const content = JSON.stringify(message.content)
  core.info(`Dry run: nothing is sent. A real run would make ${receivers.length + 1} request(s):`)
  if (!options.hasCredentials) core.warning('Dry run without `app-id` and `app-secret`: a real run would fail until they are set.')
  core.info(`Content, decoded:\n${JSON.stringify(message.content, null, 2)}`)
  core.info(`POST ${baseUrl}${TOKEN_PATH}\n{"app_id": "***", "app_secret": "***"}`)
  for (const receiver of receivers) {
    const body = sendBody(receiver, message.msgType, content, options.uuidFor(receiver, content))
    core.startGroup(`POST ${sendUrl(baseUrl, receiver)}`)
    core.info('Authorization: Bearer ***')
    core.info('Content-Type: application/json; charset=utf-8')
    core.info(JSON.stringify(body, null, 2))
    core.endGroup()
  }
  // Nothing was delivered, and the outputs say so: a later step that checks `ok` is not misled.
  return receivers.map((receiver) => ({ receiver, ok: false, messageId: '', chatId: '', stage: 'dry-run' as const }))
}
