// Reads the `mention` input (who to @) and the `users` input (GitHub login -> Feishu person) into
// plain data: what each entry asks for, and the map, every shape checked, so a mistake is an input
// error before any request. Resolving them (the run's people, e-mail and phone lookups) happens
// later, in github/people.ts and feishu/contacts.ts. Never repeats an e-mail address or phone
// number unmasked in an error. Pure apart from parsing YAML.

import { bounded } from '../base/bounded.js'
import { maskEmail, maskPersonal, maskPhone } from '../base/personal.js'
import { InputError, shown } from './errors.js'
import { checkIdLength, MAX_ID_LENGTH } from './ids.js'
import { splitList } from './receivers.js'
import { parseMapping } from './structured.js'

/** A Feishu person as the workflow names them: by id (§14.2), or by what batch_get_id looks up (§14.1). */
export type FeishuPerson =
  | { readonly kind: 'open_id'; readonly id: string }
  | { readonly kind: 'user_id'; readonly id: string }
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'mobile'; readonly mobile: string }

/** The GitHub people of the run a `mention` entry may name: `${actor}`, `${commit_author}`, `${pull_request_author}`. */
const RUN_PEOPLE = ['actor', 'commit_author', 'pull_request_author'] as const
type RunPerson = (typeof RUN_PEOPLE)[number]

/** One entry of `mention`, as written. */
export type MentionRequest =
  | { readonly kind: 'all' }
  | { readonly kind: 'person'; readonly person: FeishuPerson }
  | { readonly kind: 'github'; readonly login: string }
  | { readonly kind: 'run'; readonly who: RunPerson }

/** `users`: GitHub logins, lower-cased (GitHub's logins are case-insensitive), to Feishu people. */
export type UserMap = ReadonlyMap<string, FeishuPerson>

const OPEN_ID = /^ou_[A-Za-z0-9_-]+$/
const USER_ID = /^[A-Za-z0-9_.-]+$/
const EMAIL = /^[^@\s<>"'`]+@[^@\s<>"'`]+\.[^@\s<>"'`]+$/
const MAX_MENTIONS = 500
/** With + and the country code, or digits alone (a mainland China number, §14.1). */
const PHONE = /^\+?\d{5,15}$/
/** GitHub logins: letters, digits and single hyphens, at most 39; apps' bots end in [bot]. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/

/** A GitHub login as GitHub allows them; anything else (a hostile payload) names nobody. */
export function isGitHubLogin(login: string): boolean {
  return LOGIN.test(login)
}

/** How a person may be shown in a log line or an error: ids as they are, e-mails and phones masked. */
export function shownPerson(person: FeishuPerson): string {
  switch (person.kind) {
    case 'open_id':
      return person.id
    case 'user_id':
      return `user_id:${person.id}`
    case 'email':
      return maskEmail(person.email)
    case 'mobile':
      return maskPhone(person.mobile)
  }
}

/** An open_id, `user_id:...`, an e-mail or a phone number; undefined when it is none of them. */
function readPerson(entry: string, input: string): FeishuPerson | undefined {
  // Before any pattern: an entry far beyond any real id is refused, and never matched in full.
  checkIdLength(input, entry, 'person (open_id, user_id, e-mail or phone number)')
  if (OPEN_ID.test(entry)) return { kind: 'open_id', id: entry }
  const typed = /^user_id:(.*)$/i.exec(entry)
  if (typed) {
    const id = typed[1] ?? ''
    if (!USER_ID.test(id))
      throw new InputError(input, `"${shownEntry(entry)}" is not a valid user_id (letters, digits, _ . -)`)
    return { kind: 'user_id', id }
  }
  if (EMAIL.test(entry)) return { kind: 'email', email: entry }
  if (PHONE.test(entry)) return { kind: 'mobile', mobile: entry }
  return undefined
}

/** What `entry` looks like, masked where it could be personal data, invisible characters shown as \\u escapes. */
function shownEntry(entry: string): string {
  // Cut before any pattern: they are not meant for 100,000 characters.
  if (entry.length > MAX_ID_LENGTH) return shown(maskPersonal(bounded(entry, 60)))
  if (/^[^@\s]+@[^@\s]+$/.test(entry)) return shown(maskEmail(entry))
  if (/^\+?[\d\s-]{5,}$/.test(entry)) return shown(maskPhone(entry.replace(/[\s-]/g, '')))
  return shown(maskPersonal(bounded(entry, 60)))
}

/**
 * `mention`: separated by newlines, commas or spaces; `all`, an open_id, `user_id:<id>`, an e-mail,
 * a phone number, `@login`, or `${actor}` / `${commit_author}` / `${pull_request_author}`. Each
 * entry once, in the order given.
 */
export function readMentionInput(value: string): MentionRequest[] {
  const requests: MentionRequest[] = []
  const seen = new Set<string>()
  const entries = splitList(value)
  // Bounds the lookups (10 requests at most, §14.1) and the message, before any request.
  if (entries.length > MAX_MENTIONS)
    throw new InputError(
      'mention',
      `has ${entries.length} entries; at most ${MAX_MENTIONS} people can be mentioned in one message`,
    )
  for (const entry of entries) {
    const request = readMention(entry)
    const key = JSON.stringify(request).toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    requests.push(request)
  }
  return requests
}

function readMention(entry: string): MentionRequest {
  if (/^@?all$/i.test(entry)) return { kind: 'all' }
  const run = /^\$\{([a-z_]+)\}$/.exec(entry)
  if (run) {
    const who = run[1] as RunPerson
    if (!RUN_PEOPLE.includes(who))
      throw new InputError(
        'mention',
        `"${shownEntry(entry)}" is not one of ${RUN_PEOPLE.map((name) => `\${${name}}`).join(', ')}`,
      )
    return { kind: 'run', who }
  }
  // `@ou_...` has always meant the open_id; GitHub logins cannot contain `_`.
  if (/^@ou_/.test(entry)) return readMention(entry.slice(1))
  if (entry.startsWith('@')) {
    const login = entry.slice(1)
    if (!LOGIN.test(login)) throw new InputError('mention', `"${shownEntry(entry)}" is not a GitHub user (@login)`)
    return { kind: 'github', login }
  }
  const person = readPerson(entry, 'mention')
  if (person) return { kind: 'person', person }
  throw new InputError(
    'mention',
    `"${shownEntry(entry)}" is not all, an open_id (ou_...), user_id:<id>, an e-mail address, a phone number (+8613812345678), a GitHub user (@login) or \${actor}, \${commit_author}, \${pull_request_author}`,
  )
}

/**
 * `users`: a YAML or JSON mapping from GitHub login to a Feishu person (open_id, `user_id:...`,
 * e-mail or phone), typically an organisation variable. Logins are matched case-insensitively.
 */
export async function readUsersInput(source: string): Promise<UserMap> {
  const users = new Map<string, FeishuPerson>()
  if (!source.trim()) return users
  const mapping = await parseMapping(source, 'users')
  for (const [rawLogin, value] of Object.entries(mapping)) {
    const login = rawLogin.replace(/^@/, '')
    if (!LOGIN.test(login)) throw new InputError('users', `"${shownEntry(rawLogin)}" is not a GitHub login`)
    const key = login.toLowerCase()
    if (users.has(key))
      throw new InputError('users', `"${login}" is given twice (GitHub logins are not case-sensitive)`)
    if (typeof value === 'number')
      throw new InputError(
        'users',
        `the value for "${login}" is a number; write a phone number in quotes, with + and the country code ("+8613812345678")`,
      )
    const entry = typeof value === 'string' ? value.trim() : undefined
    const person = entry === undefined ? undefined : readPerson(entry, 'users')
    if (!person)
      throw new InputError(
        'users',
        `the value for "${login}" is not an open_id (ou_...), user_id:<id>, an e-mail address or a phone number${entry ? ` ("${shownEntry(entry)}")` : ''}`,
      )
    users.set(key, person)
  }
  return users
}

/**
 * A custom bot cannot look anyone up (§14.2): in webhook mode every person must be an open_id or a
 * user_id, directly or through `users`. The run's people are checked once the event is read.
 */
export function checkWebhookMentions(requests: readonly MentionRequest[], users: UserMap): void {
  for (const request of requests) {
    const person =
      request.kind === 'person'
        ? request.person
        : request.kind === 'github'
          ? users.get(request.login.toLowerCase())
          : null
    if (person === null) continue
    // An unmapped login: `person` is undefined.
    const who = request.kind === 'github' ? `@${request.login}` : shownPerson(person!)
    if (!person)
      throw new InputError(
        'mention',
        `${who} is not in \`users\`, and a custom bot webhook cannot look anyone up; map ${who.slice(1)} to an open_id (ou_...) in \`users\`, or send with an app (app-id and app-secret)`,
      )
    if (person.kind === 'email' || person.kind === 'mobile')
      throw new InputError(
        'mention',
        `${who}${request.kind === 'github' ? ` is mapped to ${shownPerson(person)} in \`users\`, which` : ''} needs a lookup by ${person.kind === 'email' ? 'e-mail' : 'phone number'}, which a custom bot webhook cannot make; map ${request.kind === 'github' ? who.slice(1) : 'the person'} to an open_id (ou_...) in \`users\`, or send with an app (app-id and app-secret)`,
      )
  }
}
