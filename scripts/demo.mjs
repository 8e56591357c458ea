// @ts-check
// `npm run demo`: the action end to end with no credentials. Starts the fake Feishu server on
// loopback, runs dist/index.js as the GitHub runner would (INPUT_* variables, output files, a
// push event), then prints the step's log, what each chat received, and the step's outputs.
//
//   npm run demo                                   a card with built-in variables to a chat and a user
//   npm run demo -- text='Hello ${actor}'          any input as name=value replaces the sample's
//   npm run demo -- chat-id=oc_not_a_member        see how a Feishu error is reported
//   npm run demo -- event=release card=            the built-in release card, on a recorded release event
//   npm run demo -- event=pull_request card= status=failure mention=ou_alice
//                                                  the build card (events: push, pull_request, workflow_run, release)
//   npm run demo -- webhook=demo-hook-token        by the fake's custom bot instead of the app
import { startFakeFeishu } from '../test/fake-feishu.mjs'
import { eventEnv, examplePayload, nodeReleaseNotes } from '../test/github-events.mjs'
import { runAction } from '../test/run-action.mjs'

const CONTENT_INPUTS = ['text', 'post', 'card', 'card-file', 'template-id']
const SAMPLE_CARD = `schema: "2.0"
header:
  template: green
  title: {tag: plain_text, content: "\${repository} \${ref_name} released"}
body:
  elements:
    - tag: markdown
      content: "**Commit** \${short_sha} by \${actor}\\n**Workflow** \${workflow} #\${run_number}"
    - tag: button
      text: {tag: plain_text, content: Open the run}
      type: primary
      behaviors: [{type: open_url, default_url: "\${run_url}"}]
`

/** @type {Record<string, string>} */
const overrides = {}
for (const argument of process.argv.slice(2)) {
  const split = argument.indexOf('=')
  if (split < 1) {
    console.error(`Arguments are inputs as name=value, e.g. text='Hello'; got "${argument}"`)
    process.exit(2)
  }
  overrides[argument.slice(0, split)] = argument.slice(split + 1)
}
const ownContent = CONTENT_INPUTS.some((name) => name in overrides)
// Not an input: which recorded GitHub event the run is in (default: a push).
const eventName = overrides.event
delete overrides.event
/** @type {{ name: string, payload: any } | undefined} */
let event
if (eventName) {
  const payload = examplePayload(
    eventName,
    { release: 'published', pull_request: 'opened', workflow_run: 'completed' }[eventName],
  )
  if (eventName === 'release') payload.release.body = nodeReleaseNotes()[0]
  event = { name: eventName, payload }
}
const byWebhook = 'webhook' in overrides

const fake = await startFakeFeishu()
try {
  /** @type {Record<string, string>} */
  const inputs = {
    ...(byWebhook
      ? {}
      : { 'app-id': 'cli_test', 'app-secret': 'test-secret', 'chat-id': 'oc_demo', 'receive-id': 'ou_alice' }),
    domain: fake.url,
    ...(ownContent ? {} : { card: SAMPLE_CARD }),
    ...overrides,
  }
  // An empty value (card=) removes an input, e.g. to get the built-in card.
  for (const [name, value] of Object.entries(inputs)) if (value === '') delete inputs[name]
  console.log(`Fake Feishu on ${fake.url}; running dist/index.js with:`)
  for (const [name, value] of Object.entries(inputs))
    console.log(`  ${name}: ${name === 'app-secret' ? '***' : value.replace(/\n/g, '\n    ')}`)

  const run = await runAction({ inputs, ...(event ? { event, env: eventEnv(event.name, event.payload) } : {}) })
  console.log('\n== Step log ==')
  process.stdout.write(run.stdout + run.stderr)

  console.log(`\n== What the chats received (${fake.messages.length} message(s)) ==`)
  for (const message of fake.messages) {
    console.log(
      `\n[${message.chat_id}] ${message.msg_type} ${message.message_id} (sent to ${message.receive_id_type} ${message.receive_id})`,
    )
    console.log(JSON.stringify(message.parsedContent, null, 2))
  }

  if (fake.webhookMessages.length)
    console.log(`\n== What the custom bot's group received (${fake.webhookMessages.length} message(s)) ==`)
  for (const message of fake.webhookMessages)
    console.log(
      `\n[${message.chat_id}] ${message.msg_type}\n${JSON.stringify(message.card ?? message.content, null, 2)}`,
    )

  console.log('\n== Job summary ==')
  console.log(run.summary)

  console.log('\n== Step outputs ==')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value}`)
  console.log(
    `\nThe step ${run.exitCode === 0 ? 'succeeded' : `failed (exit code ${run.exitCode})`}; ${fake.requests.length} request(s) reached the fake server.`,
  )
  process.exitCode = run.exitCode ?? 1
} finally {
  await fake.close()
}
