// @ts-check
// `npm run pictures`: the README's pictures of what arrives. Runs the built action (dist/index.js,
// which `npm run pictures` bundles first) in dry run on recorded GitHub events, takes the card
// preview each run writes (src/report/card-preview.ts), and screenshots it with headless Chromium
// into docs/images/<name>.png. The pictures are renderings of the card JSON the action sends, not
// screenshots of Feishu.
//
// Needs Chromium and fonts, e.g. on Debian: apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji
// (CHROMIUM=/path/to/chrome for another binary). Not part of `npm run check`: CI has no browser.
//
//   npm run pictures                      every case below
//   npm run pictures -- build-failure     only the cases named
//
// A new picture is a new row in CASES: a name, the event it runs on, and the inputs it gives.
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { eventEnv, examplePayload } from '../test/github-events.mjs'
import { runAction } from '../test/run-action.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(root, 'docs', 'images')
/** Larger pictures make the README slow to load; the script fails past this. */
const MAX_BYTES = 150 * 1024

/** The release of the README's first picture: real generated notes, a compare link and two assets. */
function releaseEvent() {
  const payload = examplePayload('release', 'published')
  const repository = 'octo/notify'
  payload.repository.full_name = repository
  payload.repository.html_url = `https://github.com/${repository}`
  Object.assign(payload.release, {
    tag_name: 'v1.5.0',
    name: 'Cards for several chats',
    html_url: `https://github.com/${repository}/releases/tag/v1.5.0`,
    published_at: '2026-11-24T09:30:00Z',
    body: readFileSync(join(root, 'test', 'fixtures', 'release-notes', 'generated.md'), 'utf8'),
    author: { ...payload.release.author, login: 'mona-lisa', html_url: 'https://github.com/mona-lisa' },
    assets: [
      asset(repository, 'notify-linux-x64.tar.gz', 8_412_311),
      asset(repository, 'notify-darwin-arm64.tar.gz', 7_993_004),
    ],
  })
  return { name: 'release', payload }
}

/** @param {string} repository @param {string} name @param {number} size */
function asset(repository, name, size) {
  return { name, size, browser_download_url: `https://github.com/${repository}/releases/download/v1.5.0/${name}` }
}

/** A recorded payload of @octokit/webhooks-examples. @param {string} name @param {string} [action] @param {number} [index] */
function recorded(name, action, index) {
  return () => ({ name, payload: examplePayload(name, action, index) })
}

/**
 * @typedef {object} Case
 * @property {string} name file name in docs/images, without .png
 * @property {() => { name: string, payload: any }} event the GitHub event the run is in
 * @property {Record<string, string>} inputs action inputs besides dry-run and chat-id
 * @property {Record<string, string>} [env] more GITHUB_* variables
 */

/** @type {Case[]} */
const CASES = [
  { name: 'release-card', event: releaseEvent, inputs: {} },
  {
    name: 'build-success',
    // #4 is a push to a branch (master); the first ones push a tag.
    event: recorded('push', undefined, 4),
    inputs: { status: 'success' },
    env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'test', GITHUB_RUN_NUMBER: '128' },
  },
  {
    name: 'build-failure',
    event: recorded('pull_request', 'opened'),
    inputs: { status: 'failure', mention: 'ou_oncall' },
    env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'test', GITHUB_RUN_NUMBER: '129' },
  },
  {
    name: 'deploy-started',
    event: recorded('push'),
    // As in the README's "Deploy started, then finished" recipe.
    inputs: { preset: 'workflow', title: 'Deploying ${repository} ${ref_name}' },
    env: { GITHUB_WORKFLOW: 'Deploy', GITHUB_JOB: 'deploy', GITHUB_RUN_NUMBER: '57' },
  },
]

/**
 * Runs dist/index.js in dry run for one case; returns the preview file the action named in its log.
 * @param {Case} picture
 */
async function previewOf(picture) {
  const event = picture.event()
  const run = await runAction({
    inputs: { 'dry-run': 'true', 'chat-id': 'oc_demo', ...picture.inputs },
    event,
    env: { ...eventEnv(event.name, event.payload), GITHUB_ACTION: picture.name, ...picture.env },
  })
  const file = /^Card preview \([^)]*\): (.+)$/m.exec(run.stdout)?.[1]
  if (run.exitCode !== 0 || !file)
    throw new Error(
      `${picture.name}: the dry run wrote no card preview (exit ${run.exitCode})\n${run.stdout}${run.stderr}`,
    )
  return file.trim()
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !CASES.some((picture) => picture.name === name))
if (unknown.length) {
  console.error(`No such case: ${unknown.join(', ')}. Cases: ${CASES.map((picture) => picture.name).join(', ')}`)
  process.exit(2)
}
mkdirSync(OUT, { recursive: true })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
let failed = false
try {
  const context = await browser.newContext({ viewport: { width: 648, height: 600 }, deviceScaleFactor: 1.5 })
  // The page is a local file that loads nothing; anything else it asks for is refused.
  await context.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : route.abort('blockedbyclient'),
  )
  const page = await context.newPage()
  for (const picture of CASES.filter((item) => !wanted.length || wanted.includes(item.name))) {
    const preview = await previewOf(picture)
    await page.goto(pathToFileURL(preview).href)
    const card = await page.locator('.card').boundingBox()
    if (!card) throw new Error(`${picture.name}: no card in ${preview}`)
    const margin = 12
    const file = join(OUT, `${picture.name}.png`)
    await page.screenshot({
      path: file,
      fullPage: true,
      clip: {
        x: card.x - margin,
        y: card.y - margin,
        width: card.width + 2 * margin,
        height: card.height + 2 * margin,
      },
    })
    const bytes = statSync(file).size
    const tooBig = bytes > MAX_BYTES
    failed ||= tooBig
    console.log(
      `${file.slice(root.length)}: ${Math.round(bytes / 1024)} KB${tooBig ? ` (over ${MAX_BYTES / 1024} KB)` : ''}`,
    )
  }
} finally {
  await browser.close()
}
if (failed) process.exitCode = 1
