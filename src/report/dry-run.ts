// Prints the requests a real run would make, with secrets hidden, and sends nothing: not even
// the token request, so a dry run works without credentials.

import { previewFilesPage } from './preview-files.js'
import { maskEmail, maskPhone } from '../base/personal.js'
import type { Environment, Runner } from '../base/runner.js'
import { TOKEN_PATH, type AppRequest } from '../feishu/client.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import { shownHookUrl } from '../feishu/hook-url.js'
import type { FeishuMessage } from '../feishu/message.js'
import type { AppDeliveryPlan } from '../feishu/plan.js'
import { WEBHOOK_TARGET, type Target } from '../feishu/targets.js'
import { webhookBody } from '../feishu/webhook-client.js'
import type { TestFacts } from '../github/test-reports/results.js'
import { testsPreviewHtml } from './tests-section.js'

export async function printDryRun(
  runner: Runner,
  options: {
    hasCredentials: boolean
    baseUrl: string
    plan: AppDeliveryPlan
    message: FeishuMessage
    env: Environment
    /** The open_id lookups a real run makes first (§14.1); their e-mails and numbers are shown masked. */
    lookups: readonly AppRequest[]
    /** The `language` input, which the card preview follows. */
    language?: string
    /** Test results to show under a card that does not show them itself. */
    tests?: TestFacts
  },
): Promise<DeliveryResult[]> {
  const { baseUrl, plan, message, lookups } = options
  const targets = plan.targets
  runner.info(
    `Dry run: nothing is sent. A real run would make ${targets.length + lookups.length + 1} request(s)${lookups.length ? ` (${lookups.length} to look people up)` : ''}:`,
  )
  if (!options.hasCredentials)
    runner.warning('Dry run without `app-id` and `app-secret`: a real run would fail until they are set.')
  runner.info(`Content, decoded:\n${JSON.stringify(message.content, null, 2)}`)
  await previewCard(runner, { message, env: options.env, language: options.language, tests: options.tests })
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
export async function printWebhookDryRun(
  runner: Runner,
  options: {
    webhookUrl: string
    secret: string
    message: FeishuMessage
    env: Environment
    /** The `language` input, which the card preview follows. */
    language?: string
    tests?: TestFacts
  },
): Promise<DeliveryResult[]> {
  const body = webhookBody(options.message, options.secret, Date.now())
  if (options.secret) body.sign = '***'
  runner.info('Dry run: nothing is sent. A real run would make 1 request:')
  printRequest(runner, `POST ${shownHookUrl(options.webhookUrl)}`, [], body)
  await previewCard(runner, options)
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

/**
 * The HTML preview of a card (report/preview/), loaded only here and only for a card: it holds
 * marked, which a run that sends never loads. A preview that cannot be had is a line in the log.
 */
async function previewCard(
  runner: Runner,
  options: { message: FeishuMessage; env: Environment; language?: string | undefined; tests?: TestFacts | undefined },
): Promise<void> {
  if (options.message.msgType !== 'interactive') return
  try {
    const { previewDryRun } = await import('./preview/index.js')
    const { tests, ...preview } = options
    const page = previewFilesPage()
    const testsHtml = testsPreviewHtml(tests)
    const sections = [...(testsHtml ? [{ title: 'Tests', html: testsHtml }] : []), ...(page.sections ?? [])]
    previewDryRun(runner, { ...preview, page: { ...page, sections } })
  } catch (error) {
    runner.info(`Card preview not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}
