// The job summary: one table of receivers with their result, and a readable preview of what was
// sent (title, text, fields, buttons as links), written as GitHub markdown. Pure rendering plus
// one append to the runner's summary file. What goes in: receivers, message ids, errors that the client
// has already redacted, and the message itself; never a credential.

import type { Runner } from '../base/runner.js'
import type { OutgoingMessage } from '../compose/message.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import type { MentionOutcome } from '../github/people.js'
import { shownOutcome } from './mentions.js'
import { describeReceiver } from '../feishu/targets.js'
import { isPlainObject } from '../base/objects.js'

/** Room for a whole 30 KB card, and far below GitHub's 1 MiB per step. */
const PREVIEW_CHARS = 40_000

export interface SummaryInput {
  readonly results?: readonly DeliveryResult[]
  readonly message?: OutgoingMessage
  /** Why nothing was sent, when the step failed before sending (an input error). */
  readonly failure?: string
  /** Why on-success / on-failure decided not to send. */
  readonly skipped?: string
  readonly dryRun?: boolean
  /** The runner's output file could not be written after sending. */
  readonly outputProblem?: string
  /** What became of each `mention` entry (masked). */
  readonly mentions?: readonly MentionOutcome[]
  /** The run was cancelled while sending: the cancellation line (report/cancelled.ts). */
  readonly cancelled?: string
}

/** Writes the summary when the runner gives a summary file (not in local runs). */
export async function writeSummary(runner: Runner, input: SummaryInput): Promise<void> {
  try {
    // The runner masks the log, not this file: every masked value is hidden here first.
    await runner.appendSummary(runner.redact(`${renderSummary(input)}\n`))
  } catch (error) {
    runner.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export function renderSummary({
  results = [],
  message,
  failure,
  skipped,
  dryRun,
  outputProblem,
  mentions = [],
  cancelled,
}: SummaryInput): string {
  const lines = ['## Feishu / Lark notification', '']
  const delivered = results.filter((result) => result.ok).length
  if (cancelled) lines.push(`⛔ ${inline(cancelled)}`)
  else if (failure) lines.push(`❌ Nothing was sent: ${inline(failure)}`)
  else if (skipped) lines.push(`⏭️ ${inline(skipped)}`)
  else if (dryRun) lines.push(`🧪 Dry run: nothing was sent to the ${results.length} receiver(s) below.`)
  else if (delivered === results.length)
    lines.push(`✅ Delivered to ${results.length === 1 ? 'the receiver' : `all ${results.length} receivers`}.`)
  else lines.push(`❌ Delivered to ${delivered} of ${results.length} receiver(s).`)
  if (outputProblem) lines.push('', `⚠️ The step's outputs were not written: ${inline(outputProblem)}`)
  lines.push('')
  if (results.length) {
    lines.push('| Receiver | Result | Message id |', '| --- | --- | --- |')
    for (const result of results) {
      const outcome = result.ok
        ? '✅ delivered'
        : result.stage === 'dry-run'
          ? '🧪 not sent (dry run)'
          : `${result.stage === 'cancelled' ? '⛔' : '❌'} ${inline(failureOf(result))}`
      lines.push(
        `| ${cell(describeReceiver(result.receiver))} | ${cell(outcome)} | ${result.messageId ? `\`${result.messageId}\`` : ''} |`,
      )
    }
    lines.push('')
  }
  if (mentions.length) {
    const missed = mentions.filter((outcome) => outcome.problem).length
    lines.push(
      `**Mentions**${missed ? `: ${missed} of ${mentions.length} could not be mentioned and were written as plain text` : ''}`,
      '',
      '| Mention | Result |',
      '| --- | --- |',
    )
    for (const outcome of mentions) {
      const result = outcome.problem
        ? `⚠️ ${outcome.problem.reason}. Fix: ${outcome.problem.fix}`
        : `${outcome.resolvedTo ? '✅ ' : ''}${shownOutcome(outcome)}`
      lines.push(`| ${cell(inline(outcome.asked))} | ${cell(inline(result))} |`)
    }
    lines.push('')
  }
  if (message) {
    const what =
      message.msgType === 'interactive' ? 'a card' : message.msgType === 'post' ? 'a rich-text post' : 'a text message'
    let preview = previewMessage(message).join('\n')
    if (preview.length > PREVIEW_CHARS) {
      preview = preview.slice(0, preview.lastIndexOf('\n', PREVIEW_CHARS))
      // A code fence left open would swallow the rest of the summary.
      if ((preview.match(/^\s*```/gm) ?? []).length % 2) preview += '\n```'
      preview += '\n\n… (preview cut)'
    }
    const verb = dryRun ? 'Would send' : delivered === 0 ? 'Tried to send' : 'Sent'
    lines.push(
      `<details open><summary>${verb}: ${what} (from <code>${message.input}</code>)</summary>`,
      '',
      preview,
      '',
      '</details>',
      '',
    )
  }
  return lines.join('\n')
}

function failureOf(result: DeliveryResult): string {
  const error = result.error
  if (!error) return 'not sent'
  const head = error.code !== null ? `code ${error.code}: ` : ''
  return `${result.stage === 'token' ? 'no token: ' : ''}${head}${error.meaning}. Fix: ${error.fix}`
}

/** Text as GitHub markdown shows it literally: no HTML, no line breaks (for one-line places). */
function inline(text: string): string {
  return escapeHtml(text).replace(/\s*\n\s*/g, ' ')
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|')
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Feishu markup in sent text, readable on GitHub: mentions as @id; any other `<` is followed by
 * an invisible zero-width space, so GitHub shows it as text (also inside code, where an entity
 * would show as `&lt;`) and never reads it as HTML.
 */
function feishuText(text: string): string {
  return text
    .replace(/<at\s+(?:user_id|id|email)\s*=\s*["']?([^"'>\s]+)["']?\s*>[^<]*<\/at>/g, '@$1')
    .replace(/</g, '<\u200B')
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n')
}

type Json = Record<string, unknown>
const asObject = (value: unknown): Json => (isPlainObject(value) ? value : {})
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const str = (value: unknown): string => (typeof value === 'string' ? value : '')

/** What a reader of the chat would see, roughly, as markdown lines. */
export function previewMessage(message: OutgoingMessage): string[] {
  const content = message.content
  if (message.msgType === 'text') return [quote(feishuText(str(content.text)))]
  if (message.msgType === 'post') return previewPost(content)
  if (content.type === 'template') return previewTemplate(asObject(content.data))
  return previewCard(content)
}

function previewPost(post: Json): string[] {
  const lines: string[] = []
  for (const [locale, value] of Object.entries(post)) {
    const body = asObject(value)
    lines.push(`*${feishuText(locale)}*`, '')
    if (str(body.title)) lines.push(`**${feishuText(str(body.title))}**`, '')
    const paragraphs = asArray(body.content).map((paragraph) =>
      asArray(paragraph)
        .map((node) => postNode(asObject(node)))
        .join(''),
    )
    lines.push(quote(paragraphs.join('\n')), '')
  }
  return lines
}

function postNode(node: Json): string {
  switch (node.tag) {
    case 'text':
      return feishuText(str(node.text))
    case 'a':
      return link(str(node.text) || str(node.href), str(node.href))
    case 'at':
      return `@${feishuText(str(node.user_name) || str(node.user_id))}`
    case 'img':
      return '[image]'
    case 'media':
      return '[video]'
    case 'emotion':
      return `:${feishuText(str(node.emoji_type))}:`
    case 'code_block':
      return `\`${feishuText(str(node.text)).replace(/`/g, "'")}\``
    case 'hr':
      return '———'
    case 'md':
      return feishuText(str(node.text))
    default:
      return ''
  }
}

function link(text: string, url: string): string {
  const label = feishuText(text).replace(/[[\]]/g, '\\$&')
  return /^https?:\/\//.test(url) ? `[${label}](${url.replace(/[()\s]/g, encodeURIComponent)})` : label
}

function previewTemplate(data: Json): string[] {
  const lines = [
    `Template card \`${feishuText(str(data.template_id))}\`${str(data.template_version_name) ? ` version \`${feishuText(str(data.template_version_name))}\`` : ' (latest published version)'}`,
  ]
  const variables = Object.entries(asObject(data.template_variable))
  if (variables.length) {
    lines.push('', '| Variable | Value |', '| --- | --- |')
    for (const [name, value] of variables) {
      const shown = typeof value === 'string' ? value : JSON.stringify(value)
      lines.push(
        `| ${cell(escapeHtml(name))} | ${cell(inline(shown.length > 300 ? `${shown.slice(0, 300)}…` : shown))} |`,
      )
    }
  }
  return lines
}

function previewCard(card: Json): string[] {
  const lines: string[] = []
  const header = asObject(card.header)
  const title = str(asObject(header.title).content)
  const subtitle = str(asObject(header.subtitle).content)
  if (title) lines.push(`**${feishuText(title)}**${header.template ? ` (${feishuText(str(header.template))})` : ''}`)
  if (subtitle) lines.push(`*${feishuText(subtitle)}*`)
  if (lines.length) lines.push('')
  const i18n = asObject(card.i18n_elements)
  const elements =
    card.body !== undefined
      ? asArray(asObject(card.body).elements)
      : card.elements !== undefined
        ? asArray(card.elements)
        : asArray(Object.values(i18n)[0])
  const walk = (items: unknown[]): void => {
    for (const value of items) {
      const element = asObject(value)
      switch (element.tag) {
        case 'markdown':
          lines.push(feishuText(str(element.content)), '')
          break
        case 'div': {
          const text = str(asObject(element.text).content)
          if (text) lines.push(feishuText(text), '')
          for (const field of asArray(element.fields))
            lines.push(feishuText(str(asObject(asObject(field).text).content)), '')
          break
        }
        case 'plain_text':
        case 'lark_md':
          lines.push(feishuText(str(element.content)), '')
          break
        case 'hr':
          lines.push('---', '')
          break
        case 'img':
        case 'image':
          lines.push('[image]', '')
          break
        case 'button': {
          const behavior = asArray(element.behaviors)
            .map(asObject)
            .find((item) => item.type === 'open_url')
          const url = str(behavior?.default_url) || str(element.url) || str(asObject(element.multi_url).url)
          lines.push(`🔗 ${link(str(asObject(element.text).content) || 'button', url)}`, '')
          break
        }
        default:
          walk([...asArray(element.elements), ...asArray(element.columns), ...asArray(element.actions)])
      }
    }
  }
  walk(elements)
  return lines
}
