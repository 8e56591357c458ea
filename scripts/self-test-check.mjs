// @ts-check
// The self-test workflow's last word: did each step of the action give the outputs it documents,
// and did the fake Feishu server receive what those outputs claim? Reads the steps' outputs from
// STEPS (the workflow passes `${{ toJSON(steps) }}`) and the fake's state from STATE_URL (see
// scripts/fake-feishu-server.mjs). Prints one line per check and exits 1 if any failed.
//
// The steps it expects, by id:
//   dry-run     a card in dry run: outputs say not sent, and the card preview file is in RUNNER_TEMP
//   text        a text to two chats (given with CRLF between them): two om_ ids, both stored as text
//   card-file   a card from .github/self-test/card.yml (CRLF line endings): stored with its title
//   build-card  the built-in build card for the run's own event: stored, green for a passing job
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** @type {Record<string, { outputs: Record<string, string>, outcome: string }>} */
const steps = JSON.parse(process.env.STEPS ?? '{}')
let failures = 0

/** @param {boolean} ok @param {string} what */
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures += 1
}

/** @param {string} id */
function results(id) {
  const outputs = steps[id]?.outputs ?? {}
  try {
    const parsed = JSON.parse(outputs.results ?? '')
    return Array.isArray(parsed) ? parsed : []
  } catch {
    return []
  }
}

// The dry run: nothing sent, and a preview a workflow can upload.
const dry = steps['dry-run']?.outputs ?? {}
check(steps['dry-run']?.outcome === 'success', 'dry-run: the step succeeded')
check(dry['message-id'] === '', 'dry-run: message-id is empty')
check(
  results('dry-run').length === 1 &&
    results('dry-run').every((entry) => entry.ok === false && entry.error === 'dry run: not sent'),
  'dry-run: results say "dry run: not sent"',
)
const temp = process.env.RUNNER_TEMP ?? ''
const previews = readdirSync(temp).filter((name) => /^feishu-card-preview.*\.html$/.test(name))
check(previews.length === 1, `dry-run: one card preview in RUNNER_TEMP (${previews.join(', ')})`)
check(
  previews.some((name) =>
    readFileSync(join(temp, name), 'utf8').includes('<div class="title">Self-test: card from a file</div>'),
  ),
  'dry-run: the preview shows the card title',
)

// What the real sends say they delivered, and what the fake stored.
const state = /** @type {{ messages: any[] }} */ (await (await fetch(process.env.STATE_URL ?? '')).json())
/** @param {string} messageId */
const stored = (messageId) => state.messages.find((message) => message.message_id === messageId)

/** @type {Record<string, { count: number, msgType: string }>} */
const SENDS = {
  text: { count: 2, msgType: 'text' },
  'card-file': { count: 1, msgType: 'interactive' },
  'build-card': { count: 1, msgType: 'interactive' },
}
for (const [id, expected] of Object.entries(SENDS)) {
  const outputs = steps[id]?.outputs ?? {}
  const entries = results(id)
  check(steps[id]?.outcome === 'success', `${id}: the step succeeded`)
  check((outputs['message-id'] ?? '').startsWith('om_'), `${id}: message-id starts with om_ (${outputs['message-id']})`)
  check((outputs['chat-id'] ?? '').startsWith('oc_'), `${id}: chat-id starts with oc_ (${outputs['chat-id']})`)
  check(
    entries.length === expected.count,
    `${id}: results has ${expected.count} entr${expected.count === 1 ? 'y' : 'ies'}`,
  )
  check(
    entries.every((entry) => entry.ok === true && String(entry.message_id).startsWith('om_') && entry.code === 0),
    `${id}: every result is ok with an om_ message id`,
  )
  check(
    entries.every((entry) => stored(entry.message_id)?.msg_type === expected.msgType),
    `${id}: the fake stored each as ${expected.msgType}`,
  )
}

const text = stored(steps.text?.outputs['message-id'] ?? '')?.parsedContent?.text ?? ''
check(
  text.includes('Self-test text') && text.includes('second line'),
  `text: both lines arrived (${JSON.stringify(text)})`,
)
check(
  results('text')
    .map((entry) => entry.receive_id)
    .join(',') === 'oc_demo,oc_1',
  'text: the CRLF-separated chat-id gave the two chats, in order',
)

const card = stored(steps['card-file']?.outputs['message-id'] ?? '')?.parsedContent ?? {}
check(card.header?.title?.content === 'Self-test: card from a file', 'card-file: the stored card has the file’s title')
check(!JSON.stringify(card).includes('\\r'), 'card-file: no carriage return left from the CRLF file')
check(
  String(card.header?.subtitle?.content).includes(process.env.RUNNER_OS ?? '?'),
  'card-file: variables filled (${os} is the runner OS)',
)

const build = stored(steps['build-card']?.outputs['message-id'] ?? '')?.parsedContent ?? {}
check(build.header?.template === 'green', 'build-card: green, for a job that is passing')
check(
  JSON.stringify(build).includes(`/actions/runs/${process.env.GITHUB_RUN_ID ?? '?'}`),
  'build-card: its button opens this run',
)

console.log(failures ? `${failures} check(s) failed` : 'all checks passed')
process.exitCode = failures ? 1 : 0
