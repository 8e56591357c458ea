// Finds open_ids for e-mail addresses and phone numbers with the app's token (§14.1,
// POST /open-apis/contact/v3/users/batch_get_id): the requests (50 e-mails and 50 numbers each at
// most, as few as possible), and what Feishu's answers say of each person. A person who cannot
// be found, or whose lookup fails, is reported, never thrown: a mention is an optional extra.
// Knows nothing of GitHub; the addresses are personal data and never go into a log line here.

import { FeishuError } from './errors.js'
import type { AppRequest, FeishuClient } from './client.js'
import type { FeishuBody } from './request.js'

const BATCH_GET_ID_PATH = '/open-apis/contact/v3/users/batch_get_id'
/** §14.1: at most 50 e-mails and 50 mobiles per request. */
const PER_REQUEST = 50
const CONTACT_SCOPE = 'contact:user.id:readonly'

/** Someone to look up: exactly one of email and mobile. */
export type Lookup = { readonly email: string } | { readonly mobile: string }

/** Why a person was not found, and what to change. */
export interface LookupProblem {
  readonly reason: string
  readonly fix: string
}

/** The same person, however the address or number was written: e-mails in lower case, numbers with their country code. */
export function lookupKey(lookup: Lookup): string {
  if ('email' in lookup) return `email:${lookup.email.toLowerCase()}`
  const digits = lookup.mobile.replace(/^\+/, '')
  // §14.1: a number without + is a mainland China number.
  return `mobile:${lookup.mobile.startsWith('+') ? digits : `86${digits}`}`
}

/** The batch_get_id requests for `lookups`, each person once: one request per 50 e-mails and 50 numbers. */
export function batchGetIdRequests(baseUrl: string, lookups: readonly Lookup[]): AppRequest[] {
  const emails = new Map<string, string>()
  const mobiles = new Map<string, string>()
  for (const lookup of lookups) {
    if ('email' in lookup) emails.set(lookupKey(lookup), lookup.email)
    else mobiles.set(lookupKey(lookup), lookup.mobile)
  }
  const emailList = [...emails.values()]
  const mobileList = [...mobiles.values()]
  const count = Math.ceil(Math.max(emailList.length, mobileList.length) / PER_REQUEST)
  return Array.from({ length: count }, (_, index) => {
    const body: { emails?: string[]; mobiles?: string[]; include_resigned: boolean } = { include_resigned: false }
    const someEmails = emailList.slice(index * PER_REQUEST, (index + 1) * PER_REQUEST)
    const someMobiles = mobileList.slice(index * PER_REQUEST, (index + 1) * PER_REQUEST)
    if (someEmails.length) body.emails = someEmails
    if (someMobiles.length) body.mobiles = someMobiles
    return {
      method: 'POST' as const,
      url: `${baseUrl}${BATCH_GET_ID_PATH}?user_id_type=open_id`,
      body,
      limitKey: 'api:batch_get_id',
    }
  })
}

const NOT_FOUND: LookupProblem = {
  reason:
    "Feishu found no user with it: not in the app's contact data range, resigned, or not the address or number of their Feishu profile",
  fix: "check it is the one in the person's Feishu profile (enterprise mailbox addresses are not supported), and that the app's contact data range (developer console, Permissions & Scopes) includes them; or map them to an open_id in `users`",
}

/** What the lookups found: an open_id, or the problem, for every lookupKey asked. */
export async function lookUpOpenIds(
  client: FeishuClient,
  baseUrl: string,
  lookups: readonly Lookup[],
): Promise<Map<string, string | LookupProblem>> {
  const found = new Map<string, string | LookupProblem>()
  for (const request of batchGetIdRequests(baseUrl, lookups)) {
    const body = request.body as { emails?: string[]; mobiles?: string[] }
    const asked = [
      ...(body.emails ?? []).map((email) => lookupKey({ email })),
      ...(body.mobiles ?? []).map((mobile) => lookupKey({ mobile })),
    ]
    let answer: FeishuBody
    try {
      answer = await client.call('open_id lookup (batch_get_id)', request)
    } catch (error) {
      const problem = lookupFailure(error)
      for (const key of asked) found.set(key, problem)
      continue
    }
    // §14.1: an id only from an entry that names what was asked and carries a user_id; anything else is a miss.
    const list = answer.data?.user_list
    for (const entry of Array.isArray(list) ? (list as unknown[]) : []) {
      if (typeof entry !== 'object' || entry === null) continue
      const { user_id: id, email, mobile } = entry as Record<string, unknown>
      if (typeof id !== 'string' || !/^ou_[A-Za-z0-9_-]+$/.test(id)) continue
      const key =
        typeof email === 'string' && email
          ? lookupKey({ email })
          : typeof mobile === 'string' && mobile
            ? lookupKey({ mobile })
            : ''
      if (asked.includes(key) && !found.has(key)) found.set(key, id)
    }
    for (const key of asked) if (!found.has(key)) found.set(key, NOT_FOUND)
  }
  return found
}

/** A lookup request that failed: Feishu's code, what it means, and the fix; the scope named for 99991672 (§8.1). */
function lookupFailure(error: unknown): LookupProblem {
  if (!(error instanceof FeishuError)) throw error
  const code = error.code !== null ? ` (Feishu code ${error.code})` : ''
  if (error.code === 99991672) {
    return {
      reason: `the app lacks the scope ${CONTACT_SCOPE}, which looking people up by e-mail or phone needs${code}`,
      fix: error.fix.includes(CONTACT_SCOPE)
        ? error.fix
        : `add the scope ${CONTACT_SCOPE} under Permissions & Scopes in the developer console, then create and publish a new app version; a tenant admin may need to approve it`,
    }
  }
  return { reason: `the lookup failed: ${error.meaning}${code}`, fix: error.fix }
}
