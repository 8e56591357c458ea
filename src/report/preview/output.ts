// Where the preview goes in a dry run: a file under RUNNER_TEMP, named in the log, so a workflow
// can upload it as an artifact (and scripts/pictures.mjs can screenshot it). The card's secrets are
// redacted first (redact.ts) and the page follows the `language` input. A preview that cannot be
// written is logged, never fatal: it is only a picture. The only I/O in this folder.

import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Environment as Env, Runner } from '../../base/runner.js'
import { previewLocale } from './localize.js'
import { renderCardPreview, type PreviewOptions } from './page.js'
import { redactValues } from './redact.js'

/** What a dry run hands the preview. */
export interface DryRunPreview {
  readonly message: { readonly msgType: string; readonly content: unknown }
  readonly env: Env
  /** The `language` input: the preview shows that locale (English for auto). */
  readonly language?: string
  /** More for the page: sections under the card, renderers for components (page.ts). */
  readonly page?: Omit<PreviewOptions, 'locale'>
}

/** The dry run's preview of a card message, its secrets redacted, in the step's language. */
export function previewDryRun(runner: Runner, preview: DryRunPreview): void {
  const { message } = preview
  if (message.msgType !== 'interactive') return
  logCardPreview(
    { ...message, content: redactValues(message.content, (text, options) => runner.redact(text, options)) },
    (line) => runner.info(line),
    preview.env,
    {
      ...preview.page,
      locale: previewLocale(preview.language),
    },
  )
}

/**
 * Writes the page under RUNNER_TEMP (the OS temp directory outside a runner) and returns its path.
 * The name carries the step (GITHUB_ACTION) and never overwrites: several dry runs in one job each
 * keep their own file, for an upload-artifact step to pick up as `feishu-card-preview-*.html`.
 */
export function writeCardPreview(html: string, env: Env): string {
  const directory = env.RUNNER_TEMP || tmpdir()
  const step = (env.GITHUB_ACTION ?? '').replace(/[^\w.-]+/g, '_').slice(0, 60)
  const base = `feishu-card-preview${step ? `-${step}` : ''}`
  for (let attempt = 1; ; attempt += 1) {
    const path = join(directory, `${base}${attempt > 1 ? `-${attempt}` : ''}.html`)
    try {
      writeFileSync(path, html, { encoding: 'utf8', flag: 'wx' })
      return path
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 1000) throw error
    }
  }
}

/** Writes the preview of a card message and logs where it is; other message types have no preview. */
export function logCardPreview(
  message: { readonly msgType: string; readonly content: unknown },
  log: (line: string) => void,
  env: Env,
  options: PreviewOptions = {},
): void {
  if (message.msgType !== 'interactive') return
  try {
    log(
      `Card preview (HTML; upload it as an artifact to look at it): ${writeCardPreview(renderCardPreview(message.content, options), env)}`,
    )
  } catch (error) {
    log(`Card preview not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}
