// The built-in cards: a release announcement and a build result, made from the run's context
// as card JSON 2.0 (§4.5; shared by default, so a later step can update them). Pure: no I/O.
//
// Every string that comes from the event (names, titles, branches, commit messages, release
// notes) was written by someone who can push or open a pull request: it goes through
// escapeCardMarkdown / neutralizeMarkup / the release-notes converter, so it can never become a
// mention or a Feishu tag. Mentions come only from the `mention` input, checked in inputs.ts.

import type { RunContext } from '../github/context.js'
import { firstLine } from '../github/context.js'
import type { Mention } from '../github/people.js'
import type { Status } from '../inputs/config.js'
import { releaseNotesToCardMarkdown } from './release-notes/index.js'
import { escapeCardMarkdown, neutralizeMarkup } from '../markup/escape.js'
import { safeHttpUrl } from '../markup/safe-url.js'

export type Card = Record<string, unknown>

export interface CardOptions {
  readonly status: Status
  /** Replaces the built-in title; already filled and trusted (the workflow author's). */
  readonly title: string
  readonly mentions: readonly Mention[]
  /** The most bytes JSON.stringify(card) may take: Feishu's limit for the transport. */
  readonly maxBytes: number
}

/** Header templates (§4.5). */
type HeaderColor = 'green' | 'red' | 'grey' | 'blue' | 'orange'
/** Text tags have their own palette: `neutral` where the header is `grey`. */
type TagColor = 'green' | 'red' | 'neutral' | 'blue' | 'orange'

const STATUS_LOOK: Record<Status, { color: HeaderColor; tagColor: TagColor; tag: string; verb: string }> = {
  success: { color: 'green', tagColor: 'green', tag: 'Success', verb: 'succeeded' },
  failure: { color: 'red', tagColor: 'red', tag: 'Failure', verb: 'failed' },
  cancelled: { color: 'grey', tagColor: 'neutral', tag: 'Cancelled', verb: 'was cancelled' },
  skipped: { color: 'grey', tagColor: 'neutral', tag: 'Skipped', verb: 'was skipped' },
  '': { color: 'blue', tagColor: 'blue', tag: 'In progress', verb: 'is in progress' },
}

/** Card markdown of the resolved mentions: <at id=...></at> (§4.5, §14.2); the unresolved as literal text. */
function cardMentions(mentions: readonly Mention[]): string {
  return mentions
    .map((mention) => ('id' in mention ? `<at id=${mention.id}></at>` : escapeCardMarkdown(mention.text)))
    .join(' ')
}

function plainText(content: string): { tag: 'plain_text'; content: string } {
  return { tag: 'plain_text', content: neutralizeMarkup(content) }
}

function markdown(content: string): Card {
  return { tag: 'markdown', content }
}

/** Text that people write can be any length; a card field shows one line of it. */
function clip(text: string, chars = 200): string {
  if (text.length <= chars) return text
  // By code point, so an emoji is never cut in half.
  return `${Array.from(text)
    .slice(0, chars - 1)
    .join('')}…`
}

/** A markdown link with text that stays text; '' url gives the text alone. */
function mdLink(label: string, url: string): string {
  return url ? `[${escapeCardMarkdown(label)}](${url})` : escapeCardMarkdown(label)
}

function buttons(links: readonly { label: string; url: string; primary?: boolean }[]): Card[] {
  const shown = links.filter((item) => item.url)
  if (shown.length === 0) return []
  const button = (item: { label: string; url: string; primary?: boolean }): Card => ({
    tag: 'button',
    text: plainText(item.label),
    type: item.primary ? 'primary' : 'default',
    behaviors: [{ type: 'open_url', default_url: item.url }],
  })
  return [
    { tag: 'column_set', columns: shown.map((item) => ({ tag: 'column', width: 'auto', elements: [button(item)] })) },
  ]
}

function card(options: {
  title: string
  subtitle: string
  color: HeaderColor
  tag?: { text: string; color: TagColor }
  summary: string
  elements: Card[]
}): Card {
  const header: Card = { title: plainText(options.title), template: options.color }
  if (options.subtitle) header.subtitle = plainText(options.subtitle)
  if (options.tag)
    header.text_tag_list = [{ tag: 'text_tag', text: plainText(options.tag.text), color: options.tag.color }]
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: neutralizeMarkup(options.summary) } },
    header,
    body: { elements: options.elements },
  }
}

/** The build card: status colour, where and what was built, who, and a button to the run. */
export function buildCard(context: RunContext, options: Omit<CardOptions, 'maxBytes'>): Card {
  const triggering = context.triggeringRun
  const status = options.status || (triggering ? asStatus(triggering.conclusion) : '')
  const look = STATUS_LOOK[status]
  const workflow = triggering?.name || context.workflow || 'Workflow'
  const runUrl = triggering?.url || context.runUrl
  const runNumber = triggering?.runNumber || context.runNumber
  const title = clip(options.title || `${workflow} ${look.verb}`)

  const lines: string[] = []
  if (context.repository) lines.push(`**Repository:** ${mdLink(context.repository, context.repositoryUrl)}`)
  const run = [mdLink(workflow, runUrl)]
  if (!triggering && context.job) run.push(`job ${escapeCardMarkdown(context.job)}`)
  if (runNumber)
    run.push(
      `run #${escapeCardMarkdown(runNumber)}${!triggering && Number(context.runAttempt) > 1 ? ` (attempt ${escapeCardMarkdown(context.runAttempt)})` : ''}`,
    )
  lines.push(`**Workflow:** ${run.join(' · ')}`)
  const pr = context.pullRequest
  if (pr?.number)
    lines.push(`**Pull request:** ${mdLink(`#${pr.number}${pr.title ? ` ${clip(pr.title)}` : ''}`, pr.url)}`)
  if (context.subject.name)
    lines.push(
      `**${context.subject.type === 'tag' ? 'Tag' : 'Branch'}:** ${escapeCardMarkdown(clip(context.subject.name))}`,
    )
  if (context.sha) {
    const message = clip(firstLine(context.commitMessage))
    lines.push(
      `**Commit:** ${mdLink(context.sha.slice(0, 7), context.commitUrl)}${message ? ` ${escapeCardMarkdown(message)}` : ''}`,
    )
  }
  if (context.actor) lines.push(`**Triggered by:** ${escapeCardMarkdown(context.actor)}`)
  const event = triggering ? `workflow_run (${triggering.event || 'unknown'})` : context.eventName
  if (event) lines.push(`**Event:** ${escapeCardMarkdown(event)}`)

  const elements = [markdown(lines.join('\n'))]
  if (options.mentions.length) elements.push(markdown(cardMentions(options.mentions)))
  elements.push(
    ...buttons([
      { label: 'View run', url: runUrl, primary: true },
      { label: 'Pull request', url: pr?.url ?? '' },
      { label: pr ? 'Changes' : 'Commit', url: pr ? context.compareUrl : context.commitUrl },
    ]),
  )
  return card({
    title,
    subtitle: context.repository,
    color: look.color,
    tag: { text: look.tag, color: look.tagColor },
    summary: `${workflow} ${look.verb}${context.repository ? ` · ${context.repository}` : ''}`,
    elements,
  })
}

/** A triggering run's conclusion as a status: '' only while it has none. */
function asStatus(conclusion: string): Status {
  if (conclusion === 'success' || conclusion === 'failure' || conclusion === 'cancelled' || conclusion === 'skipped')
    return conclusion
  if (conclusion === 'timed_out' || conclusion === 'startup_failure' || conclusion === 'action_required')
    return 'failure'
  if (conclusion === 'neutral' || conclusion === 'stale') return 'skipped'
  return ''
}

/**
 * The release card: what was released, by whom, when, the notes converted to card markdown and
 * cut to what is left of the size limit, the assets, and buttons to the release.
 */
export async function releaseCard(context: RunContext, options: CardOptions): Promise<Card> {
  const release = context.release
  if (!release) throw new Error('releaseCard needs a release in the context')
  const repo = context.repository || 'Release'
  const named = release.name && release.name !== release.tag ? `${release.tag} · ${release.name}` : release.tag
  const title = clip(options.title || `${repo} ${clip(named, 120)}`)
  const kind = release.draft ? 'Draft' : release.prerelease ? 'Pre-release' : 'Release'

  const facts: string[] = [`**Tag:** ${mdLink(release.tag, release.url)}`]
  if (release.author) facts.push(`**Author:** ${mdLink(`@${release.author}`, release.authorUrl)}`)
  const published = formatTime(release.publishedAt)
  if (published) facts.push(`**Published:** ${published}`)
  const compareUrl = findCompareUrl(release.body, context.repositoryUrl)

  const tail: Card[] = []
  if (release.assets.length) {
    const shown = release.assets
      .slice(0, 10)
      .map((asset) => `- ${mdLink(asset.name, asset.url)} (${formatSize(asset.size)})`)
    if (release.assets.length > shown.length)
      shown.push(`- and ${release.assets.length - shown.length} more on the ${mdLink('release page', release.url)}`)
    tail.push(markdown(`**Assets**\n${shown.join('\n')}`))
  }
  if (options.mentions.length) tail.push(markdown(cardMentions(options.mentions)))
  tail.push(
    ...buttons([
      { label: 'Release notes', url: release.url, primary: true },
      { label: 'Compare', url: compareUrl },
    ]),
  )

  const make = (notes: string): Card =>
    card({
      title,
      subtitle: `${kind}${release.author ? ` by @${release.author}` : ''}`,
      color: release.prerelease || release.draft ? 'orange' : 'blue',
      tag: { text: kind, color: release.prerelease || release.draft ? 'orange' : 'green' },
      summary: `${repo} ${release.tag} released`,
      elements: [markdown(facts.join('  ·  ')), { tag: 'hr' }, markdown(notes), ...tail],
    })
  if (!release.body.trim()) return make('*No release notes.*')
  // The notes get whatever the rest of the card leaves of the limit.
  const rest = Buffer.byteLength(JSON.stringify(make('')), 'utf8')
  const { markdown: notes } = await releaseNotesToCardMarkdown(release.body, {
    repositoryUrl: context.repositoryUrl,
    serverUrl: context.serverUrl,
    fullNotesUrl: release.url,
    maxBytes: Math.max(0, options.maxBytes - rest),
  })
  return make(notes || '*No release notes.*')
}

/** GitHub's generated notes end with "Full Changelog: <repo>/compare/a...b": the compare view, when there. */
function findCompareUrl(body: string, repositoryUrl: string): string {
  if (!repositoryUrl) return ''
  const prefix = `${repositoryUrl}/compare/`
  const start = body.indexOf(prefix)
  if (start < 0) return ''
  const match = /^[\w.\-/]+\.\.\.?[\w.\-/]+/.exec(body.slice(start + prefix.length))
  // A `..` path segment would lead the button elsewhere on the host.
  if (!match || /(^|\/)\.\.(\/|$)/.test(match[0])) return ''
  return safeHttpUrl(prefix + match[0], false) ?? ''
}

function formatTime(iso: string): string {
  const time = new Date(iso)
  if (!iso || Number.isNaN(time.getTime())) return ''
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
