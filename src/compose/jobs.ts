// The build card's job list as card markdown, in one language: failed and cancelled jobs first,
// each linked to its log with its first failed step, then the others with their result and
// duration; the legs of a matrix fold into one line ("test: 14 of 16 passed", the failing legs
// named). Job and step names are written by workflow authors (and matrix values by anyone who
// can push): they are escaped, never markup. Pure. Must not: read the API or choose the language.

import type { JobFacts } from '../github/run-facts.js'
import { isFailed } from '../github/run-facts.js'
import { escapeCardMarkdown } from '../markup/escape.js'
import type { Labels } from './i18n.js'

/** One line of the list: a job, or the legs of one matrix. */
export type JobEntry =
  | { readonly kind: 'job'; readonly job: JobFacts }
  | { readonly kind: 'matrix'; readonly name: string; readonly legs: readonly JobFacts[] }

/** At most this many failing legs are named in a folded line. */
const NAMED_LEGS = 5

/** "4m 12s", "45s", "1h 3m 0s". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  if (hours) return `${hours}h ${minutes}m ${seconds}s`
  if (minutes) return `${minutes}m ${seconds}s`
  return `${seconds}s`
}

const bad = (job: JobFacts): boolean => isFailed(job) || job.conclusion === 'cancelled'

/** `test (ubuntu, 18)` is a leg of the matrix `test`. */
function matrixName(name: string): string | undefined {
  return /^(.+?) \(.*\)$/.exec(name)?.[1]
}

/** The entries in the order the card shows them: those with a failed or cancelled job first. */
export function jobEntries(jobs: readonly JobFacts[]): JobEntry[] {
  const legs = new Map<string, JobFacts[]>()
  for (const job of jobs) {
    const name = matrixName(job.name)
    if (name) legs.set(name, [...(legs.get(name) ?? []), job])
  }
  const entries: JobEntry[] = []
  const seen = new Set<string>()
  for (const job of jobs) {
    const name = matrixName(job.name)
    const group = name ? legs.get(name) : undefined
    if (!name || !group || group.length < 2) entries.push({ kind: 'job', job })
    else if (!seen.has(name)) {
      seen.add(name)
      entries.push({ kind: 'matrix', name, legs: group })
    }
  }
  const failing = (entry: JobEntry): boolean => (entry.kind === 'job' ? bad(entry.job) : entry.legs.some(bad))
  return [...entries.filter(failing), ...entries.filter((entry) => !failing(entry))]
}

function icon(job: JobFacts): string {
  if (isFailed(job)) return '❌'
  if (job.conclusion === 'cancelled') return '⏹️'
  if (job.conclusion === 'success') return '✅'
  if (job.conclusion === 'skipped') return '⏭️'
  if (job.status === 'in_progress') return '🔄'
  if (job.status !== 'completed') return '⏳'
  return '▫️'
}

function result(job: JobFacts, labels: Labels): string {
  if (isFailed(job)) return labels.jobResult.failed
  if (job.conclusion === 'cancelled') return labels.jobResult.cancelled
  if (job.conclusion === 'skipped') return labels.jobResult.skipped
  if (job.status === 'in_progress') return labels.jobResult.running
  if (job.status !== 'completed') return labels.jobResult.queued
  return job.conclusion === 'success' ? '' : labels.jobResult.other
}

function text(value: string, chars = 120): string {
  const points = Array.from(value)
  return escapeCardMarkdown(points.length > chars ? `${points.slice(0, chars - 1).join('')}…` : value)
}

function link(name: string, url: string): string {
  return url ? `[${text(name)}](${url})` : text(name)
}

/** What went wrong in a failed or cancelled job: its first failed step, or its result. */
function why(job: JobFacts, labels: Labels): string {
  if (job.failedStep) return `${isFailed(job) ? labels.failedAt : labels.cancelledAt} **${text(job.failedStep, 80)}**`
  return result(job, labels)
}

function entryLine(entry: JobEntry, labels: Labels): string {
  if (entry.kind === 'job') {
    const job = entry.job
    const parts = [`${icon(job)} ${bad(job) ? link(job.name, job.url) : `**${text(job.name)}**`}`]
    const what = bad(job) ? why(job, labels) : result(job, labels)
    if (what) parts.push(what)
    if (job.durationMs !== undefined && job.status === 'completed' && job.conclusion !== 'skipped')
      parts.push(formatDuration(job.durationMs))
    return parts.join(' · ')
  }
  const legs = entry.legs
  const failing = legs.filter(bad)
  const passed = legs.filter((job) => job.conclusion === 'success').length
  const running = legs.find((job) => job.status !== 'completed')
  const lead = failing[0] ?? running ?? legs.find((job) => job.conclusion !== 'success') ?? legs[0]!
  const parts = [`${icon(lead)} **${text(entry.name)}**: ${labels.passed(passed, legs.length)}`]
  const named = failing.slice(0, NAMED_LEGS).map((job) => `${link(job.name, job.url)} ${why(job, labels)}`)
  if (failing.length > NAMED_LEGS) named.push(`+${failing.length - NAMED_LEGS}`)
  if (named.length) parts.push(named.join('; '))
  else if (!running) {
    const longest = Math.max(...legs.map((job) => job.durationMs ?? 0))
    if (longest > 0) parts.push(formatDuration(longest))
  }
  return parts.join(' · ')
}

/** The first `shown` entries as markdown lines, and a last line saying how many were left out. */
export function jobsMarkdown(entries: readonly JobEntry[], labels: Labels, shown: number): string {
  const lines = entries.slice(0, shown).map((entry) => `- ${entryLine(entry, labels)}`)
  const left = entries.slice(shown).reduce((sum, entry) => sum + (entry.kind === 'job' ? 1 : entry.legs.length), 0)
  if (left > 0) lines.push(labels.jobsOmitted(left))
  return lines.join('\n')
}
