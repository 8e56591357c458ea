// Prints the requests a real run would make, with secrets hidden, and sends nothing: not even
// the token request, so a dry run works without credentials.

import * as core from './workflow-commands.js'
import type { OutgoingMessage } from './compose.js'
import type { DeliveryResult } from './deliver.js'
import { TOKEN_PATH, type AppRequest } from './feishu-client.js'
import { WEBHOOK_TARGET, type AppTarget, type Target } from './receivers.js'
import { logCardPreview } from './report/card-preview.js'
import { webhookBody } from './webhook-client.js'
import { shownHookUrl } from './webhook-url.js'

export function printDryRun(options: {
  hasCredentials: boolean
  baseUrl: string
  targets: readonly AppTarget[]
  message: OutgoingMessage
  requestFor: (target: AppTarget) => AppRequest
}): DeliveryResult[] {
  const { baseUrl, targets, message } = options
  core.info(`Dry run: nothing is sent. A real run would make ${targets.length + 1} request(s):`)
  if (!options.hasCredentials)
    core.warning('Dry run without `app-id` and `app-secret`: a real run would fail until they are set.')
  core.info(`Content, decoded:\n${JSON.stringify(message.content, null, 2)}`)
  logCardPreview(message, core.info)
  core.info(`POST ${baseUrl}${TOKEN_PATH}\n{"app_id": "***", "app_secret": "***"}`)
  for (const target of targets) {
    const request = options.requestFor(target)
    printRequest(`${request.method} ${request.url}`, ['Authorization: Bearer ***'], request.body)
  }
  return notSent(targets)
}

/** The custom bot's one request: the hook token and the sign hidden. */
export function printWebhookDryRun(options: {
  webhookUrl: string
  secret: string
  message: OutgoingMessage
}): DeliveryResult[] {
  const body = webhookBody(options.message, options.secret, Date.now())
  if (options.secret) body.sign = '***'
  core.info('Dry run: nothing is sent. A real run would make 1 request:')
  printRequest(`POST ${shownHookUrl(options.webhookUrl)}`, [], body)
  logCardPreview(options.message, core.info)
  return notSent([WEBHOOK_TARGET])
}

function printRequest(line: string, headers: readonly string[], body: object): void {
  core.startGroup(line)
  for (const header of [...headers, 'Content-Type: application/json; charset=utf-8']) core.info(header)
  core.info(JSON.stringify(body, null, 2))
  core.endGroup()
}

/** Nothing was delivered, and the outputs say so: a later step that checks `ok` is not misled. */
function notSent(targets: readonly Target[]): DeliveryResult[] {
  return targets.map((receiver) => ({ receiver, ok: false, messageId: '', chatId: '', stage: 'dry-run' as const }))
}
