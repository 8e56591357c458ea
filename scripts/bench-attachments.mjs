// @ts-check
// Section 5 of `npm run bench` (issue 20): one 30 MB file to 10 receivers against the loopback fake,
// next to a plain text to the same 10; peak RSS of each (the budget: within 40 MB of the text send),
// the upload's speed (bytes over the time from the upload request's start to its answer), and that
// the file went up once and arrived whole. Called from scripts/bench.mjs with its helpers.
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeFeishu } from '../test/fake-feishu.mjs'

/**
 * @param {object} helpers
 * @param {(line?: string) => void} helpers.say
 * @param {(node: string, args: string[], env: Record<string, string>) => Promise<{ seconds: number, peakKb: number }>} helpers.measure
 * @param {(url: string, inputs: Record<string, string>) => Record<string, string>} helpers.actionEnv
 * @param {{ name: string, bin: string }[]} helpers.runtimes
 * @param {string} helpers.action
 */
export async function benchAttachments({ say, measure, actionEnv, runtimes, action }) {
  const workspace = mkdtempSync(join(tmpdir(), 'bench-files-'))
  const bytes = 30 * 1024 * 1024
  const content = Buffer.alloc(bytes, 0x5a)
  writeFileSync(join(workspace, 'app.apk'), content)
  const sha256 = createHash('sha256').update(content).digest('hex')
  const chats = Array.from({ length: 10 }, (_, index) => `oc_f${index}`)
  say('## 5. Attachments: one 30 MB file to 10 receivers')
  say()
  say(
    '| runtime | text to 10: peak RSS | text + 30 MB file to 10: peak RSS | difference | budget | whole step | upload | uploads | file messages |',
  )
  say('|---|---|---|---|---|---|---|---|---|')
  for (const runtime of runtimes) {
    const fake = await startFakeFeishu({ chats })
    const env = (/** @type {Record<string, string>} */ inputs) => ({
      ...actionEnv(fake.url, { 'chat-id': chats.join('\n'), text: 'build', ...inputs }),
      GITHUB_WORKSPACE: workspace,
    })
    const text = await measure(runtime.bin, [action], env({}))
    fake.reset()
    const files = await measure(runtime.bin, [action], env({ attachments: 'app.apk' }))
    const upload = fake.requests.find((request) => request.path === '/open-apis/im/v1/files')
    const started = fake.requests.find((request) => request.path === '/open-apis/auth/v3/tenant_access_token/internal')
    const whole = fake.files.uploads.filter((entry) => entry.sha256 === sha256).length
    const messages = fake.messages.filter((message) => message.msg_type === 'file').length
    const difference = (files.peakKb - text.peakKb) / 1024
    // The upload request is recorded when its body has arrived; it starts right after the token.
    const uploadSeconds = upload && started ? Math.max(0.001, (upload.time - started.time) / 1000) : NaN
    say(
      `| ${runtime.name} | ${(text.peakKb / 1024).toFixed(1)} MB | ${(files.peakKb / 1024).toFixed(1)} MB | ${difference.toFixed(1)} MB | ${difference <= 40 ? 'within' : 'OVER'} 40 MB | ${files.seconds.toFixed(2)} s | ${(bytes / 1024 / 1024 / uploadSeconds).toFixed(0)} MB/s | ${fake.files.uploads.length} (${whole} whole) | ${messages} |`,
    )
    await fake.close()
  }
  say()
}
