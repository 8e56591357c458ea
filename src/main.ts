// The action: inputs -> compose -> deliver -> report, with one try/catch that fails the step.

import * as core from '@actions/core'
import { composeMessage } from './compose.js'
import { deliver } from './deliver.js'
import { printDryRun } from './dry-run.js'
import { FeishuClient } from './feishu-client.js'
import { describeProxy } from './http.js'
import { builtinVariables } from './github-context.js'
import { readConfig } from './inputs.js'
import type { Receiver } from './receivers.js'
import { reportDelivery, setOutputs } from './report.js'
import { messageUuid } from './uuid.js'

export async function run(env: Record<string, string | undefined> = process.env): Promise<void> {
  try {
    const config = await readConfig(env)
    const message = composeMessage(config, builtinVariables(env))
    const uuidFor = (receiver: Receiver, body: string): string =>
      messageUuid({ given: config.uuid, receiver, receiverCount: config.receivers.length, body, env })
    const proxy = describeProxy(config.proxy, env)
    core.info(`Sending ${message.msgType === 'interactive' ? 'a card' : `a ${message.msgType} message`} (from \`${message.input}\`) to ${config.receivers.length} receiver(s) via ${config.baseUrl}${proxy ? `, ${proxy}` : ''}`)

    if (config.dryRun) {
      setOutputs(printDryRun({ hasCredentials: config.appId !== '', baseUrl: config.baseUrl, receivers: config.receivers, message, uuidFor }))
      return
    }

    const client = new FeishuClient({
      baseUrl: config.baseUrl, appId: config.appId, appSecret: config.appSecret, timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries, proxy: config.proxy.url, onSecret: core.setSecret, log: core.info, debug: core.debug,
    })
    try {
      const results = await deliver({ client, receivers: config.receivers, message, uuidFor })
      reportDelivery(results, config.failOnError)
    } finally {
      await client.close()
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
