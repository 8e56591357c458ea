// The only module that imports undici, loaded only when a proxy is configured: requests through
// the proxy taken from the `proxy` input or HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured. A direct
// request never loads it (src/http.ts uses node:https), which keeps undici out of every cold
// start without a proxy.

import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici'
import type { HttpAnswer, Transport } from './http.js'

export class ProxiedTransport implements Transport {
  private readonly dispatcher: Dispatcher

  /**
   * `proxy`: the proxy URL, already resolved from the input or the environment. Given
   * explicitly, so undici never reads the environment's proxy variables itself; it still honours
   * NO_PROXY.
   */
  constructor(
    private readonly timeoutMs: number,
    proxy: string,
  ) {
    const options = {
      connect: { timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // http targets go through an http proxy in absolute form (as curl does); https always tunnels with CONNECT.
      proxyTunnel: false,
      httpProxy: proxy,
      httpsProxy: proxy,
    }
    this.dispatcher = withoutWarning('UNDICI-EHPA', () => new EnvHttpProxyAgent(options as EnvHttpProxyAgent.Options))
  }

  async send(
    method: 'POST' | 'PATCH',
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<HttpAnswer> {
    const response = await request(url, {
      method,
      headers,
      body,
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() }
  }

  close(): Promise<void> {
    return this.dispatcher.close()
  }
}

/**
 * Runs `make` with one process warning silenced. undici 6 announces EnvHttpProxyAgent as
 * experimental on stderr; that notice is for library authors and would otherwise end up in
 * every workflow log. Every other warning still goes through.
 */
function withoutWarning<T>(code: string, make: () => T): T {
  const emitWarning = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0] as { code?: string } | string | undefined
    if (typeof options === 'object' && options?.code === code) return
    ;(emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    return make()
  } finally {
    process.emitWarning = emitWarning
  }
}
