// The action: inputs -> compose -> deliver -> report, with one try/catch that fails the step.
// The job summary is written on every path, success or failure, unless `summary` is false.

import * as core from './workflow-commands.js'
import { composeMessage, type OutgoingMessage } from './compose.js'
import { deliver, deliverByWebhook, type DeliveryResult } from './deliver.js'
import { printDryRun, printWebhookDryRun } from './dry-run.js'
import { appRequest, FeishuClient } from './feishu-client.js'
import { describeProxy } from './http.js'
import { readRunContext } from './github-context.js'
import { readConfig, type Config } from './inputs.js'
import type { AppTarget } from './receivers.js'
import { reportDelivery, setOutputs } from './report.js'
import { writeSummary, type SummaryInput } from './summary.js'
import { messageUuid } from './uuid.js'
import { WebhookClient } from './webhook-client.js'
import { shownHookUrl } from './webhook-url.js'

type Env = Record<string, string | undefined>

export async function run(env: Env = process.env): Promise<void> {
  let summary: SummaryInput | undefined
  let summaryWanted = true
  try {
    const config = await readConfig(env)
    summaryWanted = config.summary
    const message = await composeMessage(config, await readRunContext(env))
    const proxy = describeProxy(config.proxy, env)
    core.info(`${describePlan(config, message)}${proxy ? `, ${proxy}` : ''}`)
    const results = config.mode === 'webhook' ? await byWebhook(config, message) : await byApp(config, message, env)
    summary = { results, message, dryRun: config.dryRun }
    if (config.dryRun) setOutputs(results)
    else reportDelivery(results, config.failOnError)
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    summary ??= { failure: text }
    summaryWanted = summaryWanted && summaryInputIsOn(env)
    core.setFailed(text)
  } finally {
    if (summary && summaryWanted) await writeSummary(summary, env)
  }
}

/** Read again after a failure, since readConfig may have failed before reading it. */
function summaryInputIsOn(env: Env): boolean {
  return core.getInput('summary', env).toLowerCase() !== 'false'
}

/** One line saying what the step does and the host it does it on (never a hook token). */
function describePlan(config: Config, message: OutgoingMessage): string {
  const what = message.msgType === 'interactive' ? 'a card' : `a ${message.msgType} message`
  const from = `(from \`${message.input}\`)`
  if (config.mode === 'webhook')
    return `Sending ${what} ${from} by custom bot webhook ${shownHookUrl(config.webhookUrl)}`
  if (config.updateMessageId)
    return `Updating card ${config.updateMessageId} with ${what} ${from} via ${config.baseUrl}`
  if (config.replyTo)
    return `Replying to ${config.replyTo}${config.replyInThread ? ' in its thread' : ''} with ${what} ${from} via ${config.baseUrl}`
  return `Sending ${what} ${from} to ${config.receivers.length} receiver(s) via ${config.baseUrl}`
}

async function byWebhook(config: Config, message: OutgoingMessage): Promise<DeliveryResult[]> {
  if (config.dryRun) return printWebhookDryRun({ webhookUrl: config.webhookUrl, secret: config.webhookSecret, message })
  const client = new WebhookClient({
    webhookUrl: config.webhookUrl,
    secret: config.webhookSecret,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    proxy: config.proxy.url,
    log: core.info,
    debug: core.debug,
  })
  try {
    return await deliverByWebhook(client, message)
  } finally {
    await client.close()
  }
}

async function byApp(config: Config, message: OutgoingMessage, env: Env): Promise<DeliveryResult[]> {
  const targets: AppTarget[] = config.updateMessageId
    ? [{ receiveIdType: 'update_message_id', receiveId: config.updateMessageId }]
    : config.replyTo
      ? [{ receiveIdType: 'reply_to', receiveId: config.replyTo }]
      : [...config.receivers]
  // Serialised once for every target (§3.1: content is a JSON string).
  const content = JSON.stringify(message.content)
  const requestFor = (target: AppTarget) =>
    appRequest(config.baseUrl, target, {
      msgType: message.msgType,
      content,
      replyInThread: config.replyInThread,
      uuid: messageUuid({ given: config.uuid, receiver: target, receiverCount: targets.length, body: content, env }),
    })

  if (config.dryRun)
    return printDryRun({ hasCredentials: config.appId !== '', baseUrl: config.baseUrl, targets, message, requestFor })
  const client = new FeishuClient({
    baseUrl: config.baseUrl,
    appId: config.appId,
    appSecret: config.appSecret,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    proxy: config.proxy.url,
    onSecret: core.setSecret,
    log: core.info,
    debug: core.debug,
  })
  try {
    return await deliver({ client, targets, requestFor })
  } finally {
    await client.close()
  }
}
