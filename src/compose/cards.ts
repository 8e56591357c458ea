// The built-in cards: a release announcement and a build result, made from the run's context
// as card JSON 2.0 (§4.5; shared by default, so a later step can update them). Pure: no I/O.
//
// Every string that comes from the event (names, titles, branches, commit messages, release
// notes) was written by someone who can push or open a pull request: it goes through
// escapeCardMarkdown / neutralizeMarkup / the release-notes converter, so it can never become a
// mention or a Feishu tag. Mentions come only from the `mention` input, checked in inputs/mentions.ts.
// The cards' own words (labels, tags, buttons, the chat preview) come from i18n.ts in every
// language asked for; the build card's job list and run facts come from the GitHub API, read by
// the github layer and handed in as plain data (`BuildFacts`).

import type { RunContext } from '../github/context.js'
import { firstLine } from '../github/context.js'
import type { Mention } from '../github/people.js'
import { conclusionStatus, statusChange, type BuildFacts } from '../github/run-facts.js'
import type { Language, Status } from '../inputs/config.js'
import { releaseNotesToCardMarkdown } from './release-notes/index.js'
import { escapeCardMarkdown, neutralizeMarkup } from '../markup/escape.js'
import { safeHttpUrl } from '../markup/safe-url.js'
import { LABELS, localesOf, mergeLocales, type Labels } from './i18n.js'
import { formatDuration, jobEntries, jobsMarkdown } from './jobs.js'
import { jsonBytes } from '../base/json.js'
import { failedTestsElements, testsLine, TEST_LINES } from './tests.js'

export type Card = Record<string, unknown>

export interface CardOptions {
  readonly status: Status
  /** Replaces the built-in title; already filled and trusted (the workflow author's). */
  readonly title: string
  readonly mentions: readonly Mention[]
  /** The most bytes JSON.stringify(card) may take: Feishu's limit for the transport. */
  readonly maxBytes: number
  /** The card's own words: every language (auto, the default), or one (§14.3). */
  readonly language?: Language
}

export interface BuildCardOptions extends Omit<CardOptions, 'maxBytes'> {
  /** The job list is cut to fit; default: Feishu's 30 KB card limit. */
  readonly maxBytes?: number
  /** What the GitHub API said about the run; {} when nothing could be read. */
  readonly facts?: BuildFacts
}

/** Header templates (§4.5). */
type HeaderColor = 'green' | 'red' | 'grey' | 'blue' | 'orange'
/** Text tags have their own palette: `neutral` where the header is `grey`. */
type TagColor = 'green' | 'red' | 'neutral' | 'blue' | 'orange'

const STATUS_LOOK: Record<Status, { color: HeaderColor; tagColor: TagColor; word: keyof Labels['verb'] }> = {
  success: { color: 'green', tagColor: 'green', word: 'success' },
  failure: { color: 'red', tagColor: 'red', word: 'failure' },
  cancelled: { color: 'grey', tagColor: 'neutral', word: 'cancelled' },
  skipped: { color: 'grey', tagColor: 'neutral', word: 'skipped' },
  '': { color: 'blue', tagColor: 'blue', word: 'running' },
}

/** 30 KB: a card's limit for the app bot (§3.1). */
const CARD_BYTES = 30 * 1024
/** At most this many lines of jobs before the size decides (200 elements are never reached: one element holds them). */
const JOB_LINES = 40

/** Card markdown of the resolved mentions: <at id=...></at> (§4.5, §14.2); the unresolved as literal text. */
export function cardMentions(mentions: readonly Mention[]): string {
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

/** The same card built in each language of `language`, as one card (§14.3). */
function inLanguages(language: Language | undefined, make: (labels: Labels) => Card): Card {
  return mergeLocales(localesOf(language ?? 'auto').map((locale) => [locale, make(LABELS[locale])] as const))
}

/**
 * The build card: status colour, a tag (Fixed, Broken or Still failing when the previous run is
 * known), where and what was built, who, how long it took, the jobs (failed first, cut to fit
 * the size limit) and a button to the run.
 */
export function buildCard(context: RunContext, options: BuildCardOptions): Card {
  const triggering = context.triggeringRun
  const status = options.status || (triggering ? conclusionStatus(triggering.conclusion) : '')
  const facts = options.facts ?? {}
  const change = statusChange(status, facts.previous)
  const entries = facts.jobs ? jobEntries(facts.jobs) : []
  const make = (shown: number, shownTests = TEST_LINES): Card =>
    inLanguages(options.language, (labels) => buildCardIn(labels, shown, shownTests))

  const buildCardIn = (labels: Labels, shown: number, shownTests: number): Card => {
    const look = STATUS_LOOK[status]
    const verb = labels.verb[look.word]
    const workflow = triggering?.name || context.workflow || 'Workflow'
    const runUrl = triggering?.url || context.runUrl
    const runNumber = triggering?.runNumber || context.runNumber
    const title = clip(options.title || `${workflow} ${verb}`)

    const lines: string[] = []
    if (context.repository) lines.push(`**${labels.repository}:** ${mdLink(context.repository, context.repositoryUrl)}`)
    const run = [mdLink(workflow, runUrl)]
    if (!triggering && context.job) run.push(`${labels.job} ${escapeCardMarkdown(context.job)}`)
    if (runNumber)
      run.push(
        `${labels.run(escapeCardMarkdown(runNumber))}${!triggering && Number(context.runAttempt) > 1 ? ` (${labels.attempt(escapeCardMarkdown(context.runAttempt))})` : ''}`,
      )
    lines.push(`**${labels.workflow}:** ${run.join(' · ')}`)
    const pr = context.pullRequest
    if (pr?.number)
      lines.push(`**${labels.pullRequest}:** ${mdLink(`#${pr.number}${pr.title ? ` ${clip(pr.title)}` : ''}`, pr.url)}`)
    if (context.subject.name)
      lines.push(
        `**${context.subject.type === 'tag' ? labels.tagName : labels.branch}:** ${escapeCardMarkdown(clip(context.subject.name))}`,
      )
    if (context.sha) {
      const message = clip(firstLine(context.commitMessage))
      lines.push(
        `**${labels.commit}:** ${mdLink(context.sha.slice(0, 7), context.commitUrl)}${message ? ` ${escapeCardMarkdown(message)}` : ''}`,
      )
    }
    if (context.actor) lines.push(`**${labels.triggeredBy}:** ${escapeCardMarkdown(context.actor)}`)
    const event = triggering ? `workflow_run (${triggering.event || 'unknown'})` : context.eventName
    if (event) lines.push(`**${labels.event}:** ${escapeCardMarkdown(event)}`)
    if (facts.durationMs !== undefined) lines.push(`**${labels.duration}:** ${formatDuration(facts.durationMs)}`)
    if (facts.previous) {
      const before = labels.tag[facts.previous.status]
      lines.push(
        `**${labels.previous}:** ${facts.previous.runNumber ? `${mdLink(`#${facts.previous.runNumber}`, facts.previous.url)} ` : ''}${before}`,
      )
    }

    if (facts.tests) lines.push(testsLine(facts.tests, labels))

    const elements = [markdown(lines.join('\n'))]
    if (facts.tests) elements.push(...failedTestsElements(facts.tests, shownTests, labels).map(markdown))
    if (entries.length) elements.push(markdown(`**${labels.jobs}**\n${jobsMarkdown(entries, labels, shown)}`))
    if (options.mentions.length) elements.push(markdown(cardMentions(options.mentions)))
    elements.push(
      ...buttons([
        { label: labels.viewRun, url: runUrl, primary: true },
        { label: labels.pullRequest, url: pr?.url ?? '' },
        { label: pr ? labels.changes : labels.commit, url: pr ? context.compareUrl : context.commitUrl },
      ]),
    )
    const tag = change
      ? {
          text:
            change === 'fixed' ? labels.tag.fixed : change === 'broken' ? labels.tag.broken : labels.tag.stillFailing,
          color: change === 'fixed' ? ('green' as const) : ('red' as const),
        }
      : { text: labels.tag[look.word], color: look.tagColor }
    return card({
      title,
      subtitle: context.repository,
      color: look.color,
      tag,
      summary: `${workflow} ${verb}${context.repository ? ` · ${context.repository}` : ''}`,
      elements,
    })
  }

  // Failed jobs come first, so what is cut is what went well; the failed tests are cut only after the jobs.
  const maxBytes = options.maxBytes ?? CARD_BYTES
  let shown = Math.min(entries.length, JOB_LINES)
  let shownTests = TEST_LINES
  let result = make(shown, shownTests)
  while ((shown > 0 || shownTests > 0) && jsonBytes(result) > maxBytes) {
    if (shown > 0) shown = Math.floor(shown * 0.7)
    else shownTests = Math.floor(shownTests * 0.7)
    result = make(shown, shownTests)
  }
  return result
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
  const compareUrl = findCompareUrl(release.body, context.repositoryUrl)

  const makeIn = (labels: Labels, notes: string, cut: boolean): Card => {
    const kind = release.draft
      ? labels.release.draft
      : release.prerelease
        ? labels.release.prerelease
        : labels.release.release
    const facts: string[] = [`**${labels.tagName}:** ${mdLink(release.tag, release.url)}`]
    if (release.author) facts.push(`**${labels.author}:** ${mdLink(`@${release.author}`, release.authorUrl)}`)
    const published = formatTime(release.publishedAt)
    if (published) facts.push(`**${labels.published}:** ${published}`)

    const tail: Card[] = []
    if (cut && release.url) tail.push(markdown(`[${labels.fullNotes}](${release.url})`))
    if (release.assets.length) {
      const shown = release.assets
        .slice(0, 10)
        .map((asset) => `- ${mdLink(asset.name, asset.url)} (${formatSize(asset.size)})`)
      if (release.assets.length > shown.length)
        shown.push(
          `- ${labels.moreAssets(release.assets.length - shown.length, mdLink(labels.releaseNotes, release.url))}`,
        )
      tail.push(markdown(`**${labels.assets}**\n${shown.join('\n')}`))
    }
    if (options.mentions.length) tail.push(markdown(cardMentions(options.mentions)))
    tail.push(
      ...buttons([
        { label: labels.releaseNotes, url: release.url, primary: true },
        { label: labels.compare, url: compareUrl },
      ]),
    )
    return card({
      title,
      subtitle: release.author ? labels.releasedBy(kind, release.author) : kind,
      color: release.prerelease || release.draft ? 'orange' : 'blue',
      tag: { text: kind, color: release.prerelease || release.draft ? 'orange' : 'green' },
      summary: labels.released(repo, release.tag),
      elements: [markdown(facts.join('  ·  ')), { tag: 'hr' }, markdown(notes || `*${labels.noNotes}*`), ...tail],
    })
  }
  const make = (notes: string, cut: boolean): Card =>
    inLanguages(options.language, (labels) => makeIn(labels, notes, cut))
  if (!release.body.trim()) return make('', false)
  // The notes get whatever the rest of the card leaves of the limit; they are the same in every
  // language, and the link to the rest is a translated element of its own.
  const rest = jsonBytes(make('', true))
  const { markdown: notes, truncated } = await releaseNotesToCardMarkdown(release.body, {
    repositoryUrl: context.repositoryUrl,
    serverUrl: context.serverUrl,
    fullNotesUrl: release.url,
    cutMark: release.url ? '…' : undefined,
    maxBytes: Math.max(0, options.maxBytes - rest),
  })
  return make(notes, truncated)
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
