// Prints the requests a real run would make, with secrets hidden, and sends nothing: not even
// the token request, so a dry run works without credentials.

import { maskEmail, maskPhone } from '../base/personal.js'
import type { Environment, Runner } from '../base/runner.js'
import { TOKEN_PATH, type AppRequest } from '../feishu/client.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import { shownHookUrl } from '../feishu/hook-url.js'
import type { FeishuMessage } from '../feishu/message.js'
import type { AppDeliveryPlan } from '../feishu/plan.js'
import { WEBHOOK_TARGET, type Target } from '../feishu/targets.js'
import { webhookBody } from '../feishu/webhook-client.js'
import { logCardPreview } from './card-preview.js'

export function printDryRun(
  runner: Runner,
  options: {
    hasCredentials: boolean
    baseUrl: string
    plan: AppDeliveryPlan
    message: FeishuMessage
    env: Environment
    /** The open_id lookups a real run makes first (§14.1); their e-mails and numbers are shown masked. */
    lookups: readonly AppRequest[]
  },
): DeliveryResult[] {
  const { baseUrl, plan, message, lookups } = options
  const targets = plan.targets
  runner.info(
    `Dry run: nothing is sent. A real run would make ${targets.length + lookups.length + 1} request(s)${lookups.length ? ` (${lookups.length} to look people up)` : ''}:`,
  )
  if (!options.hasCredentials)
    runner.warning('Dry run without `app-id` and `app-secret`: a real run would fail until they are set.')
  runner.info(`Content, decoded:\n${JSON.stringify(message.content, null, 2)}`)
  logCardPreview(redactedMessage(runner, message), (line) => runner.info(line), options.env)
  runner.info(`POST ${baseUrl}${TOKEN_PATH}\n{"app_id": "***", "app_secret": "***"}`)
  for (const lookup of lookups) {
    const body = lookup.body as { emails?: string[]; mobiles?: string[] }
    printRequest(runner, `${lookup.method} ${lookup.url}`, ['Authorization: Bearer ***'], {
      ...body,
      ...(body.emails ? { emails: body.emails.map(maskEmail) } : {}),
      ...(body.mobiles ? { mobiles: body.mobiles.map(maskPhone) } : {}),
    })
  }
  for (const target of targets) {
    const request = plan.requestFor(target)
    printRequest(runner, `${request.method} ${request.url}`, ['Authorization: Bearer ***'], request.body ?? {})
  }
  return notSent(targets)
}

/** The custom bot's one request: the hook token and the sign hidden. */
export function printWebhookDryRun(
  runner: Runner,
  options: {
    webhookUrl: string
    secret: string
    message: FeishuMessage
    env: Environment
  },
): DeliveryResult[] {
  const body = webhookBody(options.message, options.secret, Date.now())
  if (options.secret) body.sign = '***'
  runner.info('Dry run: nothing is sent. A real run would make 1 request:')
  printRequest(runner, `POST ${shownHookUrl(options.webhookUrl)}`, [], body)
  logCardPreview(redactedMessage(runner, options.message), (line) => runner.info(line), options.env)
  return notSent([WEBHOOK_TARGET])
}

function printRequest(runner: Runner, line: string, headers: readonly string[], body: object): void {
  runner.startGroup(line)
  for (const header of [...headers, 'Content-Type: application/json; charset=utf-8']) runner.info(header)
  runner.info(JSON.stringify(body, null, 2))
  runner.endGroup()
}

/** Nothing was delivered, and the outputs say so: a later step that checks `ok` is not misled. */
function notSent(targets: readonly Target[]): DeliveryResult[] {
  return targets.map((receiver) => ({ receiver, ok: false, messageId: '', chatId: '', stage: 'dry-run' as const }))
}

/** The preview is a file, which the runner does not mask: secrets that reached the content are hidden first. */
function redactedMessage(runner: Runner, message: FeishuMessage): FeishuMessage {
  const json = JSON.stringify(message.content)
  const redacted = runner.redact(json)
  if (redacted === json) return message
  try {
    return { ...message, content: JSON.parse(redacted) as Record<string, unknown> }
  } catch {
    return {
      ...message,
      content: {
        schema: '2.0',
        body: { elements: [{ tag: 'markdown', content: '(preview withheld: it held a secret)' }] },
      },
    }
  }
}
