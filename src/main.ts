// The action: inputs -> compose -> deliver -> report, with one try/catch that fails the step.

import * as core from '@actions/core'
import { composeMessage, type OutgoingMessage } from './compose.js'
import { deliver, deliverByWebhook } from './deliver.js'
import { printDryRun, printWebhookDryRun } from './dry-run.js'
import { appRequest, FeishuClient } from './feishu-client.js'
import { describeProxy } from './http.js'
import { builtinVariables } from './github-context.js'
import { readConfig, type Config } from './inputs.js'
import type { AppTarget } from './receivers.js'
import { reportDelivery, setOutputs } from './report.js'
import { messageUuid } from './uuid.js'
import { WebhookClient } from './webhook-client.js'
import { shownHookUrl } from './webhook-url.js'

export async function run(env: Record<string, string | undefined> = process.env): Promise<void> {
  try {
    const config = await readConfig(env)
    const message = composeMessage(config, builtinVariables(env))
    const proxy = describeProxy(config.proxy, env)
    core.info(`${describePlan(config, message)}${proxy ? `, ${proxy}` : ''}`)
    if (config.mode === 'webhook') await byWebhook(config, message)
    else await byApp(config, message, env)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** One line saying what the step does and the host it does it on (never a hook token). */
function describePlan(config: Config, message: OutgoingMessage): string {
  const what = message.msgType === 'interactive' ? 'a card' : `a ${message.msgType} message`
  const from = `(from \`${message.input}\`)`
  if (config.mode === 'webhook') return `Sending ${what} ${from} by custom bot webhook ${shownHookUrl(config.webhookUrl)}`
  if (config.updateMessageId) return `Updating card ${config.updateMessageId} with ${what} ${from} via ${config.baseUrl}`
  if (config.replyTo) return `Replying to ${config.replyTo}${config.replyInThread ? ' in its thread' : ''} with ${what} ${from} via ${config.baseUrl}`
  return `Sending ${what} ${from} to ${config.receivers.length} receiver(s) via ${config.baseUrl}`
}

async function byWebhook(config: Config, message: OutgoingMessage): Promise<void> {
  if (config.dryRun) {
    setOutputs(printWebhookDryRun({ webhookUrl: config.webhookUrl, secret: config.webhookSecret, message }))
    return
  }
  const client = new WebhookClient({
    webhookUrl: config.webhookUrl, secret: config.webhookSecret, timeoutMs: config.timeoutMs, maxRetries: config.maxRetries,
    proxy: config.proxy.url, log: core.info, debug: core.debug,
  })
  try {
    reportDelivery(await deliverByWebhook(client, message), config.failOnError)
  } finally {
    await client.close()
  }
}

async function byApp(config: Config, message: OutgoingMessage, env: Record<string, string | undefined>): Promise<void> {
  const targets: AppTarget[] = config.updateMessageId
    ? [{ receiveIdType: 'update_message_id', receiveId: config.updateMessageId }]
    : config.replyTo ? [{ receiveIdType: 'reply_to', receiveId: config.replyTo }] : [...config.receivers]
  // Serialised once for every target (§3.1: content is a JSON string).
  const content = JSON.stringify(message.content)
  const requestFor = (target: AppTarget) => appRequest(config.baseUrl, target, {
    msgType: message.msgType, content, replyInThread: config.replyInThread,
    uuid: messageUuid({ given: config.uuid, receiver: target, receiverCount: targets.length, body: content, env }),
  })

  if (config.dryRun) {
    setOutputs(printDryRun({ hasCredentials: config.appId !== '', baseUrl: config.baseUrl, targets, message, requestFor }))
    return
  }
  const client = new FeishuClient({
    baseUrl: config.baseUrl, appId: config.appId, appSecret: config.appSecret, timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries, proxy: config.proxy.url, onSecret: core.setSecret, log: core.info, debug: core.debug,
  })
  try {
    reportDelivery(await deliver({ client, targets, requestFor }), config.failOnError)
  } finally {
    await client.close()
  }
}
