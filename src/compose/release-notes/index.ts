// Release notes (GitHub-flavoured markdown, written by anyone who can publish a release) to the
// content of a card JSON 2.0 markdown element, within a byte budget. The markdown parser is loaded
// here, dynamically, so ncc puts it in its own chunk that a plain send never loads.
// Must not: do I/O, log, or build cards.

import { fitBudget, group } from './budget.js'
import { Renderer } from './markdown.js'
import { resolveLinks } from './references.js'

export interface NotesOptions {
  /** https://github.com/OWNER/REPO: #123 -> <repo>/issues/123, shas -> <repo>/commit/<sha>; '' when unknown (then leave refs as text) */
  repositoryUrl: string
  /** https://github.com (or a GHES host): @user -> <server>/<user> */
  serverUrl: string
  /** Budget in bytes of JSON.stringify(markdown) in UTF-8 (what the markdown adds to the card JSON, escaping counted). */
  maxBytes: number
  /** Where the full notes are (the release page); linked at the end when the notes were cut. */
  fullNotesUrl: string
  /** Replaces the English "… [Full release notes](url)" at a cut, for a card that links the rest itself. */
  cutMark?: string
}

/** Loads marked lazily (dynamic import inside, so ncc puts it in a separate chunk that a plain text message never loads). */
export async function releaseNotesToCardMarkdown(
  body: string,
  options: NotesOptions,
): Promise<{ markdown: string; truncated: boolean }> {
  if (body.trim() === '') return { markdown: '', truncated: false }
  const { Lexer } = await import('marked')
  const tokens = new Lexer({ gfm: true, breaks: false }).lex(body)
  const renderer = new Renderer(resolveLinks(options))
  const root = group(renderer.blocks(tokens, { cont: '', topLevel: true }), '\n\n')
  return fitBudget(root, options)
}
