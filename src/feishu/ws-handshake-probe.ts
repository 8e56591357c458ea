// Why a long-connection handshake failed. Node's WebSocket reports a refused upgrade only as an
// error without status or headers, while Feishu says why in the refusal's headers
// (`Handshake-Status`, `Handshake-Autherrcode`, `Handshake-Msg`, as its SDKs read them). So after a
// failed open this module asks once more with a bare upgrade request and reads those headers. It
// owns that one request (bounded in time, the socket destroyed whatever comes back) and nothing
// else; it never logs the URL, which carries a ticket.

import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface HandshakeRefusal {
  /** The HTTP status of the refusal (not 101). */
  readonly httpStatus: number
  /** `Handshake-Status` (e.g. 514 auth failed, 403 forbidden), when given. */
  readonly status?: number
  /** `Handshake-Autherrcode` (e.g. 1000040350 too many connections), when given. */
  readonly authErrorCode?: number
  /** `Handshake-Msg`, at most 200 characters. */
  readonly message?: string
}

/**
 * The refusal the server gives to an upgrade of `url` now; undefined when it accepts the upgrade
 * (the failure was passing) or cannot be reached at all.
 */
export function probeHandshake(url: string, timeoutMs: number): Promise<HandshakeRefusal | undefined> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return Promise.resolve(undefined)
  }
  const secure = target.protocol === 'wss:'
  if (!secure && target.protocol !== 'ws:') return Promise.resolve(undefined)
  return new Promise((resolve) => {
    const send = secure ? httpsRequest : httpRequest
    const outgoing = send({
      host: target.hostname,
      port: target.port || (secure ? 443 : 80),
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      timeout: timeoutMs,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
    })
    const done = (result: HandshakeRefusal | undefined): void => {
      outgoing.destroy()
      resolve(result)
    }
    outgoing.on('upgrade', (_response, socket) => {
      socket.destroy()
      done(undefined)
    })
    outgoing.on('response', (response) => {
      response.resume()
      const number = (name: string): number | undefined => {
        const value = Number(response.headers[name])
        return response.headers[name] !== undefined && Number.isFinite(value) ? value : undefined
      }
      const message = response.headers['handshake-msg']
      done({
        httpStatus: response.statusCode ?? 0,
        ...(number('handshake-status') !== undefined && { status: number('handshake-status') }),
        ...(number('handshake-autherrcode') !== undefined && { authErrorCode: number('handshake-autherrcode') }),
        ...(typeof message === 'string' && { message: message.slice(0, 200) }),
      })
    })
    outgoing.on('timeout', () => done(undefined))
    outgoing.on('error', () => done(undefined))
    outgoing.end()
  })
}
