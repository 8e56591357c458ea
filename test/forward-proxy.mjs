// @ts-check
// A real forward proxy on loopback for tests: tunnels CONNECT (how clients reach https
// targets) and forwards absolute-form requests (how clients reach http targets), recording each.
import http from 'node:http'
import net from 'node:net'

/**
 * @typedef {object} ProxiedRequest
 * @property {'CONNECT' | 'forward'} kind
 * @property {string} target CONNECT authority (host:port) or the absolute URL
 * @property {string} authorization the Proxy-Authorization header, '' when absent
 */

/**
 * @param {{ requireAuth?: string }} [options] requireAuth: the Proxy-Authorization value to demand (else 407)
 * @returns {Promise<{ url: string, requests: ProxiedRequest[], close: () => Promise<void> }>}
 */
export async function startForwardProxy(options = {}) {
  /** @type {ProxiedRequest[]} */
  const requests = []
  /** @type {Set<net.Socket>} */
  const sockets = new Set()
  /** @param {http.IncomingMessage} req */
  const authorized = (req) => !options.requireAuth || req.headers['proxy-authorization'] === options.requireAuth

  const server = http.createServer((req, res) => {
    requests.push({ kind: 'forward', target: req.url ?? '', authorization: req.headers['proxy-authorization'] ?? '' })
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic' }).end()
      return
    }
    const target = new URL(req.url ?? '')
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    delete headers['proxy-connection']
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req, client, head) => {
    requests.push({ kind: 'CONNECT', target: req.url ?? '', authorization: req.headers['proxy-authorization'] ?? '' })
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
      return
    }
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {net.AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}
