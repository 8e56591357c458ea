// The card preview (an HTML page of the card a dry run would send), as the rest of the action sees
// it. report/dry-run.ts loads this folder lazily (it holds marked): a run that sends loads none of
// it. README.md says what each file owns and how to add to the page.

export { previewDryRun, logCardPreview, writeCardPreview, type DryRunPreview } from './output.js'
export { renderCardPreview, type PreviewOptions, type PreviewSection } from './page.js'
export type { ComponentRenderer, RenderContext } from './components.js'
