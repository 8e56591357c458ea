// Fitting converted release notes into a byte budget. The notes are rendered as a tree of pieces
// whose joins are the only places a cut may happen, so a cut never falls inside a code block, a
// table row or a link. Pure.

import { jsonStringBytes } from '../../base/json.js'
import { safeHttpUrl } from '../../markup/safe-url.js'

// Pieces: the rendered notes as a tree whose joins are the only places a cut may happen. A string
// is atomic (a code block, a table row, a link); a group may be cut between its parts, or inside
// its last kept part when that part is a group too. Text (a `words` group) is only cut between
// words when nothing at all has been kept yet: a paragraph cut mid-sentence is worth showing only
// when the alternative is an empty card.

export type Piece = string | Group
interface Group {
  readonly parts: readonly Piece[]
  readonly sep: string
  /** Fewer kept parts than this and the group is dropped (a table needs its header and a row; a list marker needs content). */
  readonly minParts: number
  /** Literal text: its strings may be cut after a space. */
  readonly words: boolean
}

export function group(parts: readonly Piece[], sep: string, minParts = 1, words = false): Piece {
  const kept = parts.filter((part) => part !== '')
  return kept.length === 0 ? '' : { parts: kept, sep, minParts, words }
}

/** The longest prefix of literal text that ends after a space and fits, or undefined. */
function cutAtSpace(text: string, budget: number): string | undefined {
  let lastCut = -1
  let bytes = 0
  let index = 0
  for (const char of text) {
    if (char === ' ') lastCut = index
    bytes += jsonStringBytes(char)
    if (bytes > budget) break
    index += char.length
  }
  return lastCut > 0 ? text.slice(0, lastCut) : undefined
}

const groupSizes = new WeakMap<Group, number>()
function sizeOf(piece: Piece): number {
  if (typeof piece === 'string') return jsonStringBytes(piece)
  const known = groupSizes.get(piece)
  if (known !== undefined) return known
  let size = jsonStringBytes(piece.sep) * (piece.parts.length - 1)
  for (const part of piece.parts) size += sizeOf(part)
  groupSizes.set(piece, size)
  return size
}

/** Trailing spaces would be a hard line break before whatever follows. */
export function trimEnd(piece: Piece): Piece {
  if (typeof piece === 'string') return piece.trimEnd()
  const last = piece.parts.at(-1)
  if (last === undefined) return piece
  return group([...piece.parts.slice(0, -1), trimEnd(last)], piece.sep, piece.minParts, piece.words)
}

export function flatten(piece: Piece): string {
  return typeof piece === 'string' ? piece : piece.parts.map(flatten).join(piece.sep)
}

/**
 * The longest clean prefix of the piece within budget bytes, or undefined when none is.
 * keptBefore: something precedes it in the output, so text is not cut inside.
 */
function fitPrefix(piece: Piece, budget: number, keptBefore: boolean, inWords = false): string | undefined {
  if (sizeOf(piece) <= budget) return flatten(piece)
  if (typeof piece === 'string') return inWords ? cutAtSpace(piece, budget) : undefined
  if (piece.words && !inWords && keptBefore) return undefined
  const sepBytes = jsonStringBytes(piece.sep)
  const kept: string[] = []
  let used = 0
  for (const part of piece.parts) {
    const sepCost = kept.length > 0 ? sepBytes : 0
    const partBytes = sizeOf(part)
    if (used + sepCost + partBytes <= budget) {
      kept.push(flatten(part))
      used += sepCost + partBytes
      continue
    }
    const partial = fitPrefix(part, budget - used - sepCost, keptBefore || kept.length > 0, piece.words)
    if (partial) kept.push(partial)
    break
  }
  return kept.length >= piece.minParts ? kept.join(piece.sep) : undefined
}

export function fitBudget(
  root: Piece,
  options: { maxBytes: number; fullNotesUrl: string; cutMark?: string },
): { markdown: string; truncated: boolean } {
  const budget = options.maxBytes - 2
  if (sizeOf(root) <= budget) return { markdown: flatten(root), truncated: false }
  const fullNotes = safeHttpUrl(options.fullNotesUrl)
  const suffix = options.cutMark ?? (fullNotes ? `… [Full release notes](${fullNotes})` : '… (truncated)')
  const kept = fitPrefix(root, budget - jsonStringBytes(suffix) - jsonStringBytes('\n\n'), false)?.trimEnd()
  if (kept) return { markdown: `${kept}\n\n${suffix}`, truncated: true }
  return { markdown: jsonStringBytes(suffix) <= budget ? suffix : '', truncated: true }
}
