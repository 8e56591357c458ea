// Owns moving bytes to Feishu, on undici, the one HTTP stack of the action (the same copy
// @actions/http-client uses): one dispatcher per run, so the token request and every send reuse
// their connection (keep-alive); through a proxy when one is configured (the `proxy` input or
// HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured); one deadline per request. What an answer means is
// the Feishu requester's business.

import { Agent, EnvHttpProxyAgent, Pool, type Dispatcher } from 'undici'
import { ActionError } from '../base/errors.js'
import { MAX_ANSWER_BYTES } from '../base/limits.js'

export interface HttpAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The body as text, at most MAX_ANSWER_BYTES of it. */
  readonly text: string
  /** The body was longer than MAX_ANSWER_BYTES; the rest was not read. */
  readonly cut?: true
}

/** An answer that did not come in time; named as fetch and undici name theirs. */
class TimeoutError extends ActionError {
  override readonly name = 'TimeoutError'
  readonly code = 'ETIMEDOUT'
}

/** A request given up because the run was cancelled (the `cancel` signal of `send`). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
}

/** Requests in flight at once to one host: as many as the delivery layer runs (feishu/deliver.ts). */
const CONNECTIONS_PER_HOST = 16

/** How long past its deadline the backstop lets a request run before giving up on it. */
const BACKSTOP_GRACE_MS = 1000

export class Http {
  private readonly dispatcher: Dispatcher
  /** A request outlived its deadline: closing must not wait for it. */
  private stalled = false

  /**
   * `proxy`: the proxy URL for this run's requests, already resolved from the input or the
   * environment (empty: none). Given explicitly, so undici never reads the environment's proxy
   * variables itself; it still honours NO_PROXY.
   */
  constructor(
    private readonly timeoutMs: number,
    proxy = '',
  ) {
    const timeouts = { connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }
    this.dispatcher = proxy
      ? withoutWarning(
          'UNDICI-EHPA',
          () =>
            new EnvHttpProxyAgent({
              ...timeouts,
              // http targets go through an http proxy in absolute form (as curl does); https always tunnels with CONNECT.
              proxyTunnel: false,
              httpProxy: proxy,
              httpsProxy: proxy,
              // The proxy's own connection, its CONNECT answer and the TLS handshake through the tunnel
              // keep undici's defaults (10 s, 300 s, 10 s) unless told: all get the same deadline.
              proxyTls: { timeout: timeoutMs },
              requestTls: { timeout: timeoutMs },
              clientFactory: (origin: URL, options: object) =>
                new Pool(origin, { ...options, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
            } as EnvHttpProxyAgent.Options),
        )
      : new Agent({ ...timeouts, connections: CONNECTIONS_PER_HOST })
  }

  /**
   * One request; one deadline for the whole exchange: connecting (through a proxy too), sending,
   * and reading the answer. undici's own timeouts and the abort signal cover the usual cases; the
   * outer timer is the backstop for a stage that honours neither (a proxy that accepts the
   * connection and never answers its CONNECT), so no request can outlive its deadline by more
   * than a second. `cancel` (a cancelled run's grace, feishu/cancelled.ts) gives the request up
   * at once with a CancelledError, whatever stage it is in.
   */
  async send(
    method: 'POST' | 'PATCH' | 'GET',
    url: string,
    headers: Record<string, string>,
    body: string | FormData | undefined,
    cancel?: AbortSignal,
  ): Promise<HttpAnswer> {
    if (cancel?.aborted) throw new CancelledError('cancelled before it was sent')
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    let onCancel: (() => void) | undefined
    const backstop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        this.stalled = true
        reject(new TimeoutError(`no answer within ${this.timeoutMs} ms`))
      }, this.timeoutMs + BACKSTOP_GRACE_MS)
      onCancel = () => {
        // Rejected first, so the race ends as a cancellation, not as the abort's timeout.
        reject(new CancelledError('given up: the run was cancelled'))
        this.stalled = true
        controller.abort()
      }
      cancel?.addEventListener('abort', onCancel, { once: true })
    })
    try {
      return await Promise.race([this.exchange(method, url, headers, body, controller.signal), backstop])
    } finally {
      clearTimeout(timer)
      if (onCancel) cancel?.removeEventListener('abort', onCancel)
    }
  }

  private async exchange(
    method: 'POST' | 'PATCH' | 'GET',
    url: string,
    headers: Record<string, string>,
    // A form (an upload) is streamed as multipart by undici, each file part read from disk as it goes.
    body: string | FormData | undefined,
    outer: AbortSignal,
  ): Promise<HttpAnswer> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), outer])
    try {
      const target = new URL(url)
      const response = await this.dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method,
        headers,
        // Node's own FormData: undici takes any object that is one by its tag (util.isFormDataLike).
        body: body as string,
        signal,
      })
      const chunks: Buffer[] = []
      let bytes = 0
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk)
        bytes += chunk.length
        if (bytes > MAX_ANSWER_BYTES) {
          response.body.destroy()
          const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8')
          return { status: response.statusCode, headers: response.headers, text, cut: true }
        }
      }
      const answer = {
        status: response.statusCode,
        headers: response.headers,
        text: Buffer.concat(chunks).toString('utf8'),
      }
      // undici hands the connection back to its pool a turn after the body ends: without this
      // pause the next request (the send after the token) would open a second connection.
      await new Promise((resolve) => setImmediate(resolve))
      return answer
    } catch (error) {
      if (signal.aborted) throw new TimeoutError(`no answer within ${this.timeoutMs} ms`, { cause: error })
      throw error
    }
  }

  /** Waits for requests still in flight, unless one stalled past its deadline: then drops them. */
  close(): Promise<void> {
    return this.stalled ? this.dispatcher.destroy() : this.dispatcher.close()
  }
}

/**
 * Runs `make` with one process warning silenced. undici 6 announces EnvHttpProxyAgent as
 * experimental on stderr; that notice is for library authors and would otherwise end up in
 * every workflow log. Every other warning still goes through.
 */
function withoutWarning<T>(code: string, make: () => T): T {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void
  // Put back as it was, unbound: the same function object the process had.
  const restore = Reflect.get<typeof process, 'emitWarning'>(process, 'emitWarning')
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0] as { code?: string } | string | undefined
    if (typeof options === 'object' && options?.code === code) return
    emitWarning(warning, ...rest)
  }
  try {
    return make()
  } finally {
    process.emitWarning = restore
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
