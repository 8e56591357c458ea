// @ts-check
// `npm run pictures`: the README's pictures of what arrives. Runs the built action (dist/index.js,
// which `npm run pictures` bundles first) in dry run on recorded GitHub events, takes the card
// preview each run writes (src/report/preview/), and screenshots it with headless Chromium
// into docs/images/<name>.png. The pictures are renderings of the card JSON the action sends, not
// screenshots of Feishu.
//
// The build cards list the run's jobs and compare with the previous run, which the action reads
// from the GitHub API: here from test/fake-github.mjs, which this script starts on loopback and
// fills per case (GITHUB_API_URL points every run at it, so no run reaches anything else). A
// dry run sends nothing to Feishu.
//
// Needs Chromium and fonts, e.g. on Debian: apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji
// (CHROMIUM=/path/to/chrome for another binary). Not part of `npm run check`: CI has no browser.
//
//   npm run pictures                      every case below
//   npm run pictures -- build-failure     only the cases named
//
// A new picture is a new row in CASES: a name, the event it runs on, the inputs it gives, and
// what the GitHub API says about the run.
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { makeJob, makeRun, startFakeGithub } from '../test/fake-github.mjs'
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

/** The run every case is in (GITHUB_RUN_ID), and the runner of the job that sends the card. */
const RUN_ID = 7135550128
const RUNNER_NAME = 'GitHub Actions 12'
/** A token the fake API grants `actions: read`. */
const TOKEN = 'ghs_read'

/** @typedef {[name: string, seconds: number, failAt?: string]} JobRow a job that passed, or failed at a step */

/** build, a matrix of four test legs and lint, all passing. @type {JobRow[]} */
const PASSING = [
  ['build', 95],
  ['test (ubuntu-latest, 20)', 128],
  ['test (ubuntu-latest, 22)', 121],
  ['test (windows-latest, 20)', 176],
  ['test (windows-latest, 22)', 169],
  ['lint', 42],
]
/** The same jobs, one Windows leg failed at its tests. @type {JobRow[]} */
const ONE_LEG_FAILED = PASSING.map((row) =>
  row[0] === 'test (windows-latest, 22)' ? /** @type {JobRow} */ ([row[0], 203, 'Run tests']) : row,
)

/**
 * @typedef {object} Api what test/fake-github.mjs says about the case's run
 * @property {string} branch the run's head branch, where the previous run is looked for
 * @property {number} seconds how long ago the run started: the card's duration
 * @property {'success' | 'failure'} [previous] the previous completed run of the workflow on the branch
 * @property {JobRow[]} jobs the run's other jobs, completed
 *
 * @typedef {object} Case
 * @property {string} name file name in docs/images, without .png
 * @property {() => { name: string, payload: any }} event the GitHub event the run is in
 * @property {Record<string, string>} inputs action inputs besides dry-run, chat-id and github-token
 * @property {Record<string, string>} [env] more GITHUB_* variables
 * @property {Api} [api] the run as the GitHub API gives it; without, the API knows no run
 */

/** @type {Case[]} */
const CASES = [
  { name: 'release-card', event: releaseEvent, inputs: {} },
  {
    name: 'build-success',
    // #4 is a push to a branch (master); the first ones push a tag.
    event: recorded('push', undefined, 4),
    inputs: { status: 'success' },
    env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'notify', GITHUB_RUN_NUMBER: '128' },
    api: { branch: 'master', seconds: 236, previous: 'success', jobs: PASSING },
  },
  {
    name: 'build-failure',
    event: recorded('pull_request', 'opened'),
    inputs: { status: 'failure', mention: 'ou_oncall' },
    env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'notify', GITHUB_RUN_NUMBER: '129' },
    // The pull request was just opened: no run before it on its branch.
    api: { branch: 'changes', seconds: 252, jobs: ONE_LEG_FAILED },
  },
  {
    name: 'build-failure-zh_cn',
    event: recorded('pull_request', 'opened'),
    inputs: { status: 'failure', mention: 'ou_oncall', language: 'zh_cn' },
    env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'notify', GITHUB_RUN_NUMBER: '129' },
    api: { branch: 'changes', seconds: 252, jobs: ONE_LEG_FAILED },
  },
  {
    name: 'build-fixed',
    event: recorded('push', undefined, 4),
    // As in the README's "Build results" recipe.
    inputs: { status: 'auto', 'on-success': 'change', 'on-failure': 'always' },
    env: { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'notify', GITHUB_RUN_NUMBER: '131' },
    api: { branch: 'master', seconds: 241, previous: 'failure', jobs: PASSING },
  },
  {
    name: 'deploy-started',
    event: recorded('push'),
    // As in the README's "Deploy started, then finished" recipe.
    inputs: { preset: 'workflow', title: 'Deploying ${repository} ${ref_name}' },
    env: { GITHUB_WORKFLOW: 'Deploy', GITHUB_JOB: 'deploy', GITHUB_RUN_NUMBER: '57' },
    api: { branch: 'simple-tag', seconds: 128, jobs: [['build', 95]] },
  },
]

/**
 * The fake API's repository for a case: its run (in progress, started `api.seconds` ago), the
 * previous run when there is one, and the jobs of the run, with the job sending the card still
 * running on RUNNER_NAME (the card leaves it out, as it does on GitHub).
 * @param {string} repository @param {Case} picture @param {Api} api
 */
function fakeRepo(repository, picture, api) {
  const runNumber = Number(picture.env?.GITHUB_RUN_NUMBER ?? 1)
  const runs = [
    makeRun({
      repo: repository,
      id: RUN_ID,
      runNumber,
      name: picture.env?.GITHUB_WORKFLOW,
      branch: api.branch,
      status: 'in_progress',
      conclusion: null,
      startedAt: new Date(Date.now() - api.seconds * 1000).toISOString(),
    }),
  ]
  if (api.previous)
    runs.push(
      makeRun({
        repo: repository,
        id: RUN_ID - 9,
        runNumber: runNumber - 1,
        name: picture.env?.GITHUB_WORKFLOW,
        branch: api.branch,
        conclusion: api.previous,
      }),
    )
  const jobs = api.jobs.map(([name, seconds, failAt]) =>
    makeJob({
      repo: repository,
      runId: RUN_ID,
      name,
      seconds,
      ...(failAt ? { conclusion: 'failure', failAt } : {}),
    }),
  )
  jobs.push(
    makeJob({
      repo: repository,
      runId: RUN_ID,
      name: picture.env?.GITHUB_JOB ?? 'notify',
      status: 'in_progress',
      runnerName: RUNNER_NAME,
    }),
  )
  return { runs, jobs: { [`${RUN_ID}/1`]: jobs } }
}

/**
 * Runs dist/index.js in dry run for one case, against the fake GitHub API; returns the preview
 * file the action named in its log.
 * @param {Case} picture
 * @param {Awaited<ReturnType<typeof startFakeGithub>>} github
 */
async function previewOf(picture, github) {
  const event = picture.event()
  /** @type {Record<string, string>} */
  const env = { ...eventEnv(event.name, event.payload), GITHUB_ACTION: picture.name, ...picture.env }
  const repository = env.GITHUB_REPOSITORY ?? ''
  for (const name of Object.keys(github.repos)) delete github.repos[name]
  if (picture.api) github.repos[repository] = fakeRepo(repository, picture, picture.api)
  const run = await runAction({
    inputs: { 'dry-run': 'true', 'chat-id': 'oc_demo', 'github-token': TOKEN, ...picture.inputs },
    event,
    env: {
      ...env,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(RUN_ID),
      GITHUB_RUN_ATTEMPT: '1',
      RUNNER_NAME,
    },
  })
  const file = /^Card preview \([^)]*\): (.+)$/m.exec(run.stdout)?.[1]
  // A card without its job list (the API refused or was not asked) is not the picture wanted.
  const apiWarning = /^::warning::Sending without the job list.*$/m.exec(run.stdout)?.[0]
  if (run.exitCode !== 0 || !file || apiWarning)
    throw new Error(
      `${picture.name}: the dry run wrote no card preview${apiWarning ? ' with the job list' : ''} (exit ${run.exitCode})\n${run.stdout}${run.stderr}`,
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
const github = await startFakeGithub()
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
    const preview = await previewOf(picture, github)
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
  await github.close()
}
if (failed) process.exitCode = 1
