// @ts-check
// The fake Feishu server (test/fake-feishu.mjs) as a process of its own, for the self-test workflow:
// later steps of the job send to it through the `domain` input, and a last step asks it what it
// stored. Loopback only, on any OS, and it stops by itself after FAKE_FEISHU_LIFETIME seconds
// (default 1800) if nobody stops it.
//
//   node scripts/fake-feishu-server.mjs start   starts it in the background and waits until it answers;
//                                               prints its `url` and `state-url`, and writes them to
//                                               GITHUB_OUTPUT when the runner sets it
//   node scripts/fake-feishu-server.mjs stop    stops the one `start` started
//   node scripts/fake-feishu-server.mjs serve   runs it in the foreground (what `start` runs)
//
// `url` goes into the action's `domain`; GET `state-url` answers what the fake stored:
// { messages, webhookMessages, requests } (requests as method, path and status only).
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeFeishu } from '../test/fake-feishu.mjs'

const directory = process.env.RUNNER_TEMP || tmpdir()
/** Where `serve` says it is up (pid, url, state-url); `start` waits for it and `stop` reads it. */
const INFO = join(directory, 'fake-feishu-server.json')
const LOG = join(directory, 'fake-feishu-server.log')

/** @typedef {{ pid: number, url: string, stateUrl: string }} Info */

async function serve() {
  const fake = await startFakeFeishu({ port: Number(process.env.FAKE_FEISHU_PORT) || 0 })
  const state = http.createServer((request, response) => {
    if (request.method !== 'GET') {
      response.writeHead(405).end()
      return
    }
    const body = {
      messages: fake.messages,
      webhookMessages: fake.webhookMessages,
      requests: fake.requests.map(({ method, path, status }) => ({ method, path, status })),
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
  })
  await new Promise((resolve, reject) => {
    state.once('error', reject)
    state.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  const address = state.address()
  if (address === null || typeof address === 'string') throw new Error('state server: unexpected address')
  /** @type {Info} */
  const info = { pid: process.pid, url: fake.url, stateUrl: `http://127.0.0.1:${address.port}/` }
  writeFileSync(INFO, JSON.stringify(info))
  console.log(`fake Feishu on ${info.url}, state on ${info.stateUrl}, pid ${info.pid}`)

  const shutdown = async (/** @type {string} */ why) => {
    console.log(`fake Feishu stopping: ${why}`)
    state.close()
    await fake.close()
    rmSync(INFO, { force: true })
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  const lifetime = Number(process.env.FAKE_FEISHU_LIFETIME) || 1800
  setTimeout(() => void shutdown(`${lifetime} s lifetime over`), lifetime * 1000).unref()
}

async function start() {
  rmSync(INFO, { force: true })
  const log = openSync(LOG, 'a')
  // Detached with its output in a file: the step that starts it can end while it keeps serving.
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
    detached: true,
    stdio: ['ignore', log, log],
    windowsHide: true,
  })
  child.unref()
  const deadline = Date.now() + 15_000
  while (!existsSync(INFO)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      console.error(`fake Feishu did not start; its log (${LOG}):\n${existsSync(LOG) ? readFileSync(LOG, 'utf8') : ''}`)
      process.exit(1)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  /** @type {Info} */
  const info = JSON.parse(readFileSync(INFO, 'utf8'))
  console.log(`url=${info.url}\nstate-url=${info.stateUrl}`)
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(process.env.GITHUB_OUTPUT, `url=${info.url}\nstate-url=${info.stateUrl}\n`)
}

function stop() {
  if (!existsSync(INFO)) {
    console.log('fake Feishu is not running')
    return
  }
  /** @type {Info} */
  const info = JSON.parse(readFileSync(INFO, 'utf8'))
  try {
    process.kill(info.pid)
    console.log(`stopped fake Feishu (pid ${info.pid})`)
  } catch (error) {
    console.log(`fake Feishu (pid ${info.pid}) was already gone: ${error instanceof Error ? error.message : error}`)
  }
  rmSync(INFO, { force: true })
}

const command = process.argv[2]
if (command === 'serve') await serve()
else if (command === 'start') await start()
else if (command === 'stop') stop()
else {
  console.error('usage: node scripts/fake-feishu-server.mjs start | stop | serve')
  process.exit(2)
}
