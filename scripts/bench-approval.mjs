// @ts-check
// Part 5 of `npm run bench`, runnable alone (`node scripts/bench-approval.mjs [--approval-seconds N]`):
// 20 approval gates (dist/index.js with `approvers`) wait at once against the fake Feishu server,
// at the real pause between looks (3 to 5 s; no test variable). Over the wait it measures, per
// gate: list requests per 3 s, CPU time, and RSS at the start and the end of the window (flat
// means no growth). Then every gate is approved and the time from the reaction to the card's
// update is taken (the goal: within one pause + 2 s). The default window is 60 s rather than the
// issue's 5 minutes: the rate per gate is what is measured, and it is the same over any window
// longer than a few pauses; `--approval-seconds 300` runs the long one. Linux only (/proc).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeFeishu } from '../test/fake-feishu.mjs'
import { ACTION, CONTEXT, inputEnv, RUNTIMES } from '../test/run-action.mjs'

const GATES = 20
const SCOPES = ['im:message:send_as_bot', 'im:message.reactions:read', 'im:message.reactions:write_only']
const TICKS_PER_SECOND = 100

/** @param {number} pid @returns {{ cpuSeconds: number, rssKb: number } | undefined} */
function sample(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return { cpuSeconds, rssKb: Number(rss?.[1] ?? 0) }
  } catch {
    return undefined
  }
}

const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (/** @type {number[]} */ values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/**
 * @param {{ say: (line?: string) => void, seconds?: number, env?: Record<string, string | undefined> }} options
 */
export async function benchApproval({ say, seconds = 60, env = process.env }) {
  const fake = await startFakeFeishu({ apps: { cli_test: { secret: 'test-secret', scopes: [...SCOPES] } } })
  const scratch = mkdtempSync(join(tmpdir(), 'bench-gates-'))
  const runtime = RUNTIMES[0]
  if (!runtime) throw new Error('no Node 24')
  const children = Array.from({ length: GATES }, (_, index) => {
    const outputFile = join(scratch, `output-${index}`)
    writeFileSync(outputFile, '')
    const child = spawn(runtime.bin, [ACTION], {
      cwd: scratch,
      env: {
        PATH: env.PATH ?? '',
        ...CONTEXT,
        GITHUB_OUTPUT: outputFile,
        GITHUB_WORKSPACE: scratch,
        ...inputEnv({
          'app-id': 'cli_test',
          'app-secret': 'test-secret',
          domain: fake.url,
          'chat-id': 'oc_1',
          approvers: 'ou_alice, ou_bob',
          title: `Gate ${index}`,
          'approval-timeout': `${seconds + 120}s`,
          summary: 'false',
        }),
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    })
    return { child, exit: new Promise((resolve) => child.on('close', resolve)) }
  })
  for (let i = 0; i < 600 && fake.reactions.reactedBy('cli_test', ['CheckMark', 'CrossMark']).length < GATES; i++)
    await pause(100)
  const gates = fake.reactions.reactedBy('cli_test', ['CheckMark', 'CrossMark'])
  if (gates.length < GATES) throw new Error(`only ${gates.length} of ${GATES} gates started waiting`)

  const startCounts = gates.map((id) => fake.reactions.listCount(id))
  const startSamples = children.map(({ child }) => sample(child.pid ?? 0))
  const started = Date.now()
  /** @type {number[][]} */
  const rssOverTime = children.map(() => [])
  while (Date.now() - started < seconds * 1000) {
    await pause(5000)
    children.forEach(({ child }, index) => rssOverTime[index]?.push(sample(child.pid ?? 0)?.rssKb ?? 0))
  }
  const windowSeconds = (Date.now() - started) / 1000
  const endSamples = children.map(({ child }) => sample(child.pid ?? 0))
  const perThree = gates.map(
    (id, index) => ((fake.reactions.listCount(id) - (startCounts[index] ?? 0)) / windowSeconds) * 3,
  )
  const cpuPercent = children.map(
    (_, index) =>
      (((endSamples[index]?.cpuSeconds ?? 0) - (startSamples[index]?.cpuSeconds ?? 0)) / windowSeconds) * 100,
  )
  const rssGrowth = children.map((_, index) => (endSamples[index]?.rssKb ?? 0) - (startSamples[index]?.rssKb ?? 0))

  const reacted = new Map()
  for (const id of gates) {
    fake.reactions.react({ messageId: id, user: 'ou_alice', emoji: 'CheckMark' })
    reacted.set(id, Date.now())
  }
  const codes = await Promise.all(children.map(({ exit }) => exit))
  const latency = gates.map((id) => {
    const patch = fake.requests.find((request) => request.method === 'PATCH' && request.path.endsWith(`/${id}`))
    return patch ? (patch.time - reacted.get(id)) / 1000 : Infinity
  })
  await fake.close()

  say(`## Approval gates waiting (${GATES} at once, ${runtime.name})`)
  say()
  say(
    `${GATES} gates sent their cards to one chat and waited ${windowSeconds.toFixed(0)} s (a shorter window than 5 minutes: the rate per gate is what is measured), reading the reactions at the real pause of 3 to 5 s; then each was approved.`,
  )
  say()
  say('| per gate | median | worst | goal |')
  say('|---|---|---|---|')
  say(
    `| list requests per 3 s | ${median(perThree).toFixed(2)} | ${Math.max(...perThree).toFixed(2)} | at most 1 ${Math.max(...perThree) <= 1 ? '(within)' : '(OVER)'} |`,
  )
  say(
    `| CPU while waiting | ${median(cpuPercent).toFixed(2)} % of a core | ${Math.max(...cpuPercent).toFixed(2)} % | near idle |`,
  )
  say(
    `| RSS at the start of the window | ${(median(startSamples.map((s) => s?.rssKb ?? 0)) / 1024).toFixed(1)} MB | ${(Math.max(...startSamples.map((s) => s?.rssKb ?? 0)) / 1024).toFixed(1)} MB | |`,
  )
  say(
    `| RSS growth over the window | ${(median(rssGrowth) / 1024).toFixed(2)} MB | ${(Math.max(...rssGrowth) / 1024).toFixed(2)} MB | flat |`,
  )
  say(
    `| reaction to card update | ${median(latency).toFixed(2)} s | ${Math.max(...latency).toFixed(2)} s | within one pause (5 s) + 2 s ${Math.max(...latency) <= 7 ? '(within)' : '(OVER)'} |`,
  )
  say(`| exit code after approval | ${codes.every((code) => code === 0) ? 'all 0' : codes.join(', ')} | | 0 |`)
  say()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--approval-seconds')
  await benchApproval({ say: (line = '') => console.log(line), seconds: at > 0 ? Number(process.argv[at + 1]) : 60 })
}
