// The approval gate's cards: the built-in approval card (card JSON 2.0, shared with update_multi,
// in the languages of `language` like the other built-in cards), in each of its states — waiting
// with the way to answer, then approved, rejected, expired, cancelled, or not waiting — and the
// same state line added to a card of the user's own. Pure. Text from the event is escaped; the
// answer instructions exist only while waiting.

import type { RunContext } from '../github/context.js'
import type { Mention } from '../github/people.js'
import type { Language } from '../inputs/config.js'
import { escapeCardMarkdown, neutralizeMarkup } from '../markup/escape.js'
import { isPlainObject } from '../base/objects.js'
import { APPROVAL_LABELS, type ApprovalLabels } from './approval-labels.js'
import { cardMentions, type Card } from './cards.js'
import { localesOf, mergeLocales } from './i18n.js'

export type ApprovalState =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'approved' | 'rejected'; readonly by: readonly string[]; readonly at: number }
  | { readonly kind: 'expired'; readonly afterText: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'stopped'; readonly reason: string }

export interface ApprovalCardOptions {
  /** The approvers as resolved: ids are mentioned, the unresolved written as text. */
  readonly approvers: readonly Mention[]
  readonly approvals: number
  /** How many approvers can approve (the initiator excluded). */
  readonly eligible: number
  readonly excludeInitiator: boolean
  /** Replaces the built-in title; already filled and trusted (the workflow author's). */
  readonly title: string
  readonly language: Language
}

const LOOK: Record<ApprovalState['kind'], 'orange' | 'green' | 'red' | 'grey'> = {
  waiting: 'orange',
  approved: 'green',
  rejected: 'red',
  expired: 'grey',
  cancelled: 'grey',
  stopped: 'grey',
}
const TAG_COLOR = { orange: 'orange', green: 'green', red: 'red', grey: 'neutral' } as const

/** "14:02 UTC" for a time in ms. */
function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`
}

/** The state line in one language: the instructions while waiting, the outcome afterwards. */
export function stateText(state: ApprovalState, labels: ApprovalLabels): string {
  const who = (ids: readonly string[]): string => ids.map((id) => `<at id=${id}></at>`).join(', ')
  switch (state.kind) {
    case 'waiting':
      return labels.howTo
    case 'approved':
      return labels.approvedBy(who(state.by), clock(state.at))
    case 'rejected':
      return labels.rejectedBy(who(state.by), clock(state.at))
    case 'expired':
      return labels.expired(state.afterText)
    case 'cancelled':
      return labels.cancelled
    case 'stopped':
      return labels.stopped(escapeCardMarkdown(state.reason))
  }
}

/** The built-in approval card in `state`. */
export function approvalCard(context: RunContext, options: ApprovalCardOptions, state: ApprovalState): Card {
  const color = LOOK[state.kind]
  const make = (labels: ApprovalLabels): Card => {
    const workflow = context.workflow || 'Workflow'
    const link = (label: string, url: string): string =>
      url ? `[${escapeCardMarkdown(label)}](${url})` : escapeCardMarkdown(label)
    const lines: string[] = []
    if (context.repository) lines.push(`**${labels.repository}:** ${link(context.repository, context.repositoryUrl)}`)
    const ref = context.subject.name || context.refName
    if (ref) lines.push(`**${labels.ref}:** ${escapeCardMarkdown(ref)}`)
    const run = context.runNumber ? ` · ${labels.run(escapeCardMarkdown(context.runNumber))}` : ''
    lines.push(`**${labels.workflow}:** ${link(workflow, context.runUrl)}${run}`)
    if (context.actor) lines.push(`**${labels.startedBy}:** ${escapeCardMarkdown(context.actor)}`)
    lines.push(`**${labels.approvers}:** ${cardMentions(options.approvers)}`)
    const rule = [labels.rule(options.approvals, options.eligible)]
    if (options.excludeInitiator) rule.push(labels.initiatorExcluded)
    const elements: Card[] = [
      { tag: 'markdown', content: lines.join('\n') },
      { tag: 'markdown', content: rule.join(' ') },
      { tag: 'hr' },
      { tag: 'markdown', content: stateText(state, labels) },
    ]
    if (context.runUrl)
      elements.push({
        tag: 'column_set',
        columns: [
          {
            tag: 'column',
            width: 'auto',
            elements: [
              {
                tag: 'button',
                text: { tag: 'plain_text', content: labels.viewRun },
                type: 'default',
                behaviors: [{ type: 'open_url', default_url: context.runUrl }],
              },
            ],
          },
        ],
      })
    const title = options.title || labels.title(workflow)
    return {
      schema: '2.0',
      config: { update_multi: true, summary: { content: neutralizeMarkup(labels.summary(workflow)) } },
      header: {
        title: { tag: 'plain_text', content: neutralizeMarkup(title) },
        ...(context.repository
          ? { subtitle: { tag: 'plain_text', content: neutralizeMarkup(context.repository) } }
          : {}),
        template: color,
        text_tag_list: [
          { tag: 'text_tag', text: { tag: 'plain_text', content: labels.tag[state.kind] }, color: TAG_COLOR[color] },
        ],
      },
      body: { elements },
    }
  }
  return mergeLocales(localesOf(options.language).map((locale) => [locale, make(APPROVAL_LABELS[locale])] as const))
}

/**
 * A card of the user's own with the state line added at the end (card JSON 2.0: body.elements;
 * 1.0: elements, or each locale of i18n_elements). A template cannot be added to: the gate shows
 * the outcome with the built-in card instead (approval/gate.ts).
 */
export function withStateLine(card: Card, state: ApprovalState, language: Language): Card {
  const locales = localesOf(language)
  const words = locales.map((locale) => [locale, stateText(state, APPROVAL_LABELS[locale])] as const)
  const line: Card = { tag: 'markdown', content: words[0]![1] }
  const copy = structuredClone(card)
  if (copy.schema === '2.0') {
    if (words.length > 1) line.i18n_content = Object.fromEntries(words)
    const body = isPlainObject(copy.body) ? copy.body : {}
    body.elements = [...(Array.isArray(body.elements) ? (body.elements as unknown[]) : []), line]
    copy.body = body
    return copy
  }
  if (isPlainObject(copy.i18n_elements)) {
    for (const [locale, elements] of Object.entries(copy.i18n_elements)) {
      const text = words.find(([known]) => known === locale)?.[1] ?? line.content
      if (Array.isArray(elements))
        copy.i18n_elements[locale] = [...(elements as unknown[]), { tag: 'markdown', content: text }]
    }
    return copy
  }
  copy.elements = [...(Array.isArray(copy.elements) ? (copy.elements as unknown[]) : []), line]
  return copy
}
