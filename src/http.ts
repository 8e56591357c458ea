// Owns moving bytes to Feishu: one request, its per-request timeout, and connection reuse.
// Direct requests use node:http / node:https, which Node keeps compiled and ready; requests
// through a proxy load undici (src/http-proxied.ts) on first use. What an answer means is the
// Feishu client's business.

import * as http from 'node:http'
import * as https from 'node:https'

export interface HttpAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
}

export interface Transport {
  send(method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer>
  close(): Promise<void>
}

/** An answer that did not come in time; named as fetch and undici name theirs. */
class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
  readonly code = 'ETIMEDOUT'
}

/** Direct requests, keep-alive, several in flight (deliver.ts runs up to 16). */
class DirectTransport implements Transport {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
  }

  constructor(private readonly timeoutMs: number) {}

  send(method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> {
    const target = new URL(url)
    const secure = target.protocol === 'https:'
    const payload = Buffer.from(body, 'utf8')
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        target,
        {
          method,
          agent: this.agents[secure ? 'https:' : 'http:'],
          headers: { ...headers, 'content-length': String(payload.length) },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            clearTimeout(timer)
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            })
          })
          response.on('error', fail)
        },
      )
      // One deadline for the whole exchange: connecting, sending, and reading the answer.
      const timer = setTimeout(
        () => request.destroy(new TimeoutError(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      )
      function fail(error: Error): void {
        clearTimeout(timer)
        reject(error)
      }
      request.on('error', fail)
      request.end(payload)
    })
  }

  close(): Promise<void> {
    this.agents['http:'].destroy()
    this.agents['https:'].destroy()
    return Promise.resolve()
  }
}

export class Http implements Transport {
  private readonly transport: Promise<Transport>

  /** `proxy`: the proxy URL for this run's requests, already resolved (empty: none). */
  constructor(timeoutMs: number, proxy = '') {
    this.transport = proxy
      ? import('./http-proxied.js').then(({ ProxiedTransport }) => new ProxiedTransport(timeoutMs, proxy))
      : Promise.resolve(new DirectTransport(timeoutMs))
  }

  async send(
    method: 'POST' | 'PATCH',
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<HttpAnswer> {
    return (await this.transport).send(method, url, headers, body)
  }

  async close(): Promise<void> {
    await (await this.transport).close()
  }
}

/** The proxy in force, for the log and for error messages, with credentials removed; '' when there is none. */
export function describeProxy(proxy: { url: string; source: string }, env: Record<string, string | undefined>): string {
  if (!proxy.url) return ''
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? ''
  return `proxy ${withoutCredentials(proxy.url)} from ${proxy.source}${noProxy ? ` (NO_PROXY: ${noProxy})` : ''}`
}

export function withoutCredentials(proxy: string): string {
  try {
    const url = new URL(proxy)
    return `${url.protocol}//${url.host}`
  } catch {
    return '(a proxy URL that does not parse)'
  }
}
