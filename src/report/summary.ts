// The job summary: one table of receivers with their result, and a readable preview of what was
// sent (title, text, fields, buttons as links), written as GitHub markdown. Pure rendering plus
// one append to the runner's summary file. What goes in: receivers, message ids, errors that the client
// has already redacted, and the message itself; never a credential. Every line is Markdown built
// with summary-markdown.ts, so event and user text reach the summary only through its one
// escaping; a new section does the same (a list of Markdown).

import { filesSummary } from './attachment-lines.js'
import type { Runner } from '../base/runner.js'
import type { OutgoingMessage } from '../compose/message.js'
import type { DeliveryResult } from '../feishu/deliver.js'
import type { MentionOutcome } from '../github/people.js'
import { shownOutcome } from './mentions.js'
import { describeReceiver } from '../feishu/targets.js'
import { jsonList as asArray, jsonObject as asObject, jsonString as str, type Json } from '../base/json.js'
import type { TestFacts } from '../github/test-reports/results.js'
import { testsSummaryLines } from './tests-section.js'
import { code, cutAtLine, feishuText, joinMarkdown, link, gfm, quote, type Markdown } from './summary-markdown.js'

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
  /** The files the step uploaded and sent (issue 20), as the `uploads` output lists them. */
  readonly uploads?: Parameters<typeof filesSummary>[0]
  /** What the `test-results` reports said. */
  readonly tests?: TestFacts
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

const BLANK = gfm``

export function renderSummary({
  results = [],
  message,
  failure,
  skipped,
  dryRun,
  outputProblem,
  mentions = [],
  uploads,
  tests,
  cancelled,
}: SummaryInput): string {
  const lines: Markdown[] = [gfm`## Feishu / Lark notification`, BLANK]
  const delivered = results.filter((result) => result.ok).length
  if (cancelled) lines.push(gfm`⛔ ${cancelled}`)
  else if (failure) lines.push(gfm`❌ Nothing was sent: ${failure}`)
  else if (skipped) lines.push(gfm`⏭️ ${skipped}`)
  else if (dryRun) lines.push(gfm`🧪 Dry run: nothing was sent to the ${results.length} receiver(s) below.`)
  else if (delivered === results.length)
    lines.push(
      results.length === 1 ? gfm`✅ Delivered to the receiver.` : gfm`✅ Delivered to all ${results.length} receivers.`,
    )
  else lines.push(gfm`❌ Delivered to ${delivered} of ${results.length} receiver(s).`)
  if (outputProblem) lines.push(BLANK, gfm`⚠️ The step's outputs were not written: ${outputProblem}`)
  lines.push(BLANK)
  if (results.length) {
    lines.push(gfm`| Receiver | Result | Message id |`, gfm`| --- | --- | --- |`)
    for (const result of results) {
      const outcome = result.ok
        ? gfm`✅ delivered`
        : result.stage === 'dry-run'
          ? gfm`🧪 not sent (dry run)`
          : gfm`${result.stage === 'cancelled' ? '⛔' : '❌'} ${failureOf(result)}`
      lines.push(
        gfm`| ${describeReceiver(result.receiver)} | ${outcome} | ${result.messageId ? code(result.messageId) : BLANK} |`,
      )
    }
    lines.push(BLANK)
  }
  lines.push(...filesSummary(uploads))
  lines.push(...testsSummaryLines(tests))
  if (mentions.length) {
    const missed = mentions.filter((outcome) => outcome.problem).length
    lines.push(
      missed
        ? gfm`**Mentions**: ${missed} of ${mentions.length} could not be mentioned and were written as plain text`
        : gfm`**Mentions**`,
      BLANK,
      gfm`| Mention | Result |`,
      gfm`| --- | --- |`,
    )
    for (const outcome of mentions) {
      const result = outcome.problem
        ? gfm`⚠️ ${outcome.problem.reason}. Fix: ${outcome.problem.fix}`
        : gfm`${outcome.resolvedTo ? '✅ ' : ''}${shownOutcome(outcome)}`
      lines.push(gfm`| ${outcome.asked} | ${result} |`)
    }
    lines.push(BLANK)
  }
  if (message) {
    const what =
      message.msgType === 'interactive' ? 'a card' : message.msgType === 'post' ? 'a rich-text post' : 'a text message'
    const preview = cutAtLine(joinMarkdown(previewMessage(message)), PREVIEW_CHARS)
    const verb = dryRun ? 'Would send' : delivered === 0 ? 'Tried to send' : 'Sent'
    lines.push(
      gfm`<details open><summary>${verb}: ${what} (from <code>${message.input}</code>)</summary>`,
      BLANK,
      preview,
      BLANK,
      gfm`</details>`,
      BLANK,
    )
  }
  return joinMarkdown(lines).text
}

function failureOf(result: DeliveryResult): string {
  const error = result.error
  if (!error) return 'not sent'
  const head = error.code !== null ? `code ${error.code}: ` : ''
  return `${result.stage === 'token' ? 'no token: ' : ''}${head}${error.meaning}. Fix: ${error.fix}`
}

/** Text Feishu shows as it is (plain_text, a text message, a title): mentions as @id, all else literal. */
const plain = (text: string): Markdown => feishuText(text, { markdown: false })
/** Text Feishu reads as markdown: its bold, links and code blocks kept, all else literal. */
const marked = (text: string): Markdown => feishuText(text, { markdown: true })

/** What a reader of the chat would see, roughly, as markdown lines. */
export function previewMessage(message: OutgoingMessage): Markdown[] {
  const content = message.content
  if (message.msgType === 'text') return [quote(plain(str(content.text)))]
  if (message.msgType === 'post') return previewPost(content)
  if (content.type === 'template') return previewTemplate(asObject(content.data))
  return previewCard(content)
}

function previewPost(post: Json): Markdown[] {
  const lines: Markdown[] = []
  for (const [locale, value] of Object.entries(post)) {
    const body = asObject(value)
    lines.push(gfm`*${locale}*`, BLANK)
    if (str(body.title)) lines.push(gfm`**${str(body.title)}**`, BLANK)
    const paragraphs = asArray(body.content).map((paragraph) =>
      joinMarkdown(
        asArray(paragraph).map((node) => postNode(asObject(node))),
        BLANK,
      ),
    )
    lines.push(quote(joinMarkdown(paragraphs, gfm`  \n`)), BLANK)
  }
  return lines
}

function postNode(node: Json): Markdown {
  switch (node.tag) {
    case 'text':
      return plain(str(node.text))
    case 'a':
      return link(str(node.text) || str(node.href), str(node.href))
    case 'at':
      return gfm`@${'\u2060'}${str(node.user_name) || str(node.user_id)}`
    case 'img':
      return gfm`[image]`
    case 'media':
      return gfm`[video]`
    case 'emotion':
      return gfm`:${str(node.emoji_type)}:`
    case 'code_block':
      return code(str(node.text))
    case 'hr':
      return gfm`———`
    case 'md':
      return marked(str(node.text))
    default:
      return BLANK
  }
}

function previewTemplate(data: Json): Markdown[] {
  const version = str(data.template_version_name)
  const lines = [
    version
      ? gfm`Template card ${code(str(data.template_id))} version ${code(version)}`
      : gfm`Template card ${code(str(data.template_id))} (latest published version)`,
  ]
  const variables = Object.entries(asObject(data.template_variable))
  if (variables.length) {
    lines.push(BLANK, gfm`| Variable | Value |`, gfm`| --- | --- |`)
    for (const [name, value] of variables) {
      const shown = typeof value === 'string' ? value : JSON.stringify(value)
      lines.push(gfm`| ${name} | ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown} |`)
    }
  }
  return lines
}

function previewCard(card: Json): Markdown[] {
  const lines: Markdown[] = []
  const header = asObject(card.header)
  const title = str(asObject(header.title).content)
  const subtitle = str(asObject(header.subtitle).content)
  if (title) lines.push(header.template ? gfm`**${title}** (${str(header.template)})` : gfm`**${title}**`)
  if (subtitle) lines.push(gfm`*${subtitle}*`)
  if (lines.length) lines.push(BLANK)
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
          lines.push(marked(str(element.content)), BLANK)
          break
        case 'div': {
          const text = asObject(element.text)
          if (str(text.content)) lines.push(fieldText(text), BLANK)
          for (const field of asArray(element.fields)) lines.push(fieldText(asObject(asObject(field).text)), BLANK)
          break
        }
        case 'plain_text':
          lines.push(plain(str(element.content)), BLANK)
          break
        case 'lark_md':
          lines.push(marked(str(element.content)), BLANK)
          break
        case 'hr':
          lines.push(gfm`---`, BLANK)
          break
        case 'img':
        case 'image':
          lines.push(gfm`[image]`, BLANK)
          break
        case 'button': {
          const behavior = asArray(element.behaviors)
            .map(asObject)
            .find((item) => item.type === 'open_url')
          const url = str(behavior?.default_url) || str(element.url) || str(asObject(element.multi_url).url)
          lines.push(gfm`🔗 ${link(str(asObject(element.text).content) || 'button', url)}`, BLANK)
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

/** A div's text or field: markdown when its tag says lark_md, else plain text. */
function fieldText(text: Json): Markdown {
  return text.tag === 'lark_md' ? marked(str(text.content)) : plain(str(text.content))
}
