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
import { apiNeeds, skipReason } from './compose/send-when.js'
import { batchGetIdRequests, lookUpOpenIds, type Lookup } from './feishu/contacts.js'
import { readBuildFacts } from './github/api.js'
import { readRunContext, stepIdentity, type RunContext } from './github/context.js'
import { boundingMentions, lookupsOf, planMentions, settleMentions } from './github/people.js'
import { conclusionStatus, statusOfJobs, type BuildFacts } from './github/run-facts.js'
import { readConfig, type Config, type Status } from './inputs/config.js'
import { printDryRun, printWebhookDryRun } from './report/dry-run.js'
import { logMentions } from './report/mentions.js'
import { reportDelivery, reportOutputProblem, setOutputs } from './report/outputs.js'
import { writeSummary, type SummaryInput } from './report/summary.js'

export async function run(env: Environment = process.env, runner: Runner = actionsRunner): Promise<void> {
  let summary: SummaryInput | undefined
  let summaryWanted = true
  let client: FeishuClient | undefined
  try {
    const config = await readConfig(env, runner)
    summaryWanted = config.summary
    const context = await readRunContext(env, (line) => runner.warning(line))
    // Approval gate (issue 23): a step with `approvers` sends one card and waits for the answer
    // (approval/gate.ts, its own chunk, which also installs the SIGINT/SIGTERM watch for its wait).
    if (config.approval) {
      const { runApprovalGate } = await import('./approval/gate.js')
      const gate = { ...config, approval: config.approval }
      summary = await runApprovalGate({
        runner,
        config: gate,
        context,
        env,
        makeClient: () => appClient(runner, config),
      })
      return
    }
    // Who to mention, before compose: ids as given, the rest looked up with the app's token (§14.1).
    const people = planMentions(config.mentions, config.users, context, config.mode)
    const lookups = lookupsOf(people)
    // Personal data: should anything repeat an address or number, the runner shows *** instead.
    for (const lookup of lookups) runner.setSecret('email' in lookup ? lookup.email : lookup.mobile)
    if (readsGitHub(config)) {
      // Every input error before the first request, the GitHub API's included: composed once without the run's facts.
      await composeMessage({ ...config, mentions: boundingMentions(people) }, context, {})
    }
    const facts = await readFacts(runner, config, context, env)
    const status = runStatus(config, context, facts)
    const skipped = skipReason(config, status, facts.previous)
    if (skipped) {
      runner.info(skipped)
      runner.setOutput('skipped', 'true')
      summary = { skipped }
      return
    }
    if (config.mode === 'app' && !config.dryRun && lookups.length) {
      // Every input error before the first request: composed once with room for each mention either way.
      await composeMessage({ ...config, status, mentions: boundingMentions(people) }, context, facts)
    }
    if (config.mode === 'app' && !config.dryRun) client = appClient(runner, config)
    const answers = client && lookups.length ? await lookUpOpenIds(client, config.baseUrl, lookups) : undefined
    const { mentions, outcomes } = settleMentions(people, config.dryRun ? undefined : (answers ?? new Map()))
    const message = await composeMessage({ ...config, status, mentions }, context, facts)
    const proxy = describeProxy(config.proxy, env)
    runner.info(`${describePlan(config, message)}${proxy ? `, ${proxy}` : ''}`)
    logMentions(runner, outcomes, config.dryRun)
    const results =
      config.mode === 'webhook'
        ? await byWebhook(runner, config, message, env)
        : await byApp(runner, config, message, env, client, lookups)
    // The job summary is in English: a built-in card sent in another language alone is shown in English there.
    const shown =
      message.input === 'preset' && config.language !== 'auto' && config.language !== 'en_us'
        ? await composeMessage({ ...config, status, mentions, language: 'en_us' }, context, facts)
        : message
    summary = { results, message: shown, dryRun: config.dryRun, mentions: outcomes }
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
    await client?.close()
    if (summary && summaryWanted) await writeSummary(runner, summary)
  }
}

/** Whether the step reads the GitHub API: the message or the decision to send needs it, and there is a token. */
function readsGitHub(config: Config): boolean {
  const needs = apiNeeds(config)
  return Boolean(config.githubToken) && (needs.jobs || needs.duration || needs.previous)
}

/** What the GitHub API says about the run, when the message needs it; a warning, never a failure, when it cannot. */
async function readFacts(runner: Runner, config: Config, context: RunContext, env: Environment): Promise<BuildFacts> {
  const needs = apiNeeds(config)
  if (!needs.jobs && !needs.duration && !needs.previous) return {}
  if (!config.githubToken) {
    const why =
      'Sending without the job list and the previous run: `github-token` is empty; leave it at its default, ${{ github.token }}, with `permissions: actions: read`.'
    if (config.statusAuto || config.onSuccess === 'change' || config.onFailure === 'change') runner.warning(why)
    else runner.debug(why)
    return {}
  }
  const { facts, warning } = await readBuildFacts({
    env,
    context,
    token: config.githubToken,
    timeoutMs: config.timeoutMs,
    needs,
  })
  if (warning) runner.warning(warning)
  else if (facts.jobs) runner.debug(`Read ${facts.jobs.length} job(s) of the run from the GitHub API.`)
  return facts
}

/** `status`, or with `status: auto` the run's, from its jobs; on workflow_run events the triggering run's conclusion. */
function runStatus(config: Config, context: RunContext, facts: BuildFacts): Status {
  if (config.statusAuto && facts.jobs && !context.triggeringRun) return statusOfJobs(facts.jobs, facts.ownFailedStep)
  if (config.status || !context.triggeringRun) return config.status
  return conclusionStatus(context.triggeringRun.conclusion)
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

/** The app bot's client: one per run, so lookups and sends share one tenant token (§1.1). */
function appClient(runner: Runner, config: Config): FeishuClient {
  return new FeishuClient({
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
}

async function byApp(
  runner: Runner,
  config: Config,
  message: OutgoingMessage,
  env: Environment,
  client: FeishuClient | undefined,
  lookups: readonly Lookup[],
): Promise<DeliveryResult[]> {
  const plan = planAppDelivery({ ...config, message, step: stepIdentity(env) })
  if (config.dryRun || !client) {
    return printDryRun(runner, {
      hasCredentials: config.appId !== '',
      baseUrl: config.baseUrl,
      plan,
      message,
      env,
      lookups: batchGetIdRequests(config.baseUrl, lookups),
    })
  }
  return deliver({ client, plan, progress: (line) => runner.info(line) })
}
