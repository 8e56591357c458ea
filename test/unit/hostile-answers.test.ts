// The requester against answers no real Feishu gives: a 10 MB msg, a 5 MB body, a self-signed
// certificate. What is echoed is capped, what is read is bounded, and a certificate problem is
// named as one and never retried.
import { readFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FeishuError } from '../../src/feishu/errors.js'
import { FeishuRequester } from '../../src/feishu/request.js'
import { startScriptedServer, type ScriptedServer } from './scripted-server.js'

let server: ScriptedServer
beforeAll(async () => {
  server = await startScriptedServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

function requester(maxRetries = 0) {
  const lines: string[] = []
  const instance = new FeishuRequester({
    timeoutMs: 5000,
    maxRetries,
    log: (line) => lines.push(line),
    sleep: async () => {},
  })
  return { instance, lines }
}

async function failure(instance: FeishuRequester, url: string): Promise<FeishuError> {
  try {
    await instance.withRetries('send', () => instance.call('POST', url, { a: 1 }))
  } catch (error) {
    return error as FeishuError
  } finally {
    await instance.close()
  }
  throw new Error('no failure')
}

describe('server text is capped', () => {
  it('a 10 MB msg becomes a capped, one-line error', async () => {
    server.script = [{ status: 400, body: JSON.stringify({ code: 230001, msg: `bad\n${'x'.repeat(400_000)}` }) }]
    const { instance } = requester()
    const error = await failure(instance, `${server.url}/open-apis/im/v1/messages`)
    expect(error.code).toBe(230001)
    expect(error.msg.length).toBeLessThan(600)
    expect(error.msg).toMatch(/^bad x+… \(399504 more characters\)$/)
    expect(error.message.length).toBeLessThan(2000)
    expect(error.message).not.toContain('\n')
  })

  it('a secret is redacted before the cut, so no part of it shows', async () => {
    const secret = 'S3CRET-abcdefghijklmnop'
    server.script = [{ status: 400, body: JSON.stringify({ code: 230001, msg: `${'y'.repeat(490)}${secret}` }) }]
    const { instance } = requester()
    instance.hide(secret)
    const error = await failure(instance, `${server.url}/x`)
    expect(error.message).not.toContain('S3CR')
    expect(error.msg).toContain('***')
  })

  it('an answer over 8 MB is not read whole and is reported as not Feishu', async () => {
    server.script = [{ status: 200, body: JSON.stringify({ code: 0, msg: 'z'.repeat(9 * 1024 * 1024) }) }]
    const { instance } = requester()
    const error = await failure(instance, `${server.url}/x`)
    expect(error.code).toBeNull()
    expect(error.meaning).toContain('with more than 8 MB, which no Feishu answer is')
    expect(error.message.length).toBeLessThan(1000)
  })
})

describe('TLS certificate errors', () => {
  let tls: https.Server
  let url = ''
  let requests = 0
  beforeAll(async () => {
    const key = readFileSync(new URL('../fixtures/loopback-key.pem', import.meta.url), 'utf8')
    const cert = readFileSync(new URL('../fixtures/loopback-cert.pem', import.meta.url), 'utf8')
    tls = https.createServer({ key, cert }, (_, response) => {
      requests += 1
      response.end('{"code":0}')
    })
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/open-apis/x`
  })
  afterAll(() => new Promise<void>((resolve) => tls.close(() => resolve())))

  it('are named as a certificate problem with NODE_EXTRA_CA_CERTS, never retried, never sent', async () => {
    const { instance, lines } = requester(3)
    const error = await failure(instance, url)
    expect(error.meaning).toMatch(
      /^the TLS certificate of 127\.0\.0\.1:\d+ was not accepted \([A-Z_]+\): a certificate problem/,
    )
    expect(error.fix).toContain('NODE_EXTRA_CA_CERTS')
    expect(error.message).not.toMatch(/firewall, proxy\)/)
    expect(error.notSent).toBe(true)
    expect(lines).toEqual([])
    expect(requests).toBe(0)
  })
})
