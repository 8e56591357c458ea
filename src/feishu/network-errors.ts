// Transport errors: a request to Feishu that got no answer (refused by a proxy, timed out, a TLS
// certificate not accepted, a connection refused or lost) as a FeishuError saying what happened
// and what to change, and whether the request may have arrived (so a retry cannot send twice).
// Names the host and the proxy, never the full URL, headers or credentials. Pure.

import { FeishuError } from './errors.js'
import { capped, MAX_ECHO, printable } from './server-text.js'

/** A request that got no answer. Names the host and the proxy, never the full URL, headers or credentials. */
export function networkError(
  error: unknown,
  context: { url: string; timeoutMs: number; proxy: string; hostInput: string; redact: (text: string) => string },
): FeishuError {
  const { url, timeoutMs, proxy, hostInput } = context
  const host = new URL(url).host
  const name = (error as Error | undefined)?.name ?? ''
  const message = (error as Error | undefined)?.message ?? ''
  const cause = error as { code?: unknown; cause?: { code?: unknown } } | undefined
  const rawCode = cause?.code ?? cause?.cause?.code
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : ''
  const details = { code: null, msg: '', logId: '' }
  // undici: "Proxy response (407) !== 200 when HTTP Tunneling" (CONNECT), "Proxy Authentication Required (407)" (absolute form).
  const refused = /Proxy response \((\d+)\)|Proxy [A-Za-z ]+\((\d+)\)/.exec(message)
  if (refused) {
    const status = Number(refused[1] ?? refused[2])
    return new FeishuError(
      {
        ...details,
        httpStatus: status,
        final: true,
        meaning: `the proxy ${proxy || '(from the environment)'} refused to forward the request to ${host} (HTTP ${status})`,
        fix:
          status === 407
            ? 'check the user and password in the proxy URL (`proxy` or HTTPS_PROXY)'
            : `check the proxy allows connections to ${host}, or list it in NO_PROXY`,
      },
      { cause: error },
    )
  }
  if (name === 'TimeoutError' || (code.startsWith('UND_ERR_') && code.includes('TIMEOUT'))) {
    return new FeishuError(
      {
        ...details,
        httpStatus: null,
        meaning: `no answer from ${host} within ${timeoutMs / 1000} s`,
        fix: 'try again later, or raise `timeout`',
      },
      { cause: error },
    )
  }
  if (TLS_CERTIFICATE.test(code)) {
    return new FeishuError(
      {
        ...details,
        httpStatus: null,
        final: true,
        notSent: true,
        meaning: `the TLS certificate of ${host} was not accepted (${code}): a certificate problem, which trying again cannot fix`,
        fix: `if a proxy or firewall on the runner inspects TLS with its own certificate authority, give that CA to Node as a PEM file in the NODE_EXTRA_CA_CERTS environment variable; otherwise check that \`${hostInput}\` names the right host`,
      },
      { cause: error },
    )
  }
  // The error's own message may quote the URL (a hook URL holds its token): redacted.
  const reason = code || capped(context.redact(printable(message || String(error))), MAX_ECHO)
  const through = proxy ? ` (a proxy is configured: ${proxy})` : ''
  const fix = proxy
    ? 'check the proxy is running and reachable from the runner, or list the host in NO_PROXY'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `check the spelling of \`${hostInput}\` and the runner's DNS`
      : `check \`${hostInput}\` and that the runner can reach it (firewall, proxy)`
  if (INVALID_REQUEST.has(code)) {
    return new FeishuError(
      {
        ...details,
        httpStatus: null,
        final: true,
        meaning: `the request to ${host} could not be written (${reason})`,
        fix: 'this is a bug in the action, or a value Feishu sent back (a token) that cannot go into a header; please report it',
      },
      { cause: error },
    )
  }
  return new FeishuError(
    {
      ...details,
      httpStatus: null,
      meaning: LOST.has(code)
        ? `the connection to ${host} was lost before its answer came (${reason})${through}`
        : `could not reach ${host} (${reason})${through}`,
      fix,
      notSent: NOT_CONNECTED.has(code),
    },
    { cause: error },
  )
}

/** The connection broke after the request may have been written: the message may have arrived. */
const LOST = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'])

/** undici refused to send the request at all (a header or body it cannot write): trying again cannot help. */
const INVALID_REQUEST = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN'])

/**
 * Node's codes for a server certificate it did not accept (OpenSSL's verify errors, and a name
 * that does not match). The handshake fails before any request is written.
 */
const TLS_CERTIFICATE =
  /^(?:CERT_|UNABLE_TO_(?:GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE|DECRYPT_CERT_SIGNATURE|DECODE_ISSUER_PUBLIC_KEY)|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE)/

/** Errors raised before a connection existed: the request cannot have reached Feishu. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])
