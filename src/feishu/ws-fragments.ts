// Reassembly of split data frames on the long connection: a large message arrives as several frames
// with the same `message_id` header, `sum` parts in all and each part's index in `seq` (0-based, in
// any order). Owns the buffer of unfinished messages, bounded in count, bytes and time (an
// unfinished message is dropped after a while, as Feishu's SDKs do); knows nothing of sockets.

export interface FragmentLimits {
  /** Parts of one message at most. */
  readonly maxParts: number
  /** Bytes buffered at most, all unfinished messages together. */
  readonly maxBytes: number
  /** Unfinished messages kept at most. */
  readonly maxMessages: number
  /** How long an unfinished message waits for its other parts. */
  readonly ttlMs: number
}

const DEFAULT_FRAGMENT_LIMITS: FragmentLimits = {
  maxParts: 64,
  maxBytes: 4 * 1024 * 1024,
  maxMessages: 64,
  ttlMs: 10_000,
}

interface Pending {
  readonly parts: (Uint8Array | undefined)[]
  received: number
  bytes: number
  readonly timer: NodeJS.Timeout
}

/** What `add` makes of one part: the whole message, 'wait' for more parts, or why it was dropped. */
export type FragmentResult = { readonly complete: Uint8Array } | 'wait' | { readonly dropped: string }

export class FragmentBuffer {
  private readonly pending = new Map<string, Pending>()
  private bytes = 0

  constructor(private readonly limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {}

  /** One part; `sum` and `seq` as the frame's headers give them (text). */
  add(messageId: string, sumText: string | undefined, seqText: string | undefined, part: Uint8Array): FragmentResult {
    const sum = sumText === undefined ? 1 : Number(sumText)
    const seq = seqText === undefined ? 0 : Number(seqText)
    if (!Number.isInteger(sum) || sum < 1 || sum > this.limits.maxParts)
      return { dropped: `sum "${sumText}" out of range` }
    if (!Number.isInteger(seq) || seq < 0 || seq >= sum) return { dropped: `seq "${seqText}" out of range` }
    if (sum === 1) return { complete: part }
    let entry = this.pending.get(messageId)
    if (entry && entry.parts.length !== sum) {
      this.forget(messageId)
      return { dropped: 'parts disagree on sum' }
    }
    if (!entry) {
      if (this.pending.size >= this.limits.maxMessages) return { dropped: 'too many unfinished messages' }
      const timer = setTimeout(() => this.forget(messageId), this.limits.ttlMs)
      timer.unref()
      entry = { parts: new Array<Uint8Array | undefined>(sum).fill(undefined), received: 0, bytes: 0, timer }
      this.pending.set(messageId, entry)
    }
    if (entry.parts[seq] !== undefined) return 'wait'
    if (this.bytes + part.length > this.limits.maxBytes) {
      this.forget(messageId)
      return { dropped: 'over the byte limit' }
    }
    entry.parts[seq] = part
    entry.received += 1
    entry.bytes += part.length
    this.bytes += part.length
    if (entry.received < sum) return 'wait'
    const whole = Buffer.concat(entry.parts as Uint8Array[])
    this.forget(messageId)
    return { complete: new Uint8Array(whole.buffer, whole.byteOffset, whole.length) }
  }

  /** Unfinished messages held now. */
  get size(): number {
    return this.pending.size
  }

  clear(): void {
    for (const id of [...this.pending.keys()]) this.forget(id)
  }

  private forget(messageId: string): void {
    const entry = this.pending.get(messageId)
    if (!entry) return
    clearTimeout(entry.timer)
    this.bytes -= entry.bytes
    this.pending.delete(messageId)
  }
}
