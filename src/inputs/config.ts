// Reads every input once into a frozen Config and checks every rule between inputs, so that
// each mistake in a workflow is reported before any network call, in one line naming the input.
// Secrets are masked here, before anything else can log.

import { bounded } from '../base/bounded.js'
import type { Environment, Runner } from '../base/runner.js'
import { isSecureOrLoopback, isWebUrl } from '../base/urls.js'
import { hookBase, hookToken } from '../feishu/hook-url.js'
import { MESSAGE_ID, type Receiver } from '../feishu/targets.js'
import type { FilesInput } from './attachments.js'
import type { ApprovalConfig } from './approval.js'
import { readCardFile } from './card-file.js'
import { fileLines } from './workspace-files.js'
import { InputError, shown } from './errors.js'
import { checkIdLength } from './ids.js'
import {
  checkWebhookMentions,
  readMentionInput,
  readUsersInput,
  type MentionRequest,
  type UserMap,
} from './mentions.js'
import { readReceivers } from './receivers.js'
import { parseMapping, parseStructured } from './structured.js'
import { hookTokenIn, resolveWebhookUrl } from './webhook.js'

export type Content =
  | { readonly kind: 'text'; readonly input: 'text'; readonly text: string }
  | { readonly kind: 'post'; readonly input: 'post'; readonly post: unknown }
  | { readonly kind: 'card'; readonly input: 'card' | 'card-file'; readonly card: unknown }
  | {
      readonly kind: 'template'
      readonly input: 'template-id'
      readonly templateId: string
      readonly templateVersion: string
    }
  /** A built-in card, made from the event when no content input is given. */
  | { readonly kind: 'preset'; readonly input: 'preset'; readonly preset: Preset }

type Preset = 'release' | 'workflow'

/** What `${{ job.status }}` gives, and '' for "no status yet". */
const STATUSES = ['success', 'failure', 'cancelled', 'skipped'] as const
export type Status = (typeof STATUSES)[number] | ''

export interface Config {
  /** app: the app's bot, through the Open API; webhook: a group's custom bot (§7). */
  readonly mode: 'app' | 'webhook'
  readonly appId: string
  readonly appSecret: string
  /**
   * API base URL without trailing slash, e.g. https://open.feishu.cn. In webhook mode, the part
   * of the hook URL before /open-apis: the host actually used.
   */
  readonly baseUrl: string
  /** Webhook mode: the full hook URL to post to. A credential, masked; '' in app mode. */
  readonly webhookUrl: string
  /** Webhook mode: the signing secret (masked); '' when requests are not signed. */
  readonly webhookSecret: string
  /** App mode: the card (om_...) to update in place instead of sending; '' when not updating. */
  readonly updateMessageId: string
  /** App mode: the message (om_...) to reply to; '' when not replying. */
  readonly replyTo: string
  /** With replyTo: reply in the message's thread. */
  readonly replyInThread: boolean
  /** Who gets a new message (app mode, no update or reply); empty otherwise. */
  readonly receivers: readonly Receiver[]
  readonly content: Content
  /** The `variables` mapping as parsed (types kept), or undefined when not given. */
  readonly variables: Readonly<Record<string, unknown>> | undefined
  /** The `untrusted-variables` mapping: text someone else wrote, filled in as text only; undefined when not given. */
  readonly untrustedVariables: Readonly<Record<string, string>> | undefined
  readonly uuid: string
  readonly dryRun: boolean
  readonly failOnError: boolean
  readonly timeoutMs: number
  readonly maxRetries: number
  /** The proxy for requests to `baseUrl`: from the `proxy` input, else the environment; url '' when none. */
  readonly proxy: { readonly url: string; readonly source: string }
  readonly status: Status
  /** Replaces the built-in card's title; may hold ${name} placeholders. */
  readonly title: string
  /** The `mention` entries as written, each once (inputs/mentions.ts); resolved before compose. */
  readonly mentions: readonly MentionRequest[]
  /** The `users` input: GitHub login (lower case) -> Feishu person. */
  readonly users: UserMap
  /** Write the job summary. */
  readonly summary: boolean
  /** `status: auto`: the status is the run's, derived from its jobs (then `status` is ''). */
  readonly statusAuto: boolean
  /** The GitHub API token (masked); '' reads nothing from the API. */
  readonly githubToken: string
  /** When a success (onSuccess) or a failure or cancellation (onFailure) is sent. */
  readonly onSuccess: SendWhen
  readonly onFailure: SendWhen
  /** The built-in cards' language: every one of LANGUAGES (auto), or one. */
  readonly language: Language
  /** `attachments`, `images` and `oversize` (inputs/attachments.ts); undefined when no file is named. */
  readonly files: FilesInput | undefined
  /** The `test-results` lines (paths and patterns of JUnit XML reports); read by github/test-reports. */
  readonly testResults: readonly string[]
  /** The approval gate (inputs/approval.ts): set when `approvers` is; undefined for a plain send. */
  readonly approval?: ApprovalConfig
}

/** Travis CI's notification settings: always, only when the result changed, never. */
type SendWhen = 'always' | 'change' | 'never'
const LANGUAGES = ['zh_cn', 'en_us', 'ja_jp'] as const
export type Language = (typeof LANGUAGES)[number] | 'auto'

const DOMAINS: ReadonlyMap<string, string> = new Map([
  ['feishu', 'https://open.feishu.cn'],
  ['lark', 'https://open.larksuite.com'],
])

const CONTENT_INPUTS = ['text', 'post', 'card', 'card-file', 'template-id'] as const

export async function readConfig(env: Environment, runner: Runner): Promise<Config> {
  const input = (name: string): string => runner.getInput(name)
  const booleanInput = (name: string): boolean => readBoolean(runner, name)
  // Mask every credential before the first line of output.
  for (const name of ['app-secret', 'webhook', 'webhook-secret', 'github-token']) {
    const value = input(name)
    if (value) runner.setSecret(value)
  }
  maskHookToken(runner, input('webhook'))
  for (const proxy of [input('proxy'), env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY])
    maskProxyCredentials(runner, proxy)

  const dryRun = booleanInput('dry-run')
  const failOnError = booleanInput('fail-on-error')
  const appId = input('app-id')
  const appSecret = input('app-secret')
  const webhook = input('webhook')
  const webhookSecret = input('webhook-secret')
  const mode = webhook ? 'webhook' : 'app'
  const domainUrl = resolveBaseUrl(input('domain'))
  let baseUrl = domainUrl
  let webhookUrl = ''
  if (mode === 'webhook') {
    // An app may upload images for a custom bot (inputs/attachments.ts checks both are given).
    if ((appId || appSecret) && !input('images') && !input('attachments'))
      throw new InputError(
        'webhook',
        `give either \`webhook\` (a group's custom bot) or \`app-id\` and \`app-secret\` (an app's bot), not both; \`${appId ? 'app-id' : 'app-secret'}\` is set too`,
      )
    webhookUrl = resolveWebhookUrl(webhook, domainUrl)
    if (webhookUrl !== webhook) runner.setSecret(webhookUrl)
    // However the input was written, the token as the requests will carry it.
    runner.setSecret(hookToken(webhookUrl))
    baseUrl = hookBase(webhookUrl)
    if (baseUrl !== domainUrl && input('domain').toLowerCase() !== 'feishu') {
      runner.warning(`Input \`domain\` is not used: the webhook URL names its own host (${baseUrl}).`)
    }
  } else {
    if (webhookSecret)
      throw new InputError(
        'webhook-secret',
        "is set but `webhook` is not; give the custom bot's hook URL in `webhook`, or remove `webhook-secret`",
      )
    if (appId && !appSecret)
      throw new InputError('app-secret', 'is empty but `app-id` is set; give both (as repository secrets)')
    if (appSecret && !appId)
      throw new InputError('app-id', 'is empty but `app-secret` is set; give both (as repository secrets)')
    if (!appId && !dryRun)
      throw new InputError(
        'app-id',
        "app-id and app-secret (an app's bot), or webhook (a group's custom bot), are required; store them as repository secrets (in a pull request from a fork, secrets are empty)",
      )
    if (appId && !appId.startsWith('cli_'))
      runner.warning(
        `Input \`app-id\` does not start with cli_; App IDs of self-built apps usually do. Check it is not the secret.`,
      )
  }

  const { updateMessageId, replyTo, replyInThread } = readTarget(input, booleanInput, mode)
  const receivers = readAllReceivers(
    runner,
    mode === 'webhook' ? 'webhook' : updateMessageId ? 'update-message-id' : replyTo ? 'reply-to' : '',
  )

  checkBlankContent(env)
  const content = await readContent(input, env)
  const statusAuto = input('status').trim().toLowerCase() === 'auto'
  const status = statusAuto ? '' : readStatus(input('status'))
  const title = input('title')
  if (title && content.kind !== 'preset')
    throw new InputError(
      'title',
      `replaces the title of the built-in cards, and \`${content.input}\` is given; put the title into your ${content.kind === 'text' ? 'text' : content.kind}`,
    )
  const { mentions, users } = await readPeople(input, mode)
  if (mentions.length && (content.kind === 'card' || content.kind === 'template')) {
    throw new InputError(
      'mention',
      `works with text, post and the built-in cards; in your own card write <at id=ou_...></at> into a markdown element${content.kind === 'template' ? ', or pass the open_id as a Person variable of the template' : ''}`,
    )
  }
  if (updateMessageId && (content.kind === 'text' || content.kind === 'post')) {
    throw new InputError(
      content.input,
      'cannot update a message: only cards can be updated; with `update-message-id` give card, card-file or template-id, or no content input for the built-in card',
    )
  }
  const variablesSource = input('variables')
  const variables = variablesSource ? await parseMapping(variablesSource, 'variables') : undefined
  if (variables) checkVariableNames(variables)
  const untrustedVariables = await readUntrustedVariables(input('untrusted-variables'), variables)

  const uuid = input('uuid')
  if (uuid.length > 50) throw new InputError('uuid', `is ${uuid.length} characters long; Feishu accepts at most 50`)
  if (!/^[\x21-\x7e]*$/.test(uuid))
    throw new InputError(
      'uuid',
      'may only contain printable ASCII characters without spaces (letters, digits, - _ . and the like)',
    )
  if (uuid && mode === 'webhook')
    throw new InputError('uuid', 'custom bot webhooks take no idempotency key; remove `uuid`')
  if (uuid && updateMessageId)
    throw new InputError(
      'uuid',
      'a card update carries no uuid (updating to the same content twice is harmless); remove `uuid`',
    )

  const timeoutSeconds = readTimeout(input('timeout'))

  const retriesText = input('max-retries')
  const maxRetries = Number(retriesText)
  if (!/^\d+$/.test(retriesText) || maxRetries > 10)
    throw new InputError('max-retries', `"${retriesText}" is not a whole number from 0 to 10`)

  const proxy = resolveProxy(input('proxy'), baseUrl, env)
  const files =
    input('attachments') || input('images')
      ? await (
          await import('./attachments.js')
        ).readFilesInput({
          input,
          runner,
          workspace: env.GITHUB_WORKSPACE || process.cwd(),
          mode,
          hasApp: Boolean(appId && appSecret),
          updateMessageId,
          // `preset: auto` is the default: an explicit release or workflow asks for the built-in card too.
          noContent: content.kind === 'preset' && (input('preset').trim().toLowerCase() || 'auto') === 'auto',
          variableNames: [...Object.keys(variables ?? {}), ...Object.keys(untrustedVariables ?? {})],
        })
      : undefined
  // Approval gate (issue 23): its inputs and rules load only when one of them is set.
  const gateInputs = ['approvers', 'approvals', 'approval-timeout'].some(
    (name) => !['', '1', '1h'].includes(input(name)),
  )
  const approval =
    gateInputs || booleanInput('exclude-initiator')
      ? (await import('./approval.js')).readApprovalInputs(input, booleanInput, {
          mode,
          receivers,
          updateMessageId,
          replyTo,
          contentInput: content.input,
          preset: input('preset'),
        })
      : undefined

  return Object.freeze({
    mode,
    appId,
    appSecret,
    baseUrl,
    webhookUrl,
    webhookSecret,
    updateMessageId,
    replyTo,
    replyInThread,
    receivers: Object.freeze(receivers),
    content,
    variables,
    untrustedVariables,
    uuid,
    dryRun,
    failOnError,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    maxRetries,
    proxy,
    status,
    title,
    mentions: Object.freeze(mentions),
    users,
    summary: booleanInput('summary'),
    statusAuto,
    testResults: Object.freeze(fileLines(input('test-results'))),
    ...readRunReportInputs(input),
    files,
    ...(approval ? { approval } : {}),
  })
}

/**
 * Inputs of the build report: the GitHub token that reads the run's jobs, when to send
 * (on-success, on-failure) and the built-in cards' language. A workflow expression the runner did
 * not expand (`${{ github.token }}` outside a runner) is no token.
 */
function readRunReportInputs(
  input: (name: string) => string,
): Pick<Config, 'githubToken' | 'onSuccess' | 'onFailure' | 'language'> {
  const token = input('github-token')
  const githubToken = /^\$\{\{.*\}\}$/.test(token) ? '' : token
  if (/\s/.test(githubToken))
    throw new InputError(
      'github-token',
      'contains spaces or line breaks; give the token alone, e.g. ${{ github.token }}',
    )
  const sendWhen = (name: string): SendWhen => {
    const value = input(name).trim().toLowerCase() || 'always'
    if (value === 'always' || value === 'change' || value === 'never') return value
    throw new InputError(name, `"${input(name)}" is not always, change or never`)
  }
  const language = input('language').trim().toLowerCase().replace('-', '_') || 'auto'
  if (language !== 'auto' && !(LANGUAGES as readonly string[]).includes(language))
    throw new InputError('language', `"${input('language')}" is not auto, zh_cn, en_us or ja_jp`)
  return {
    githubToken,
    onSuccess: sendWhen('on-success'),
    onFailure: sendWhen('on-failure'),
    language: language as Language,
  }
}

/** The hook token is a credential in its own right: masked apart from the URL, even when the URL is malformed. */
function maskHookToken(runner: Runner, webhook: string): void {
  const token = hookTokenIn(webhook)
  if (!token) return
  runner.setSecret(token)
  try {
    const decoded = decodeURIComponent(token)
    if (decoded !== token) runner.setSecret(decoded)
  } catch {
    // Not percent-encoded: masked as it is.
  }
}

/**
 * update-message-id and reply-to name the message a step acts on. Only an app bot can: a custom
 * bot gets no message id back (§7.4), so it has nothing to update or reply to.
 */
function readTarget(
  input: (name: string) => string,
  booleanInput: (name: string) => boolean,
  mode: Config['mode'],
): Pick<Config, 'updateMessageId' | 'replyTo' | 'replyInThread'> {
  const updateMessageId = input('update-message-id')
  const replyTo = input('reply-to')
  const replyInThread = booleanInput('reply-in-thread')
  if (mode === 'webhook') {
    const why =
      'a custom bot webhook cannot update or reply to messages: Feishu gives custom bots no message id; use an app bot (app-id and app-secret) for that'
    if (updateMessageId) throw new InputError('update-message-id', why)
    if (replyTo) throw new InputError('reply-to', why)
    if (replyInThread) throw new InputError('reply-in-thread', why)
  }
  if (updateMessageId && replyTo)
    throw new InputError(
      'reply-to',
      'cannot be combined with `update-message-id`: a step either updates a card or replies to a message',
    )
  if (replyInThread && !replyTo) throw new InputError('reply-in-thread', 'is true but `reply-to` is not set')
  for (const [name, id] of [
    ['update-message-id', updateMessageId],
    ['reply-to', replyTo],
  ] as const) {
    if (id) checkIdLength(name, id, 'message id')
    if (id && !MESSAGE_ID.test(id))
      throw new InputError(
        name,
        `is not a message id: message ids start with om_ and hold only letters, digits, - and _ ("${shown(id)}"); use the message-id output of the step that sent it`,
      )
  }
  return { updateMessageId, replyTo, replyInThread }
}

/**
 * The receivers of a new message. A custom bot posts only into its own group, and an update or a
 * reply goes where its message is, so `targetInput` (the input that decides where the message
 * goes, when it is not chat-id/receive-id) rules the receiver inputs out.
 */
function readAllReceivers(runner: Runner, targetInput: '' | 'webhook' | 'update-message-id' | 'reply-to'): Receiver[] {
  const input = (name: string): string => runner.getInput(name)
  if (targetInput) {
    for (const name of ['chat-id', 'receive-id']) {
      if (!input(name)) continue
      throw new InputError(
        name,
        targetInput === 'webhook'
          ? `cannot be used with \`webhook\`: a custom bot posts only into the group it was added to; remove \`${name}\``
          : `cannot be used with \`${targetInput}\`: the message id is the target, in its own chat; remove \`${name}\``,
      )
    }
    return []
  }
  const { receivers, duplicates } = readReceivers(input('chat-id'), input('receive-id'))
  if (receivers.length === 0)
    throw new InputError('chat-id', 'no receiver given; set `chat-id` (oc_...) or `receive-id`')
  if (duplicates.length)
    runner.notice(`Receivers given more than once get the message once: ${bounded(duplicates.join(', '), 1000)}`)
  return receivers
}

/** A proxy URL may carry a user and password; they are credentials too. */
function maskProxyCredentials(runner: Runner, proxy: string | undefined): void {
  if (!proxy) return
  try {
    const url = new URL(withHttpScheme(proxy))
    if (url.password) {
      // Its spellings include the percent-decoded one; `user:password` is what a Basic
      // Proxy-Authorization header carries, base64-encoded.
      runner.setSecret(url.password)
      runner.setSecret(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)
    }
  } catch {
    // Not a URL: resolveProxy reports it, without repeating it, if it is the one in force.
  }
}

/** curl's reading of a proxy without a scheme: http://. */
function withHttpScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`
}

/**
 * The proxy requests to `baseUrl` go through: the `proxy` input, else https_proxy / HTTPS_PROXY
 * (http_proxy / HTTP_PROXY for an http base URL), lower case first as undici reads them. A value
 * without a scheme is taken as http://, as curl does; anything else that is not a URL is an error
 * here rather than a crash inside undici. NO_PROXY is left to undici.
 */
function resolveProxy(input: string, baseUrl: string, env: Environment): { url: string; source: string } {
  if (input) return { url: checkProxy(input, 'is not a proxy URL', 'proxy'), source: 'the `proxy` input' }
  const names = baseUrl.startsWith('https:') ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const name = names.find((candidate) => env[candidate])
  if (!name) return { url: '', source: '' }
  return {
    url: checkProxy(
      env[name]!,
      `comes from ${name} in the environment, which is not a proxy URL; fix it, or set \`proxy\` to override it`,
      'proxy',
    ),
    source: name,
  }
}

/** A proxy URL, with http:// added when no scheme is given; never repeats the value (it may hold a password). */
function checkProxy(proxy: string, problem: string, input: string): string {
  const withScheme = withHttpScheme(proxy)
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new InputError(input, `${problem} (write it as http://host:port or http://user:password@host:port)`)
  }
  if (!isWebUrl(url))
    throw new InputError(input, `${problem} ("${url.protocol}" proxies are not supported; use http:// or https://)`)
  if (!url.hostname) throw new InputError(input, `${problem} (no host)`)
  // The proxy client decodes the user and password: a bare % (as in 50%off) must be written %25.
  for (const part of [url.username, url.password]) {
    try {
      decodeURIComponent(part)
    } catch {
      throw new InputError(
        input,
        `${problem} (its user or password holds a % that does not start a %XX escape; write % as %25)`,
      )
    }
  }
  return withScheme
}

function readBoolean(runner: Runner, name: string): boolean {
  try {
    return runner.getBooleanInput(name)
  } catch (error) {
    throw new InputError(name, `"${runner.getInput(name)}" is not a boolean; use true or false`, { cause: error })
  }
}

/** `feishu`, `lark` or a base URL; https only, except http on loopback for tests and local runs. */
export function resolveBaseUrl(domain: string): string {
  const known = DOMAINS.get(domain.trim().toLowerCase() || 'feishu')
  if (known) return known
  // URL parsing silently drops tabs and newlines, and would send to a host other than the one written.
  if (/[\s\p{Cc}\p{Cf}]/u.test(domain.trim()))
    throw new InputError(
      'domain',
      'contains a space, tab, newline or invisible character; write the base URL on one line',
    )
  let url: URL
  try {
    url = new URL(domain.trim())
  } catch {
    // Only the part before any path is repeated: a hook URL pasted here carries its token in the path.
    const [start, ...path] = domain.trim().split('/')
    throw new InputError(
      'domain',
      `"${start}${path.length ? '/...' : ''}" is not feishu, lark, or a base URL such as https://open.example.com`,
    )
  }
  if (!isWebUrl(url)) throw new InputError('domain', `"${url.protocol}" URLs are not supported; use https://`)
  if (!isSecureOrLoopback(url))
    throw new InputError(
      'domain',
      `http is only accepted for loopback hosts (127.0.0.1, localhost, [::1]); use https://${url.host}`,
    )
  if (url.username || url.password) throw new InputError('domain', 'must not contain a user name or password')
  if (url.search || url.hash) throw new InputError('domain', 'must be a base URL without ?query or #fragment')
  if (url.pathname.includes('/open-apis'))
    throw new InputError('domain', `must be the base URL only (e.g. ${url.origin}), without /open-apis/...`)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

async function readContent(input: (name: string) => string, env: Environment): Promise<Content> {
  const given = CONTENT_INPUTS.filter((name) => input(name) !== '')
  if (given.length > 1)
    throw new InputError(given[1]!, `only one content input may be given, but \`${given[0]}\` is set too`)
  const presetInput = input('preset').trim().toLowerCase() || 'auto'
  if (presetInput !== 'auto' && presetInput !== 'release' && presetInput !== 'workflow') {
    throw new InputError('preset', `"${input('preset')}" is not auto, release or workflow`)
  }
  if (presetInput !== 'auto' && given[0])
    throw new InputError(
      'preset',
      `chooses a built-in card, used only when no content input is given, and \`${given[0]}\` is given; remove one of them`,
    )
  const templateVersion = input('template-version')
  if (templateVersion && given[0] !== 'template-id')
    throw new InputError('template-version', 'is set but `template-id` is not')
  switch (given[0]) {
    case 'text':
      return { kind: 'text', input: 'text', text: input('text') }
    case 'post':
      return { kind: 'post', input: 'post', post: await parseStructured(input('post'), 'post') }
    case 'card':
      return { kind: 'card', input: 'card', card: await parseStructured(input('card'), 'card') }
    case 'card-file': {
      const file = input('card-file')
      const source = await readCardFile(file, env.GITHUB_WORKSPACE || process.cwd())
      return { kind: 'card', input: 'card-file', card: await parseStructured(source, 'card-file', file) }
    }
    case 'template-id':
      return { kind: 'template', input: 'template-id', templateId: input('template-id'), templateVersion }
    default: {
      const event = env.GITHUB_EVENT_NAME ?? ''
      if (presetInput === 'release' && event !== 'release') {
        throw new InputError(
          'preset',
          `release needs a release event (on: release: types: [published]), and this run's event is ${event ? `"${event}"` : 'unknown'}; use preset workflow, or give text, post, card or template-id`,
        )
      }
      const preset = presetInput === 'auto' ? (event === 'release' ? 'release' : 'workflow') : presetInput
      return { kind: 'preset', input: 'preset', preset }
    }
  }
}

/** Seconds, written in decimal: `0x10` or `1e2` would be read by Number() as some other number than meant. */
function readTimeout(text: string): number {
  const seconds = Number(text)
  if (!/^\d+(?:\.\d+)?$|^\.\d+$/.test(text) || seconds < 0.1 || seconds > 600) {
    throw new InputError(
      'timeout',
      `"${shown(text)}" is not a number of seconds from 0.1 to 600, written in decimal (e.g. 10 or 2.5)`,
    )
  }
  return seconds
}

/**
 * The runner hands inputs over trimmed, so a content input that is only whitespace (a workflow
 * expression that came out empty) would read as not given and send the built-in card instead.
 * The raw INPUT_* variable tells them apart. (An input that is exactly empty cannot be told from
 * one not given at all.)
 */
function checkBlankContent(env: Environment): void {
  for (const name of CONTENT_INPUTS) {
    const raw = env[`INPUT_${name.toUpperCase()}`]
    if (raw !== undefined && raw !== '' && raw.trim() === '')
      throw new InputError(
        name,
        'is only whitespace (an expression that came out empty?); give something to send, or remove the input to send the built-in card',
      )
  }
}

function readStatus(value: string): Status {
  const status = value.trim().toLowerCase()
  if (status === '' || (STATUSES as readonly string[]).includes(status)) return status as Status
  throw new InputError(
    'status',
    `"${value}" is not a job status; use \${{ job.status }} (success, failure, cancelled or skipped), auto (the run's, from its jobs), or leave it empty for "in progress"`,
  )
}

/** `mention` and `users` (inputs/mentions.ts); in webhook mode, only people a custom bot can mention. */
async function readPeople(
  input: (name: string) => string,
  mode: Config['mode'],
): Promise<Pick<Config, 'mentions' | 'users'>> {
  const mentions = readMentionInput(input('mention'))
  const users = await readUsersInput(input('users'))
  if (mode === 'webhook') checkWebhookMentions(mentions, users)
  return { mentions, users }
}

/** Names as Feishu's card builder allows them, and as ${name} can reach them. */
function checkVariableNames(variables: Record<string, unknown>, input = 'variables'): void {
  for (const name of Object.keys(variables)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      throw new InputError(input, `"${shown(name)}" is not a valid variable name (a letter, then letters, digits or _)`)
    }
  }
}

/**
 * `untrusted-variables`: a mapping like `variables` whose values are text someone else wrote (a
 * commit message, an issue title). Each value is text: never scanned for placeholders, and made
 * inert where it is filled in (no mention, tag, link or markdown can form), like the built-ins
 * that carry such text. Names may not repeat one in `variables`.
 */
async function readUntrustedVariables(
  source: string,
  variables: Readonly<Record<string, unknown>> | undefined,
): Promise<Readonly<Record<string, string>> | undefined> {
  if (!source) return undefined
  const input = 'untrusted-variables'
  const mapping = await parseMapping(source, input)
  checkVariableNames(mapping, input)
  const texts: Record<string, string> = {}
  for (const [name, value] of Object.entries(mapping)) {
    if (variables && Object.hasOwn(variables, name))
      throw new InputError(input, `"${name}" is in \`variables\` too; give each variable one name`)
    if (value !== null && typeof value === 'object')
      throw new InputError(
        input,
        `"${name}" is ${Array.isArray(value) ? 'a list' : 'a mapping'}; its values are text (wrap an expression in toJSON(...))`,
      )
    Object.defineProperty(texts, name, {
      value: value === null ? '' : String(value as string | number | boolean),
      enumerable: true,
    })
  }
  return Object.freeze(texts)
}
