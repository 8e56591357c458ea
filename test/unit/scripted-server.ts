// A raw loopback server that answers whatever a test scripts, in order, and records what it was
// sent: for client tests that need answers neither Feishu nor the fake would give.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Scripted {
  status: number
  body: string
  headers?: Record<string, string>
}

export interface ScriptedServer {
  readonly url: string
  /** Answers still to give, first first; HTTP 500 `{}` once they run out. */
  script: Scripted[]
  readonly received: { method: string; url: string; body: string }[]
  reset(): void
  close(): Promise<void>
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      state.received.push({ method: request.method ?? '', url: request.url ?? '', body })
      const next = state.script.shift() ?? { status: 500, body: '{}' }
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers })
      response.end(next.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const state: ScriptedServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script: [],
    received: [],
    reset() {
      state.script = []
      state.received.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return state
}
