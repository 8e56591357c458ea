// Who the `mention` input means, in Feishu: each entry (an id, an e-mail or phone, `@login`, or
// the run's actor, commit author or pull request author) made into an id, a lookup for
// feishu/contacts.ts, or a reason it cannot be had; then, with the lookups' answers, the mentions
// compose writes (plain data) and one outcome per entry for the log and the job summary. E-mails
// and phone numbers appear only masked in what this module says. A mention that cannot be had
// never stops the message; in webhook mode, one that would need a lookup is an input error.

import { maskEmail } from '../base/personal.js'
import { lookupKey, type Lookup, type LookupProblem } from '../feishu/contacts.js'
import { InputError } from '../inputs/errors.js'
import { isGitHubLogin, shownPerson, type FeishuPerson, type MentionRequest, type UserMap } from '../inputs/mentions.js'
import type { RunContext } from './context.js'

/** A mention as compose writes it: an id Feishu mentions (open_id, user_id or `all`, §14.2), or text in its place. */
export type Mention = { readonly id: string } | { readonly text: string }

type Target =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'lookup'; readonly lookup: Lookup }
  | { readonly kind: 'none'; readonly problem: LookupProblem }

/** One `mention` entry, planned. */
export interface PlannedMention {
  /** How the entry is named in the log and the summary (masked): `@octocat`, `${commit_author} (@octocat)`, `a***@example.com`. */
  readonly asked: string
  /** What the message shows when the person cannot be mentioned: the login, else the masked address. */
  readonly label: string
  /** Where the Feishu person came from: `mention`, `users`, the commit's e-mail. */
  readonly via: string
  readonly target: Target
}

/** What became of one entry. */
export interface MentionOutcome {
  readonly asked: string
  /** The id mentioned (ou_..., user_id:..., all); '' when not resolved. */
  readonly resolvedTo: string
  readonly via: string
  /** Why not resolved; for a dry run, `lookup` says what a real run would look up. */
  readonly problem?: LookupProblem
  /** Dry run: the masked e-mail or number a real run would look up. */
  readonly lookup?: string
}

const EMAIL = /^[^@\s<>"'`]+@[^@\s<>"'`]+\.[^@\s<>"'`]+$/

function fromPerson(person: FeishuPerson): Target {
  switch (person.kind) {
    case 'open_id':
      return { kind: 'id', id: person.id }
    case 'user_id':
      return { kind: 'id', id: `user_id:${person.id}` }
    case 'email':
      return { kind: 'lookup', lookup: { email: person.email } }
    case 'mobile':
      return { kind: 'lookup', lookup: { mobile: person.mobile } }
  }
}

const MAP_IT = (login: string): string =>
  `map ${login} to an open_id (ou_...), e-mail or phone number in \`users\` (e.g. an organisation variable: users: \${{ vars.FEISHU_USERS }})`

/** A commit e-mail that is someone's real address: not GitHub's noreply alias. */
function usableEmail(email: string): boolean {
  return EMAIL.test(email) && !/noreply/i.test(email)
}

/** A GitHub user: `users` first, else the e-mail GitHub gives for their commit in this event. */
function forLogin(login: string, users: UserMap, context: RunContext, commitEmail = ''): Omit<PlannedMention, 'asked'> {
  const label = `@${login}`
  const mapped = users.get(login.toLowerCase())
  if (mapped) return { label, via: '`users`', target: fromPerson(mapped) }
  const email =
    commitEmail ||
    context.commitPeople.find((person) => person.login.toLowerCase() === login.toLowerCase())?.email ||
    ''
  if (usableEmail(email)) return { label, via: 'the commit e-mail', target: { kind: 'lookup', lookup: { email } } }
  return {
    label,
    via: '',
    target: {
      kind: 'none',
      problem: {
        reason: email
          ? `${label} is not in \`users\`, and GitHub gives only a noreply address for their commit`
          : `${label} is not in \`users\`, and this event gives no e-mail for them`,
        fix: MAP_IT(login),
      },
    },
  }
}

function runPerson(
  who: 'actor' | 'commit_author' | 'pull_request_author',
  users: UserMap,
  context: RunContext,
): Omit<PlannedMention, 'asked'> {
  const none = (reason: string, fix: string): Omit<PlannedMention, 'asked'> => ({
    label: '',
    via: '',
    target: { kind: 'none', problem: { reason, fix } },
  })
  if (who === 'actor')
    return isGitHubLogin(context.actor)
      ? forLogin(context.actor, users, context)
      : none('this run names no GitHub user as its actor', 'mention the person by @login or open_id')
  if (who === 'pull_request_author')
    return isGitHubLogin(context.pullRequestAuthor)
      ? forLogin(context.pullRequestAuthor, users, context)
      : none(
          `this ${context.eventName || 'run'} event names no pull request author`,
          'use ${pull_request_author} in workflows triggered by pull_request or pull_request_target',
        )
  const author = context.commitAuthor
  if (author?.login && isGitHubLogin(author.login)) return forLogin(author.login, users, context, author.email)
  // A commit's author e-mail is whatever its author typed: without a GitHub login matched to it
  // (push payloads carry one), looking it up would let anyone who gets a commit into a run choose
  // who is mentioned. Such an author is written as text.
  const unresolved = none(
    author?.email
      ? usableEmail(author.email)
        ? 'the head commit names no GitHub user, only an e-mail address, which GitHub has not tied to an account'
        : 'the head commit has only a noreply e-mail and no GitHub login'
      : `this ${context.eventName || 'run'} event names no commit author`,
    author?.email
      ? 'mention the person by @login with a `users` entry, or use ${actor}'
      : '${commit_author} works on push and workflow_run events',
  )
  // Written as the masked address, so the message still says who it was about.
  return author?.email ? { ...unresolved, label: maskEmail(author.email) } : unresolved
}

/** Each `mention` entry: an id, a lookup, or why neither. In webhook mode a lookup is an input error (§14.2). */
export function planMentions(
  requests: readonly MentionRequest[],
  users: UserMap,
  context: RunContext,
  mode: 'app' | 'webhook',
): PlannedMention[] {
  return requests.map((request) => {
    let planned: PlannedMention
    switch (request.kind) {
      case 'all':
        planned = { asked: 'all', label: '@all', via: '`mention`', target: { kind: 'id', id: 'all' } }
        break
      case 'person': {
        const shown = shownPerson(request.person)
        planned = { asked: shown, label: shown, via: '`mention`', target: fromPerson(request.person) }
        break
      }
      case 'github':
        planned = { asked: `@${request.login}`, ...forLogin(request.login, users, context) }
        break
      case 'run': {
        const found = runPerson(request.who, users, context)
        planned = { asked: `\${${request.who}}${found.label ? ` (${found.label})` : ''}`, ...found }
        break
      }
    }
    // A custom bot cannot look anyone up. A person named in the input is a mistake to fix now; one
    // the run names (${actor}, ...) changes from run to run, so they are written as text, with a warning.
    if (mode === 'webhook' && request.kind === 'run' && planned.target.kind === 'lookup') {
      const login = planned.label.startsWith('@') ? planned.label.slice(1) : ''
      planned = {
        ...planned,
        via: '',
        target: {
          kind: 'none',
          problem: {
            reason: 'a custom bot webhook cannot look anyone up by e-mail',
            fix: login ? MAP_IT(login) : 'mention them by open_id, or send with an app (app-id and app-secret)',
          },
        },
      }
    }
    if (
      mode === 'webhook' &&
      request.kind !== 'run' &&
      planned.target.kind === 'none' &&
      planned.label.startsWith('@')
    ) {
      const login = planned.label.slice(1)
      throw new InputError(
        'mention',
        `${planned.asked} is not in \`users\`, and a custom bot webhook cannot look anyone up; map ${login} to an open_id (ou_...) in \`users\`, or send with an app (app-id and app-secret)`,
      )
    }
    if (mode === 'webhook' && planned.target.kind === 'lookup') {
      const login = planned.label.startsWith('@') ? planned.label.slice(1) : ''
      throw new InputError(
        'mention',
        `${planned.asked} needs a lookup by ${'email' in planned.target.lookup ? 'e-mail' : 'phone number'} (${planned.via}), which a custom bot webhook cannot make; ${login ? `map ${login} to an open_id (ou_...) in \`users\`` : 'mention them by open_id'}, or send with an app (app-id and app-secret)`,
      )
    }
    return planned
  })
}

/** The lookups a plan needs, each person once. */
export function lookupsOf(plan: readonly PlannedMention[]): Lookup[] {
  const seen = new Map<string, Lookup>()
  for (const { target } of plan) if (target.kind === 'lookup') seen.set(lookupKey(target.lookup), target.lookup)
  return [...seen.values()]
}

/**
 * Mentions at least as large as any the lookups can give: every looked-up person both as the
 * text in their place and as an id longer than any open_id. Composing with these first reports
 * every input error (a placeholder, the size) before the first lookup is sent.
 */
export function boundingMentions(plan: readonly PlannedMention[]): Mention[] {
  return plan.flatMap(({ label, target }): Mention[] => {
    if (target.kind === 'id') return [{ id: target.id.replace(/^user_id:/, '') }]
    if (target.kind === 'none') return label ? [{ text: label }] : []
    return [{ text: label }, { id: `ou_${'0'.repeat(61)}` }]
  })
}

/**
 * The mentions to write and what became of each entry, given the lookups' answers (undefined in a
 * dry run, which looks nobody up). An unresolved person is written as text: the login, else the
 * masked address. Each id is mentioned once.
 */
export function settleMentions(
  plan: readonly PlannedMention[],
  answers: ReadonlyMap<string, string | LookupProblem> | undefined,
): { mentions: Mention[]; outcomes: MentionOutcome[] } {
  const mentions: Mention[] = []
  const outcomes: MentionOutcome[] = []
  const ids = new Set<string>()
  for (const { asked, label, via, target } of plan) {
    let id = ''
    let problem: LookupProblem | undefined
    let lookup: string | undefined
    if (target.kind === 'id') id = target.id
    else if (target.kind === 'none') problem = target.problem
    else if (!answers)
      lookup =
        'email' in target.lookup
          ? maskEmail(target.lookup.email)
          : shownPerson({ kind: 'mobile', mobile: target.lookup.mobile })
    else {
      const answer = answers.get(lookupKey(target.lookup))
      if (typeof answer === 'string') id = answer
      else problem = answer ?? { reason: 'it was not looked up', fix: 'please report this as a bug' }
    }
    outcomes.push({ asked, resolvedTo: id, via, ...(problem ? { problem } : {}), ...(lookup ? { lookup } : {}) })
    if (id) {
      const written = id.replace(/^user_id:/, '')
      if (!ids.has(written)) mentions.push({ id: written })
      ids.add(written)
    } else if (label) mentions.push({ text: label })
  }
  return { mentions, outcomes }
}
