// End to end: a dry run of dist/index.js writes the card preview under RUNNER_TEMP and names it in
// the log, by app and by webhook, so a workflow can upload it; text messages get none.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { eventEnv, examplePayload } from './github-events.mjs'
import { runAction, type ActionRun } from './run-action.mjs'

const PREVIEW_LINE = /^Card preview \(HTML; upload it as an artifact to look at it\): (.+)$/m

function previewFile(result: ActionRun): string {
  expect(result.exitCode).toBe(0)
  const path = PREVIEW_LINE.exec(result.stdout)?.[1] ?? ''
  expect(path.startsWith(result.workspace)).toBe(true) // run-action.mjs sets RUNNER_TEMP to the workspace
  expect(existsSync(path)).toBe(true)
  return readFileSync(path, 'utf8')
}

describe('card preview in a dry run', () => {
  it('the built-in build card on a pull request: its title, colour and buttons, nothing sent', async () => {
    const payload = examplePayload('pull_request', 'opened')
    payload.pull_request.title = 'Fix <script>alert(1)</script> in **docs**'
    const result = await runAction({
      inputs: { 'dry-run': 'true', 'chat-id': 'oc_1', status: 'failure' },
      event: { name: 'pull_request', payload },
      env: { ...eventEnv('pull_request', payload), GITHUB_WORKFLOW: 'CI' },
    })
    const html = previewFile(result)
    expect(html).toContain('<div class="title">CI failed</div>')
    expect(html).toContain('linear-gradient(135deg,#fcd6d5,')
    expect(html).toContain('>View run</a>')
    // The card neutralised the title (a zero-width space after `<`, markdown as entities); the page shows it as text.
    expect(html).not.toContain('<script>')
    expect(html).toContain('#2 Fix &lt;\u200bscript&gt;alert(1)&lt;\u200b/script&gt; in **docs**</a>')
  })

  it('a card by webhook', async () => {
    const result = await runAction({
      inputs: {
        'dry-run': 'true',
        webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/preview-test-token',
        card: 'header: {template: green, title: {tag: plain_text, content: Deployed}}\nelements: [{tag: markdown, content: done}]',
      },
    })
    const html = previewFile(result)
    expect(html).toContain('<div class="title">Deployed</div>')
    expect(html).not.toContain('preview-test-token')
  })

  it('no preview for a text message', async () => {
    const result = await runAction({ inputs: { 'dry-run': 'true', 'chat-id': 'oc_1', text: 'hello' } })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).not.toMatch(PREVIEW_LINE)
    expect(readdirSync(result.workspace).filter((name) => name.startsWith('feishu-card-preview'))).toEqual([])
  })
})
