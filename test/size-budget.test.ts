// The size budget, checked on every CI run: what a plain text send loads from dist/
// (found by tracing the modules a real run loads) and all of dist/, lazily loaded chunks included.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startFakeFeishu } from './fake-feishu.mjs'
import { runAction } from './run-action.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const KB = 1024
const UPLOAD_PATH = '/open-apis/im/v1/files'
const BUDGET = { plainTextSend: 700 * KB, allOfDist: 1536 * KB }

async function loadedFromDist(
  inputs: Record<string, string>,
  workspaceFiles: Record<string, string> = {},
): Promise<string[]> {
  const fake = await startFakeFeishu()
  try {
    const traceFile = join(mkdtempSync(join(tmpdir(), 'trace-')), 'loads')
    const result = await runAction({
      inputs: { 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: fake.url, 'chat-id': 'oc_1', ...inputs },
      nodeArgs: ['--import', join(root, 'scripts', 'trace-loads.mjs')],
      env: { TRACE_LOADS_FILE: traceFile },
      files: workspaceFiles,
    })
    expect(result.exitCode).toBe(0)
    const urls = readFileSync(traceFile, 'utf8')
      .split('\n')
      .filter((url) => url.includes('/dist/'))
    const files = [...new Set(urls.map((url) => fileURLToPath(url)))]
    return files
  } finally {
    await fake.close()
  }
}

describe('size budget', () => {
  it('a plain text send loads at most 700 KB from dist/, and not the YAML chunk', async () => {
    const files = await loadedFromDist({ text: 'Build passed' })
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0)
    expect(files.map((file) => file.slice(root.length))).toEqual(['dist/index.js'])
    expect(bytes).toBeLessThanOrEqual(BUDGET.plainTextSend)
    // The files code (issue 20) is a chunk of its own, loaded only by a step that names files.
    expect(readFileSync(join(root, 'dist', 'index.js'), 'utf8')).not.toContain(UPLOAD_PATH)
  })

  it('a step with attachments loads the files chunk', async () => {
    const files = await loadedFromDist({ text: 'Build passed', attachments: 'report.txt' }, { 'report.txt': 'ok' })
    const chunks = files.filter((file) => readFileSync(file, 'utf8').includes(UPLOAD_PATH))
    expect(chunks.map((file) => file.slice(root.length))).toEqual([expect.stringMatching(/^dist\/\d+\.index\.js$/)])
  })

  it('a YAML input loads the YAML chunk, so the tracing sees lazily loaded chunks', async () => {
    const files = await loadedFromDist({ card: 'elements: [{tag: markdown, content: hi}]' })
    const [entry, ...chunks] = files.map((file) => file.slice(root.length))
    expect(entry).toBe('dist/index.js')
    // Exactly one chunk more, and it is js-yaml's (its parser's own error class is in it).
    expect(chunks).toHaveLength(1)
    expect(readFileSync(join(root, chunks[0]!), 'utf8')).toContain('YAMLException')
  })

  it('the card preview is a lazily loaded chunk: not in dist/index.js, loaded by a dry run of a card', async () => {
    expect(readFileSync(join(root, 'dist', 'index.js'), 'utf8')).not.toContain('feishu-card-preview')
    const files = await loadedFromDist({
      'dry-run': 'true',
      card: '{"elements": [{"tag": "markdown", "content": "hi"}]}',
    })
    expect(files.some((file) => readFileSync(file, 'utf8').includes('feishu-card-preview'))).toBe(true)
  })

  it('test-results loads the XML parser in a chunk of its own, which a plain text send never loads', async () => {
    const files = await loadedFromDist(
      { text: '${tests_total} tests', 'test-results': 'report.xml' },
      { 'report.xml': '<testsuite><testcase classname="A" name="b"/></testsuite>' },
    )
    const chunks = files.filter((file) => !file.endsWith('/dist/index.js'))
    expect(chunks.some((file) => readFileSync(file, 'utf8').includes('undefined entity'))).toBe(true)
    expect(readFileSync(join(root, 'dist', 'index.js'), 'utf8')).not.toContain('undefined entity')
  })

  it('the approval gate is a chunk of its own: a gate loads it, a card send does not', async () => {
    const gateChunks = readdirSync(join(root, 'dist'))
      .filter((name) => name.endsWith('.js'))
      .filter((name) => readFileSync(join(root, 'dist', name), 'utf8').includes('CARD_COURIER_TEST_POLL_MS'))
      .map((name) => `dist/${name}`)
    expect(gateChunks).toHaveLength(1)
    expect(gateChunks).not.toContain('dist/index.js')
    const gate = await loadedFromDist({ approvers: 'ou_alice', 'dry-run': 'true' })
    expect(gate.map((file) => file.slice(root.length))).toEqual(expect.arrayContaining(gateChunks))
    const card = await loadedFromDist({ card: 'elements: [{tag: markdown, content: hi}]' })
    expect(card.map((file) => file.slice(root.length))).not.toEqual(expect.arrayContaining(gateChunks))
  })

  it('all of dist/ is at most 1.5 MB', () => {
    const bytes = readdirSync(join(root, 'dist')).reduce(
      (sum, name) => sum + statSync(join(root, 'dist', name)).size,
      0,
    )
    expect(bytes).toBeLessThanOrEqual(BUDGET.allOfDist)
  })
})
