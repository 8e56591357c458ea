// The action, wired: inputs -> the run's context -> compose -> deliver -> report, with one
// try/catch that fails the step. The job summary is written on every path, success or failure,
// unless `summary` is false. The runner's functions and the environment come in as arguments, so
// the whole flow runs in tests with plain data.

import { actionsRunner, type Environment, type Runner } from './base/runner.js'
import { composeMessage, type OutgoingMessage } from './compose/message.js'
import { FeishuClient } from './feishu/client.js'
import { deliver, deliverByWebhook, type DeliveryResult } from './feishu/deliver.js'
import { shownHookUrl } from './feishu/hook-url.js'
import { describeProxy } from './feishu/http.js'
import { planAppDelivery } from './feishu/plan.js'
import { WebhookClient } from './feishu/webhook-client.js'
import { readRunContext, stepIdentity } from './github/context.js'
import { readConfig, type Config } from './inputs/config.js'
import { printDryRun, printWebhookDryRun } from './report/dry-run.js'
import { reportDelivery, reportOutputProblem, setOutputs } from './report/outputs.js'
import { writeSummary, type SummaryInput } from './report/summary.js'

export async function run(env: Environment = process.env, runner: Runner = actionsRunner): Promise<void> {
  let summary: SummaryInput | undefined
  let summaryWanted = true
  try {
    const config = await readConfig(env, runner)
    summaryWanted = config.summary
    const message = await composeMessage(config, await readRunContext(env, (line) => runner.warning(line)))
    const proxy = describeProxy(config.proxy, env)
    runner.info(`${describePlan(config, message)}${proxy ? `, ${proxy}` : ''}`)
    const results =
      config.mode === 'webhook'
        ? await byWebhook(runner, config, message, env)
        : await byApp(runner, config, message, env)
    summary = { results, message, dryRun: config.dryRun }
    const outputProblem = config.dryRun
      ? reportOutputProblem(runner, setOutputs(runner, results), results, config.failOnError, true)
      : reportDelivery(runner, results, config.failOnError)
    if (outputProblem) summary = { ...summary, outputProblem }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    summary ??= { failure: text }
    // Read again after a failure, since readConfig may have failed before reading it.
    summaryWanted = summaryWanted && runner.getInput('summary').toLowerCase() !== 'false'
    runner.setFailed(text)
  } finally {
    if (summary && summaryWanted) await writeSummary(runner, summary)
  }
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

async function byWebhook(
  runner: Runner,
  config: Config,
  message: OutgoingMessage,
  env: Environment,
): Promise<DeliveryResult[]> {
  if (config.dryRun) {
    return printWebhookDryRun(runner, { webhookUrl: config.webhookUrl, secret: config.webhookSecret, message, env })
  }
  const client = new WebhookClient({
    webhookUrl: config.webhookUrl,
    secret: config.webhookSecret,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    proxy: config.proxy.url,
    log: (line) => runner.info(line),
    debug: (line) => runner.debug(line),
  })
  try {
    return await deliverByWebhook(client, message)
  } finally {
    await client.close()
  }
}

async function byApp(
  runner: Runner,
  config: Config,
  message: OutgoingMessage,
  env: Environment,
): Promise<DeliveryResult[]> {
  const plan = planAppDelivery({ ...config, message, step: stepIdentity(env) })
  if (config.dryRun) {
    return printDryRun(runner, { hasCredentials: config.appId !== '', baseUrl: config.baseUrl, plan, message, env })
  }
  const client = new FeishuClient({
    baseUrl: config.baseUrl,
    appId: config.appId,
    appSecret: config.appSecret,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    proxy: config.proxy.url,
    onSecret: (secret) => runner.setSecret(secret),
    log: (line) => runner.info(line),
    debug: (line) => runner.debug(line),
  })
  try {
    return await deliver({ client, plan, progress: (line) => runner.info(line) })
  } finally {
    await client.close()
  }
}
