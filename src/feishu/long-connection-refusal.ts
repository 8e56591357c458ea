// The ways Feishu refuses a long connection, as one typed error that names the cause and what to
// change. The codes are those the endpoint discovery answer and the upgrade's Handshake-* headers
// carry (Feishu's SDKs for the long connection; callback setup:
// https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/event-subscription-guide/callback-subscription/configure-callback-request-address).
// The caller turns it into a warning and waits for reactions instead.

export type RefusalReason = 'credentials' | 'forbidden' | 'connection-limit' | 'refused' | 'unreachable'

/** Codes of the discovery answer and of `Handshake-Status` / `Handshake-Autherrcode`. */
const CONNECTION_LIMIT_CODE = 1000040350
const AUTH_FAILED_CODE = 514
const FORBIDDEN_CODE = 403
/** Passing: "system busy" and "internal error"; trying again later can help. */
const PASSING_CODES: ReadonlySet<number> = new Set([1, 1000040343])

const HINTS: Readonly<Record<RefusalReason, string>> = {
  credentials:
    'Feishu refused the app credentials for the long connection: check app-id and app-secret, and that the app is a self-built app of this tenant',
  forbidden:
    'Feishu does not let this app open a long connection: only self-built apps can, with the callback subscription set to the long connection in the developer console',
  'connection-limit':
    'the app already holds 50 long connections, the most Feishu allows per app: fewer runs may wait on buttons at once (or use a dedicated app for approvals)',
  refused: 'Feishu refused the long connection',
  unreachable: 'the long connection could not be opened',
}

export class LongConnectionRefused extends Error {
  override readonly name = 'LongConnectionRefused'
  constructor(
    readonly reason: RefusalReason,
    /** Feishu's code, when it gave one. */
    readonly code: number | null,
    detail = '',
  ) {
    super(`${HINTS[reason]}${code !== null ? ` (code ${code})` : ''}${detail ? `: ${detail}` : ''}`)
  }
}

/** The refusal a non-zero code means; undefined for a passing code (busy, internal error). */
export function refusalForCode(code: number, detail = ''): LongConnectionRefused | undefined {
  if (PASSING_CODES.has(code)) return undefined
  if (code === AUTH_FAILED_CODE) return new LongConnectionRefused('credentials', code, detail)
  if (code === FORBIDDEN_CODE) return new LongConnectionRefused('forbidden', code, detail)
  if (code === CONNECTION_LIMIT_CODE) return new LongConnectionRefused('connection-limit', code, detail)
  return new LongConnectionRefused('refused', code, detail)
}
