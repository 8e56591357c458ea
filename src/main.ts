// The action, wired: inputs -> the run's context -> compose -> deliver -> report, with one
// try/catch that fails the step. The job summary is written on every path, success or failure,
// unless `summary` is false. The runner's functions and the environment come in as arguments, so
// the whole flow runs in tests with plain data.

import { failureOf } from './base/errors.js'
import { manualCancellation, watchSignals, type Cancellation, type SignalSource } from './base/cancel.js'
import { cancelBackstop } from './base/cancel-backstop.js'
import { actionsRunner, type Environment, type Runner } from './base/runner.js'
import { composeMessage, type OutgoingMessage } from './compose/message.js'
import { FeishuClient } from './feishu/client.js'
import { deliver, deliverByWebhook, type DeliveryResult } from './feishu/deliver.js'
import { shownHookUrl } from './feishu/hook-url.js'
import { describeProxy } from './feishu/http.js'
import { planAppDelivery } from './feishu/plan.js'
import { WEBHOOK_TARGET } from './feishu/targets.js'
import { WebhookClient } from './feishu/webhook-client.js'
import { apiNeeds, skipReason } from './compose/send-when.js'
import { batchGetIdRequests, lookUpOpenIds, type Lookup } from './feishu/contacts.js'
import { readBuildFacts } from './github/api.js'
import { readRunContext, stepIdentity, type RunContext } from './github/context.js'
import { boundingMentions, lookupsOf, planMentions, settleMentions } from './github/people.js'
import { conclusionStatus, statusOfJobs, type BuildFacts } from './github/run-facts.js'
import type { TestFacts } from './github/test-reports/results.js'
import { readConfig, type Config, type Status } from './inputs/config.js'
import { printDryRun, printWebhookDryRun } from './report/dry-run.js'
import { logMentions } from './report/mentions.js'
import { reportDelivery, reportOutputProblem, setOutputs } from './report/outputs.js'
import { writeSummary, type SummaryInput } from './report/summary.js'
import { cancelledLine } from './report/cancelled.js'

export interface RunOptions {
  /** Where SIGINT/SIGTERM come from: the process, or a stand-in in tests. */
  signals?: SignalSource
  /** How the backstop ends a cancelled run that does not finish in time: process.exit. */
  exit?: (code: number) => void
}

export async function run(
  env: Environment = process.env,
  runner: Runner = actionsRunner,
  options: RunOptions = {},
): Promise<void> {
  // CANCELLATION: the one place the runner's SIGINT/SIGTERM are watched. From then on Node no longer
  // exits on them: every phase that waits or sends is given `cancellation` and stops starting work,
  // requests in flight get CANCEL_GRACE_MS, the step reports what it knows and fails; the backstop
  // exits if anything still holds it.
  const watched = watchSignals(options.signals)
  const cancellation = watched.cancellation
  const backstop = cancelBackstop(cancellation, { onExpire: (line) => runner.setFailed(line), exit: options.exit })
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
        // Never cancelled: after a cancel the gate still updates its card (it watches the signals itself).
        makeClient: () => appClient(runner, config, manualCancellation()),
      })
      return
    }
    // Before any request: a report path outside the workspace is an input error.
    const tests = config.testResults.length ? await readTests(runner, config, env) : undefined
    // Who to mention, before compose: ids as given, the rest looked up with the app's token (§14.1).
    const people = planMentions(config.mentions, config.users, context, config.mode)
    const lookups = lookupsOf(people)
    // Personal data: should anything repeat an address or number, the runner shows *** instead.
    for (const lookup of lookups) runner.setSecret('email' in lookup ? lookup.email : lookup.mobile)
    if (readsGitHub(config)) {
      // Every input error before the first request, the GitHub API's included: composed once without the run's facts.
      await composeMessage({ ...config, mentions: boundingMentions(people) }, context, {})
    }
    const facts = withTests(await readFacts(runner, config, context, env, cancellation), tests)
    const status = runStatus(config, context, facts)
    const skipped = skipReason(config, status, facts.previous)
    if (skipped) {
      runner.info(skipped)
      runner.setOutput('skipped', 'true')
      summary = { skipped, tests }
      return
    }
    if (config.mode === 'app' && !config.dryRun && lookups.length) {
      // Every input error before the first request: composed once with room for each mention either way.
      await composeMessage({ ...config, status, mentions: boundingMentions(people) }, context, facts)
    }
    if (config.mode === 'app' && !config.dryRun) client = appClient(runner, config, cancellation)
    const answers = client && lookups.length ? await lookUpOpenIds(client, config.baseUrl, lookups) : undefined
    const { mentions, outcomes } = settleMentions(people, config.dryRun ? undefined : (answers ?? new Map()))
    // Files (issue 20): uploaded before the message that names their keys; loaded only when a step names files.
    const files = config.files ? await import('./report/attachments.js') : undefined
    // Every input error before the first upload: composed once with stand-ins for the image keys.
    if (files && !config.dryRun) await composeMessage({ ...config, status, mentions }, context, facts)
    if (files && !config.dryRun) client ??= appClient(runner, config, cancellation)
    const uploaded =
      files && client ? await files.uploadStepFiles({ runner, config, client, context, cancellation }) : undefined
    const message = await composeMessage(
      { ...config, status, mentions, imageKeys: uploaded?.imageKeys },
      context,
      facts,
    )
    const proxy = describeProxy(config.proxy, env)
    runner.info(`${describePlan(config, message)}${proxy ? `, ${proxy}` : ''}`)
    logMentions(runner, outcomes, config.dryRun)
    if (files && config.dryRun) await files.printFilesDryRun(runner, config)
    const after = files && uploaded ? files.attachmentSender({ config, uploaded, env, cancellation }) : undefined
    // The built-in card shows the tests itself; the preview of any other card gets them underneath.
    const previewTests = message.input === 'preset' ? undefined : tests
    const results =
      config.mode === 'webhook'
        ? await byWebhook(runner, config, message, env, cancellation, after, previewTests)
        : await byApp(runner, config, message, env, client, lookups, cancellation, after, previewTests)
    const cancelled = config.dryRun ? undefined : cancellation.reason
    // The job summary is in English: a built-in card sent in another language alone is shown in English there.
    const shown =
      message.input === 'preset' && config.language !== 'auto' && config.language !== 'en_us'
        ? await composeMessage({ ...config, status, mentions, language: 'en_us' }, context, facts)
        : message
    summary = {
      results,
      message: shown,
      dryRun: config.dryRun,
      mentions: outcomes,
      uploads: uploaded?.records,
      tests,
      ...(cancelled ? { cancelled: cancelledLine(results, cancelled) } : {}),
    }
    if (files) files.setUploadsOutput(runner, uploaded?.records ?? [])
    const outputProblem = config.dryRun
      ? reportOutputProblem(runner, setOutputs(runner, results), results, config.failOnError, true)
      : reportDelivery(runner, results, config.failOnError, cancelled)
    if (outputProblem) summary = { ...summary, outputProblem }
  } catch (error) {
    // An error the action explains is its own line; anything else is a bug, said so, its stack in the debug log.
    const { line: text, stack } = failureOf(error)
    if (stack) runner.debug(stack)
    summary ??= { failure: text }
    // Read again after a failure, since readConfig may have failed before reading it.
    summaryWanted = summaryWanted && runner.getInput('summary').toLowerCase() !== 'false'
    runner.setFailed(text)
  } finally {
    await client?.close()
    if (summary && summaryWanted) await writeSummary(runner, summary)
    watched.stop()
    backstop.stop()
  }
}

/** Whether the step reads the GitHub API: the message or the decision to send needs it, and there is a token. */
function readsGitHub(config: Config): boolean {
  const needs = apiNeeds(config)
  return Boolean(config.githubToken) && (needs.jobs || needs.duration || needs.previous)
}

/** What the GitHub API says about the run, when the message needs it; a warning, never a failure, when it cannot. */
async function readFacts(
  runner: Runner,
  config: Config,
  context: RunContext,
  env: Environment,
  cancellation: Cancellation,
): Promise<BuildFacts> {
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
    cancel: cancellation.signal,
  })
  if (warning) runner.warning(warning)
  else if (needs.previous && facts.previous === null)
    runner.info(
      'No earlier completed run of this workflow on this branch (or for this pull request) to compare with: cancelled and skipped runs are passed over; sending as for a first run.',
    )
  if (!warning && facts.jobs) runner.debug(`Read ${facts.jobs.length} job(s) of the run from the GitHub API.`)
  return facts
}

/** The `test-results` reports, read by a chunk loaded only then (the XML parser with it). */
async function readTests(runner: Runner, config: Config, env: Environment): Promise<TestFacts> {
  const { readTestReports } = await import('./github/test-reports/index.js')
  const tests = await readTestReports({
    lines: config.testResults,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    warn: (line) => runner.warning(line),
  })
  runner.info(
    `Read ${tests.total} test(s) from ${tests.files} report(s): ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped, ${tests.flaky} flaky.`,
  )
  return tests
}

function withTests(facts: BuildFacts, tests: TestFacts | undefined): BuildFacts {
  return tests ? { ...facts, tests } : facts
}

/**
 * `status`, or with `status: auto` the run's, from its jobs (failure when a reported test failed);
 * on workflow_run events the triggering run's conclusion.
 */
function runStatus(config: Config, context: RunContext, facts: BuildFacts): Status {
  if (config.statusAuto && facts.tests && facts.tests.failed > 0) return 'failure'
  if (config.statusAuto && facts.jobs && !context.triggeringRun) return statusOfJobs(facts.jobs, facts.ownFailedStep)
  if (config.status || !context.triggeringRun) return config.status
  return conclusionStatus(context.triggeringRun.conclusion)
}

/** One line saying what the step does and the host it does it on (never a hook token). */
function describePlan(config: Config, message: OutgoingMessage): string {
  const what = config.files?.only
    ? `${config.files.attachments.length} file(s) and no message`
    : message.msgType === 'interactive'
      ? 'a card'
      : `a ${message.msgType} message`
  const from = `(from \`${message.input}\`)`
  if (config.mode === 'webhook')
    return `Sending ${what} ${from} by custom bot webhook ${shownHookUrl(config.webhookUrl)}`
  if (config.updateMessageId)
    return `Updating card ${config.updateMessageId} with ${what} ${from} via ${config.baseUrl}`
  if (config.replyTo)
    return `Replying to ${config.replyTo}${config.replyInThread ? ' in its thread' : ''} with ${what} ${from} via ${config.baseUrl}`
  return `Sending ${what} ${from} to ${config.receivers.length} receiver(s) via ${config.baseUrl}`
}

/** What a step sends after its message (its files, report/attachments.ts), given the results and the client. */
type After = (results: DeliveryResult[], client: FeishuClient | WebhookClient) => Promise<DeliveryResult[]>

async function byWebhook(
  runner: Runner,
  config: Config,
  message: OutgoingMessage,
  env: Environment,
  cancellation: Cancellation,
  after?: After,
  tests?: TestFacts,
): Promise<DeliveryResult[]> {
  if (config.dryRun) {
    return printWebhookDryRun(runner, {
      webhookUrl: config.webhookUrl,
      secret: config.webhookSecret,
      message,
      env,
      language: config.language,
      ...(tests ? { tests } : {}),
    })
  }
  const client = new WebhookClient({
    webhookUrl: config.webhookUrl,
    secret: config.webhookSecret,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    proxy: config.proxy.url,
    log: (line) => runner.info(line),
    debug: (line) => runner.debug(line),
    cancellation,
  })
  try {
    const results = config.files?.only
      ? [{ receiver: WEBHOOK_TARGET, ok: true, messageId: '', chatId: '' }]
      : await deliverByWebhook(client, message)
    return after ? await after(results, client) : results
  } finally {
    await client.close()
  }
}

/** The app bot's client: one per run, so lookups and sends share one tenant token (§1.1). */
function appClient(runner: Runner, config: Config, cancellation: Cancellation): FeishuClient {
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
    cancellation,
  })
}

async function byApp(
  runner: Runner,
  config: Config,
  message: OutgoingMessage,
  env: Environment,
  client: FeishuClient | undefined,
  lookups: readonly Lookup[],
  cancellation: Cancellation,
  after?: After,
  tests?: TestFacts,
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
      language: config.language,
      ...(tests ? { tests } : {}),
    })
  }
  const results = config.files?.only
    ? plan.targets.map((receiver) => ({ receiver, ok: true, messageId: '', chatId: '' }))
    : await deliver({ client, plan, progress: (line) => runner.info(line), cancellation })
  return after ? after(results, client) : results
}
