// @ts-check
// `npm run bench`: prints the action's size and speed next to a baseline, on Node 24 (what GitHub
// runs `node24` actions on). A script that prints figures, never a
// timed test. `npm run bench -- --write` also writes them into BENCHMARKS.md.
//
//   1. bundle: bytes of every file in dist/, and of the dist/ files a plain text send loads
//   2. cold run: the action sending one text to one chat against the fake Feishu server, as the
//      runner starts it, alternated with a bare node script making the same two requests with
//      fetch; median wall time and peak memory of each, and the ratio
//   3. cold run with the release card: the same, on a recorded release event whose body is a
//      real release note (Node.js's latest), so the markdown conversion is included
//   4. fan-out: 100 receivers with Feishu's limits switched on in the fake, against the minimum
//      time those limits allow
//   5. attachments: a 30 MB file to 10 receivers, peak memory against a text send (bench-attachments.mjs)
//   5. approval gates: 20 waiting at once (scripts/bench-approval.mjs): requests per 3 s, CPU, RSS
// NODE_EXTRA_CA_CERTS is removed from every measured process: it costs ~37 ms a start here and
// runners do not set it.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeFeishu } from '../test/fake-feishu.mjs'
import { benchAttachments } from './bench-attachments.mjs'
import { benchApproval } from './bench-approval.mjs'
import { eventEnv, examplePayload, nodeReleaseNotes } from '../test/github-events.mjs'
import { ACTION, CONTEXT, inputEnv, RUNTIMES } from '../test/run-action.mjs'
import { writeReports } from './bench-test-reports.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15
const write = process.argv.includes('--write')
const cleanEnv = { ...process.env }
delete cleanEnv.NODE_EXTRA_CA_CERTS

/** @type {string[]} */
const report = []
/** One row a measure for the closing table: the action against its baseline. @type {string[]} */
const ratios = []
/** @param {string} line */
const say = (line = '') => {
  console.log(line)
  report.push(line)
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KB`

/**
 * Runs one process under /usr/bin/time; returns wall seconds and peak RSS in KB.
 * @param {string} node @param {string[]} args @param {Record<string, string>} env
 */
async function measure(node, args, env) {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-'))
  const timeFile = join(scratch, 'time')
  const outputFile = join(scratch, 'output')
  writeFileSync(outputFile, '')
  const started = process.hrtime.bigint()
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, node, ...args], {
    cwd: scratch,
    env: { ...cleanEnv, ...CONTEXT, GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: scratch, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise((resolve) => child.on('close', resolve))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)
  return { seconds, peakKb: Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) }
}

/** @param {string} url @param {Record<string, string>} inputs */
const actionEnv = (url, inputs) =>
  inputEnv({ 'app-id': 'cli_test', 'app-secret': 'test-secret', domain: url, 'chat-id': 'oc_1', ...inputs })

say(`# Benchmark`)
say()
say(
  `Command: \`npm run bench\` (${runs} alternating runs each). Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}; runtimes: ${RUNTIMES.map((runtime) => runtime.name).join(', ')}. Fake Feishu server on loopback, NODE_EXTRA_CA_CERTS unset.`,
)
say()

// 1. Bundle
say('## 1. Bundle')
say()
say('| file | bytes |')
say('|---|---|')
let total = 0
for (const name of readdirSync(join(root, 'dist')).sort()) {
  const bytes = statSync(join(root, 'dist', name)).size
  total += bytes
  say(`| dist/${name} | ${bytes} (${kb(bytes)}) |`)
}
say(`| all of dist/ | ${total} (${kb(total)}) |`)
say()
// Feishu allows a custom bot 5 messages a second; the runs here come faster than that.
const fake = await startFakeFeishu({ limits: { botPerSecond: 100_000, botPerMinute: 100_000 } })
for (const [label, inputs] of /** @type {[string, Record<string, string>][]} */ ([
  ['a plain text send', { text: 'Build passed' }],
  ['a YAML card', { card: 'elements: [{tag: markdown, content: hi}]' }],
])) {
  const traceFile = join(mkdtempSync(join(tmpdir(), 'trace-')), 'loads')
  await measure(process.execPath, ['--import', join(root, 'scripts', 'trace-loads.mjs'), ACTION], {
    ...actionEnv(fake.url, inputs),
    TRACE_LOADS_FILE: traceFile,
  })
  const loaded = [
    ...new Set(
      readFileSync(traceFile, 'utf8')
        .split('\n')
        .filter((url) => url.includes('/dist/')),
    ),
  ].map((url) => fileURLToPath(url))
  const bytes = loaded.reduce((sum, file) => sum + statSync(file).size, 0)
  say(
    `What ${label} loads from dist/: ${loaded.map((file) => file.slice(root.length)).join(', ')} = ${bytes} bytes (${kb(bytes)}).`,
  )
}
say()

// 2 and 3. Cold runs
/**
 * Alternates the action with the baseline; prints one table row per runtime.
 * @param {string} label the row of the closing table @param {Record<string, string>} inputs @param {number} budget the largest ratio to the baseline allowed
 * @param {Record<string, string>} env @param {string} [baselineScript]
 */
async function coldRuns(label, inputs, budget, env = {}, baselineScript = 'bench-baseline.mjs') {
  say('| runtime | action median | baseline median | ratio | budget | action peak RSS | baseline peak RSS | ratio |')
  say('|---|---|---|---|---|---|---|---|')
  for (const runtime of RUNTIMES) {
    /** @type {{ seconds: number, peakKb: number }[]} */
    const action = []
    /** @type {{ seconds: number, peakKb: number }[]} */
    const baseline = []
    for (let i = 0; i < runs; i++) {
      const pair = [
        async () => action.push(await measure(runtime.bin, [ACTION], { ...actionEnv(fake.url, inputs), ...env })),
        async () =>
          baseline.push(
            await measure(runtime.bin, [join(root, 'scripts', baselineScript)], { BASELINE_URL: fake.url }),
          ),
      ]
      // Alternate which goes first, so neither always runs on a warmer machine.
      for (const step of i % 2 ? pair.reverse() : pair) await step()
      fake.reset()
    }
    const [aTime, bTime] = [median(action.map((run) => run.seconds)), median(baseline.map((run) => run.seconds))]
    const [aMem, bMem] = [median(action.map((run) => run.peakKb)), median(baseline.map((run) => run.peakKb))]
    say(
      `| ${runtime.name} | ${(aTime * 1000).toFixed(0)} ms | ${(bTime * 1000).toFixed(0)} ms | ${(aTime / bTime).toFixed(2)}x | ${aTime / bTime <= budget ? 'within' : 'OVER'} ${budget.toFixed(1)}x | ${(aMem / 1024).toFixed(1)} MB | ${(bMem / 1024).toFixed(1)} MB | ${(aMem / bMem).toFixed(2)}x |`,
    )
    ratios.push(
      `| ${label}, time | ${(aTime * 1000).toFixed(0)} ms | ${(bTime * 1000).toFixed(0)} ms | ${(aTime / bTime).toFixed(2)}x | ${aTime / bTime <= budget ? 'within' : 'OVER'} ${budget.toFixed(1)}x |`,
      `| ${label}, peak memory | ${(aMem / 1024).toFixed(1)} MB | ${(bMem / 1024).toFixed(1)} MB | ${(aMem / bMem).toFixed(2)}x | |`,
    )
  }
  say()
}

say('## 2. Cold run: one text to one chat')
say()
await coldRuns('one text, one chat (vs. bare fetch, token + send)', { text: 'Build passed' }, 1.0)

say('## 2b. Cold run by custom bot webhook: one text, one POST')
say()
say(
  'The action in webhook mode (unsigned, like the peers measured) against a bare script that POSTs the same text to the hook with fetch. Reference figures for webhook actions on this kind of machine, Node 24, median of 9 (from the issue): bare `node -e 0` 0.026 s, a bare fetch POST 0.08 s, foxundermoon/feishu-action 0.086 s, z-ph/feishu-notify-action 0.097 s.',
)
say()
await coldRuns(
  'webhook text (vs. bare fetch POST)',
  {
    'app-id': '',
    'app-secret': '',
    'chat-id': '',
    webhook: `${fake.url}/open-apis/bot/v2/hook/demo-hook-token`,
    text: 'Build passed',
  },
  1.1,
  {},
  'bench-baseline-hook.mjs',
)

say('## 3. Cold run with the release card')
say()
const releasePayload = examplePayload('release', 'published')
releasePayload.release.body = nodeReleaseNotes()[0]
const releaseDir = mkdtempSync(join(tmpdir(), 'bench-release-'))
const releaseEvent = join(releaseDir, 'event.json')
writeFileSync(releaseEvent, JSON.stringify(releasePayload))
say(
  `A recorded \`release\` event (published) whose notes are Node.js's latest release note (${releasePayload.release.body.length} characters of GitHub markdown); no content input, so the action converts the notes and sends the release card. The baseline is the same bare script as in 2 (token and one send).`,
)
say()
await coldRuns('release card (vs. bare fetch, token + send)', {}, 1.3, {
  ...eventEnv('release', releasePayload),
  GITHUB_EVENT_PATH: releaseEvent,
})

say('## 3b. The build card with `test-results`')
say()
const reports = writeReports()
say(
  `${reports.files} JUnit reports, ${reports.cases} test cases (${reports.failures} failed), ${(reports.bytes / 1024 / 1024).toFixed(1)} MB, in a temporary workspace; the built-in build card (no GitHub token) with \`test-results: reports/*.xml\` against the same step without it. Goal: at most 1.5 s more, peak RSS under 250 MB.`,
)
say()
say('| runtime | with reports median | without median | extra | goal | with reports peak RSS | goal |')
say('|---|---|---|---|---|---|---|')
for (const runtime of RUNTIMES) {
  const withReports = []
  const without = []
  for (let i = 0; i < Math.min(runs, 7); i++) {
    const env = { ...actionEnv(fake.url, { 'github-token': '' }), GITHUB_WORKSPACE: reports.workspace }
    withReports.push(await measure(runtime.bin, [ACTION], { ...env, 'INPUT_TEST-RESULTS': 'reports/*.xml' }))
    without.push(await measure(runtime.bin, [ACTION], env))
    fake.reset()
  }
  const extra = median(withReports.map((run) => run.seconds)) - median(without.map((run) => run.seconds))
  const peak = median(withReports.map((run) => run.peakKb)) / 1024
  say(
    `| ${runtime.name} | ${(median(withReports.map((run) => run.seconds)) * 1000).toFixed(0)} ms | ${(median(without.map((run) => run.seconds)) * 1000).toFixed(0)} ms | ${(extra * 1000).toFixed(0)} ms | ${extra <= 1.5 ? 'within' : 'OVER'} 1.5 s | ${peak.toFixed(1)} MB | ${peak < 250 ? 'within' : 'OVER'} 250 MB |`,
  )
}
say()
await fake.close()

// 4. Fan-out: one fan-out is one sample of the limiter against the clock, so the median of five.
const FAN_OUT_RUNS = 5
say("## 4. Fan-out: 100 receivers with Feishu's limits on")
say()
say('Limits in the fake: 50 messages/s and 1000/min per app, 5/s per chat; answers 429/99991400 or 230020 beyond them.')
say(
  'Minimum the limits allow between the first and the last of 100 sends arriving: 1.00 s (50 in the first second, the other 50 from the start of the next). "First to last send" is that span as the fake server saw the arrivals; "whole step" is the process from start to exit.',
)
say()
say(`Medians of ${FAN_OUT_RUNS} runs; the most 429/230020 answers and the fewest messages stored of any run.`)
say('| runtime | whole step | first to last send | / minimum | budget | 429 or 230020 answers | messages stored |')
say('|---|---|---|---|---|---|---|')
const chats = Array.from({ length: 100 }, (_, index) => `oc_${String(index).padStart(3, '0')}`)
for (const runtime of RUNTIMES) {
  /** @type {{ seconds: number, spread: number, throttled: number, stored: number }[]} */
  const samples = []
  for (let i = 0; i < FAN_OUT_RUNS; i++) {
    const limited = await startFakeFeishu({ chats, limits: { appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 } })
    const { seconds } = await measure(
      runtime.bin,
      [ACTION],
      actionEnv(limited.url, { 'chat-id': chats.join('\n'), text: 'fan-out' }),
    )
    const sends = limited.requests.filter((request) => request.path === '/open-apis/im/v1/messages')
    samples.push({
      seconds,
      spread: ((sends[sends.length - 1]?.time ?? 0) - (sends[0]?.time ?? 0)) / 1000,
      throttled: limited.requests.filter((request) => [99991400, 230020].includes(request.response?.code)).length,
      stored: limited.messages.length,
    })
    await limited.close()
  }
  const seconds = median(samples.map((sample) => sample.seconds))
  const spread = median(samples.map((sample) => sample.spread))
  const throttled = Math.max(...samples.map((sample) => sample.throttled))
  const stored = Math.min(...samples.map((sample) => sample.stored))
  const minimumSeconds = 1
  say(
    `| ${runtime.name} | ${seconds.toFixed(2)} s | ${spread.toFixed(2)} s | ${(spread / minimumSeconds).toFixed(2)}x | ${spread / minimumSeconds <= 1.1 ? 'within' : 'OVER'} 1.1x | ${throttled} | ${stored} |`,
  )
  ratios.push(
    `| fan-out to 100, first to last send (vs. the limits' minimum) | ${spread.toFixed(2)} s | ${minimumSeconds.toFixed(2)} s | ${(spread / minimumSeconds).toFixed(2)}x | ${spread / minimumSeconds <= 1.1 ? 'within' : 'OVER'} 1.1x |`,
  )
}
say()

// 5. Exit: from the last request the fake server received to the end of the process.
const EXIT_BUDGET_MS = 30
say('## 5. Exit after the last answer')
say()
say(
  `From the last request the fake server received to the process's end (outputs, log and exit included), median of ${runs} runs; the budget is ${EXIT_BUDGET_MS} ms whatever the receiver count.`,
)
say()
say('| runtime | receivers | median | budget |')
say('|---|---|---|---|')
const exitFake = await startFakeFeishu({ chats })
for (const runtime of RUNTIMES) {
  for (const count of [1, 2, 5]) {
    /** @type {number[]} */
    const gaps = []
    for (let i = 0; i < runs; i++) {
      exitFake.reset()
      const started = Date.now()
      const { seconds } = await measure(
        runtime.bin,
        [ACTION],
        actionEnv(exitFake.url, { 'chat-id': chats.slice(0, count).join(','), text: 'exit' }),
      )
      const last = Math.max(...exitFake.requests.map((request) => request.time))
      gaps.push(started + seconds * 1000 - last)
    }
    const gap = median(gaps)
    say(
      `| ${runtime.name} | ${count} | ${gap.toFixed(0)} ms | ${gap <= EXIT_BUDGET_MS ? 'within' : 'OVER'} ${EXIT_BUDGET_MS} ms |`,
    )
    ratios.push(
      `| exit after the last answer, ${count} receiver(s) (vs. the budget) | ${gap.toFixed(0)} ms | ${EXIT_BUDGET_MS} ms | ${(gap / EXIT_BUDGET_MS).toFixed(2)}x | ${gap <= EXIT_BUDGET_MS ? 'within' : 'OVER'} 1.0x |`,
    )
  }
}
await exitFake.close()
say()

await benchAttachments({ say, measure, actionEnv, runtimes: RUNTIMES, action: ACTION })

const gateSeconds = process.argv.indexOf('--approval-seconds')
await benchApproval({ say, seconds: gateSeconds > 0 ? Number(process.argv[gateSeconds + 1]) : 60, env: cleanEnv })

say('## Ratios')
say()
say('Every measure above against its baseline, in one table.')
say()
say('| measure | action | baseline | ratio | budget |')
say('|---|---|---|---|---|')
for (const row of ratios) say(row)
say()

if (write) {
  // The figures are rewritten; the hand-kept history of what each change bought is kept.
  const file = join(root, 'BENCHMARKS.md')
  let previous = ''
  try {
    previous = readFileSync(file, 'utf8')
  } catch {
    // first run
  }
  const history = previous.indexOf('\n## History')
  writeFileSync(file, `${report.join('\n')}\n${history >= 0 ? previous.slice(history) : ''}`)
  console.log('Wrote BENCHMARKS.md')
}
