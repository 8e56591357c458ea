// The signed `value` of an approval button. Feishu hands a click's `behaviors[].value` object back
// verbatim to whichever connected client of the app it picks (cluster mode), so the value alone must
// say which gate it decides and who may decide it, and nobody without the app secret may make one.
// Owns that value: its fields, the key (HKDF-SHA256 from the app secret), the signature (HMAC-SHA256
// over a canonical form, so Feishu reordering keys cannot break it), the keyed hashes that stand
// for approvers' open_ids, and the checks on a received value (marker, shape, size, signature in
// constant time, expiry). It knows nothing of cards or toasts.

import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'

/** The marker and format version: a value without it is not ours (another app's card, an old format). */
const MARKER = 'ccg'
const VERSION = 1
/** Bytes of a serialised value at most, signed or received. */
export const MAX_VALUE_BYTES = 2048
const MAX_APPROVERS = 64
const MAX_TITLE = 100
const MAX_LABEL = 40
const HASH_BYTES = 12

export type Decision = 'approve' | 'reject'

/** What a button value says, once verified. */
export interface GateValue {
  /** owner/name */
  readonly repository: string
  readonly runId: string
  readonly attempt: number
  /** Random per gate: two gates of one run attempt never share a value. */
  readonly nonce: string
  readonly decision: Decision
  /** Epoch seconds after which a click no longer counts. */
  readonly expiresAt: number
  /** Keyed hashes of the approvers' open_ids (approverHash). */
  readonly approvers: readonly string[]
  /** Display labels of the approvers, same order, when the gate gave them. */
  readonly labels?: readonly string[]
  /** Hash of the initiator under the four-eyes rule: may reject, may not approve. */
  readonly excluded?: string
  /** Distinct approvals that decide. */
  readonly approvals: number
  /** Hashes of approvers who approved already (approvals > 1). */
  readonly approvedBy?: readonly string[]
  /** A short title for the answer card. */
  readonly title?: string
  /** zh_cn, en_us or ja_jp: the gate's language. */
  readonly locale?: string
}

export type VerifyResult =
  | { readonly ok: true; readonly value: GateValue }
  | { readonly ok: false; readonly reason: 'foreign' | 'malformed' | 'oversized' | 'forged' }
  /** Signed by us, but past its expiry: the gate it names is over. */
  | { readonly ok: false; readonly reason: 'expired'; readonly value: GateValue }

/** The key every run of one app derives alike; never logged, never in a value. */
export function approvalKey(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, Buffer.alloc(0), 'card-courier approval buttons v1', 32))
}

/** A fresh nonce for one gate. */
export function gateNonce(): string {
  return randomBytes(12).toString('base64url')
}

/** The hash that stands for one open_id in a value: keyed, so the value does not disclose it. */
export function approverHash(key: Buffer, openId: string): string {
  return createHmac('sha256', key).update(`approver\0${openId}`).digest().subarray(0, HASH_BYTES).toString('base64url')
}

/** The button value for `gate`: a plain object with the signature in `s`. Throws when oversized. */
export function signGateValue(key: Buffer, gate: GateValue): Record<string, unknown> {
  const problem = shapeProblem(gate)
  if (problem) throw new RangeError(`approval button value: ${problem}`)
  const value: Record<string, unknown> = {
    [MARKER]: VERSION,
    r: gate.repository,
    n: gate.runId,
    a: gate.attempt,
    g: gate.nonce,
    d: gate.decision,
    e: gate.expiresAt,
    p: gate.approvers,
    q: gate.approvals,
    ...(gate.labels && { l: gate.labels }),
    ...(gate.excluded && { x: gate.excluded }),
    ...(gate.approvedBy?.length && { k: gate.approvedBy }),
    ...(gate.title && { t: gate.title }),
    ...(gate.locale && { lc: gate.locale }),
  }
  value.s = signature(key, gate)
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_VALUE_BYTES) {
    throw new RangeError(
      `approval button value: over ${MAX_VALUE_BYTES} bytes (too many approvers or too long a title)`,
    )
  }
  return value
}

/** Checks a received value: ours, well formed, not oversized, signed with `key`, not expired at `nowS`. */
export function verifyGateValue(key: Buffer, raw: unknown, nowS: number): VerifyResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'foreign' }
  const value = raw as Record<string, unknown>
  if (!(MARKER in value)) return { ok: false, reason: 'foreign' }
  let size: number
  try {
    size = Buffer.byteLength(JSON.stringify(value))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (size > MAX_VALUE_BYTES) return { ok: false, reason: 'oversized' }
  const gate = readGate(value)
  if (!gate || typeof value.s !== 'string') return { ok: false, reason: 'malformed' }
  const given = Buffer.from(value.s, 'base64url')
  const expected = Buffer.from(signature(key, gate), 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' }
  if (nowS > gate.expiresAt) return { ok: false, reason: 'expired', value: gate }
  return { ok: true, value: gate }
}

function signature(key: Buffer, gate: GateValue): string {
  const canonical = JSON.stringify([
    MARKER,
    VERSION,
    gate.repository,
    gate.runId,
    gate.attempt,
    gate.nonce,
    gate.decision,
    gate.expiresAt,
    gate.approvers,
    gate.labels ?? null,
    gate.excluded ?? null,
    gate.approvals,
    gate.approvedBy?.length ? gate.approvedBy : null,
    gate.title ?? null,
    gate.locale ?? null,
  ])
  return createHmac('sha256', key).update(canonical).digest('base64url')
}

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max
const isTextList = (value: unknown, max: number): value is string[] =>
  Array.isArray(value) && value.length <= MAX_APPROVERS && value.every((item) => isText(item, max))

function readGate(value: Record<string, unknown>): GateValue | undefined {
  const { r, n, a, g, d, e, p, q, l, x, k, t, lc } = value
  if (value[MARKER] !== VERSION) return undefined
  if (!isText(r, 200) || !isText(n, 40) || !isText(g, 64)) return undefined
  if (typeof a !== 'number' || !Number.isInteger(a) || typeof e !== 'number' || !Number.isInteger(e)) return undefined
  if ((d !== 'approve' && d !== 'reject') || typeof q !== 'number' || !Number.isInteger(q)) return undefined
  if (!isTextList(p, 32) || (l !== undefined && !isTextList(l, MAX_LABEL)) || (k !== undefined && !isTextList(k, 32)))
    return undefined
  if (
    (x !== undefined && !isText(x, 32)) ||
    (t !== undefined && !isText(t, MAX_TITLE)) ||
    (lc !== undefined && !isText(lc, 8))
  )
    return undefined
  const gate: GateValue = {
    repository: r,
    runId: n,
    attempt: a,
    nonce: g,
    decision: d,
    expiresAt: e,
    approvers: p,
    approvals: q,
    ...(l !== undefined && { labels: l }),
    ...(x !== undefined && { excluded: x }),
    ...(k !== undefined && { approvedBy: k }),
    ...(t !== undefined && { title: t }),
    ...(lc !== undefined && { locale: lc }),
  }
  return shapeProblem(gate) ? undefined : gate
}

/** What makes a gate unfit for a value, or '' when it is fit. */
function shapeProblem(gate: GateValue): string {
  if (gate.approvers.length === 0 || gate.approvers.length > MAX_APPROVERS) return `1 to ${MAX_APPROVERS} approvers`
  if (gate.labels && gate.labels.length !== gate.approvers.length) return 'one label per approver'
  if (gate.labels?.some((label) => label.length === 0 || label.length > MAX_LABEL))
    return `labels of 1 to ${MAX_LABEL} characters`
  if (gate.approvals < 1 || gate.approvals > gate.approvers.length)
    return 'approvals between 1 and the number of approvers'
  if (gate.title !== undefined && (gate.title.length === 0 || gate.title.length > MAX_TITLE))
    return `a title of 1 to ${MAX_TITLE} characters`
  if (gate.attempt < 1 || gate.expiresAt < 0) return 'a positive attempt and expiry'
  return ''
}
