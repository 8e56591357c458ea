// The action: inputs -> compose -> deliver -> report, with one try/catch that fails the step.
// The job summary is written on every path, success or failure, unless `summary` is false.

import * as core from '@actions/core'
import { composeMessage, type OutgoingMessage } from './compose.js'
import { deliver, type DeliveryResult } from './deliver.js'
import { printDryRun } from './dry-run.js'
import { FeishuClient } from './feishu-client.js'
import { describeProxy } from './http.js'
import { readRunContext } from './github-context.js'
import { readConfig } from './inputs.js'
import type { Receiver } from './receivers.js'
import { reportDelivery, setOutputs } from './report.js'
import { writeSummary, type SummaryInput } from './summary.js'
import { messageUuid } from './uuid.js'

export async function run(env: Record<string, string | undefined> = process.env): Promise<void> {
  let summary: SummaryInput | undefined
  let summaryWanted = true
  try {
    const config = await readConfig(env)
    summaryWanted = config.summary
    const message: OutgoingMessage = await composeMessage(config, await readRunContext(env))
    const uuidFor = (receiver: Receiver, body: string): string =>
      messageUuid({ given: config.uuid, receiver, receiverCount: config.receivers.length, body, env })
    const proxy = describeProxy(config.proxy, env)
    core.info(`Sending ${message.msgType === 'interactive' ? 'a card' : `a ${message.msgType} message`} (from \`${message.input}\`) to ${config.receivers.length} receiver(s) via ${config.baseUrl}${proxy ? `, ${proxy}` : ''}`)

    if (config.dryRun) {
      const results = printDryRun({ hasCredentials: config.appId !== '', baseUrl: config.baseUrl, receivers: config.receivers, message, uuidFor })
      setOutputs(results)
      summary = { results, message, dryRun: true }
      return
    }

    const client = new FeishuClient({
      baseUrl: config.baseUrl, appId: config.appId, appSecret: config.appSecret, timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries, proxy: config.proxy.url, onSecret: core.setSecret, log: core.info, debug: core.debug,
    })
    let results: DeliveryResult[]
    try {
      results = await deliver({ client, receivers: config.receivers, message, uuidFor })
    } finally {
      await client.close()
    }
    summary = { results, message }
    reportDelivery(results, config.failOnError)
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
function summaryInputIsOn(env: Record<string, string | undefined>): boolean {
  return (env.INPUT_SUMMARY ?? '').trim().toLowerCase() !== 'false'
}
