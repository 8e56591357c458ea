// @ts-check
/**
 * Fake Feishu long-connection server for tests, on loopback: what a self-built app's client meets
 * when it opens the long connection for card callbacks
 * (https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/event-subscription-guide/callback-subscription/callback-overview).
 *
 * Owns: endpoint discovery `POST /callback/ws/endpoint` ({AppID, AppSecret} → a one-time ws URL
 * and ClientConfig, or codes 514 / 1000040350 / 1000040343), the WebSocket upgrade (refused with
 * `Handshake-Status` / `Handshake-Autherrcode` / `Handshake-Msg` headers when told, or when the
 * ticket is unknown or the app already holds `maxConnections`), the protobuf Frame, ping → pong
 * with the ClientConfig, data frames split into parts in random order, server-side close, and
 * card clicks delivered to ONE randomly chosen connected client (cluster mode). It checks what the
 * platform expects back: one answer frame per message, same SeqID/LogID/service/method, the
 * headers plus `biz_rt`, payload `{code, data?}` with data base64 JSON, within 3 s; every
 * deviation is kept in `problems`.
 *
 * The frame codec here is protobufjs (a different implementation from the action's own codec), so
 * the two check each other. Uses `ws` for the server side of the socket.
 */
import http from 'node:http'
import crypto from 'node:crypto'
import protobuf from 'protobufjs'
import { WebSocketServer } from 'ws'

const root = protobuf.Root.fromJSON({
  nested: {
    Header: {
      fields: { key: { rule: 'required', type: 'string', id: 1 }, value: { rule: 'required', type: 'string', id: 2 } },
    },
    Frame: {
      fields: {
        SeqID: { rule: 'required', type: 'uint64', id: 1 },
        LogID: { rule: 'required', type: 'uint64', id: 2 },
        service: { rule: 'required', type: 'int32', id: 3 },
        method: { rule: 'required', type: 'int32', id: 4 },
        headers: { rule: 'repeated', type: 'Header', id: 5 },
        payloadEncoding: { type: 'string', id: 6 },
        payloadType: { type: 'string', id: 7 },
        payload: { type: 'bytes', id: 8 },
        LogIDNew: { type: 'string', id: 9 },
      },
    },
  },
})
export const FrameType = root.lookupType('Frame')

/** @param {Record<string, unknown>} frame */
export function encodeFakeFrame(frame) {
  return FrameType.encode(FrameType.fromObject(frame)).finish()
}
/** @param {Uint8Array} bytes */
export function decodeFakeFrame(bytes) {
  return /** @type {any} */ (FrameType.toObject(FrameType.decode(bytes), { longs: String, bytes: Buffer }))
}

const SERVICE_ID = 42
export const CONNECTION_LIMIT = 1000040350

/**
 * @typedef {object} FakeWsOptions
 * @property {string} appId
 * @property {string} appSecret
 * @property {{PingInterval: number, ReconnectCount: number, ReconnectInterval: number, ReconnectNonce: number}} [clientConfig]
 * @property {number} [maxConnections] default 50
 * @property {number} [answerDeadlineMs] default 3000
 * @property {() => number} [random]
 *
 * @typedef {object} ClickOptions
 * @property {unknown} value `event.action.value`
 * @property {string} operatorOpenId
 * @property {string} [messageId] `event.context.open_message_id`
 * @property {number} [parts] split the envelope into this many frames (random order)
 * @property {number} [client] deliver to this connection (index in `clients`), else a random one
 * @property {string} [eventType] default card.action.trigger
 * @property {string} [frameType] default event
 */

/** @param {FakeWsOptions} options */
export async function startFakeFeishuWs(options) {
  const config = options.clientConfig ?? { PingInterval: 1, ReconnectCount: 5, ReconnectInterval: 1, ReconnectNonce: 0 }
  const maxConnections = options.maxConnections ?? 50
  const deadlineMs = options.answerDeadlineMs ?? 3000
  const random = options.random ?? Math.random
  /** @type {string[]} */
  const problems = []
  const stats = { discoveries: 0, upgrades: 0, refusedUpgrades: 0, pings: 0 }
  /** @type {Set<string>} tickets handed out and not yet used */
  const tickets = new Set()
  /** @type {{ status: number, authErrorCode?: number, msg: string } | undefined} */
  let refuseUpgrades
  /** @type {number[]} codes the next discoveries answer with, first first */
  const discoveryCodes = []
  /** @type {{ socket: import('ws').WebSocket, deviceId: string, pings: number }[]} */
  const clients = []
  /** @type {Map<string, { resolve: (answer: any) => void, reject: (error: Error) => void, frame: any, timer: NodeJS.Timeout, client: number, sentAt: number }>} */
  const waiting = new Map()
  /** @type {Set<string>} message ids answered */
  const answered = new Set()
  let sequence = 0
  /** @type {(() => void)[]} */
  let connectWaiters = []

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const server = http.createServer((request, response) => {
    const chunks = /** @type {Buffer[]} */ ([])
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      const reply = (/** @type {number} */ status, /** @type {unknown} */ body) => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(body))
      }
      if (request.method !== 'POST' || request.url !== '/callback/ws/endpoint')
        return reply(404, { code: 404, msg: 'not found' })
      stats.discoveries += 1
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
        problems.push('discovery without a JSON content type')
      if (!request.headers.locale) problems.push('discovery without a locale header')
      /** @type {any} */
      let body
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return reply(400, { code: 1, msg: 'bad request' })
      }
      const forced = discoveryCodes.shift()
      if (forced === 500) return reply(500, { code: 1000040343, msg: 'internal error' })
      if (forced !== undefined) return reply(200, { code: forced, msg: `forced code ${forced}` })
      if (body?.AppID !== options.appId || body?.AppSecret !== options.appSecret)
        return reply(200, { code: 514, msg: 'auth failed' })
      if (clients.length >= maxConnections)
        return reply(200, { code: CONNECTION_LIMIT, msg: 'connection limit exceeded' })
      const ticket = crypto.randomBytes(8).toString('hex')
      tickets.add(ticket)
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
      const url = `ws://127.0.0.1:${port}/ws/v2?fpid=1&aid=2&device_id=dev-${stats.discoveries}&access_key=k&service_id=${SERVICE_ID}&ticket=${ticket}`
      reply(200, { code: 0, msg: 'ok', data: { URL: url, ClientConfig: config } })
    })
  })

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const ticket = url.searchParams.get('ticket') ?? ''
    const refuse = (
      /** @type {number} */ status,
      /** @type {string} */ msg,
      /** @type {number} */ authErrorCode = 0,
    ) => {
      stats.refusedUpgrades += 1
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nHandshake-Status: ${status}\r\nHandshake-Msg: ${msg}\r\n` +
          (authErrorCode ? `Handshake-Autherrcode: ${authErrorCode}\r\n` : '') +
          'Content-Length: 0\r\nConnection: close\r\n\r\n',
      )
    }
    if (url.pathname !== '/ws/v2') return refuse(404, 'no such path')
    if (refuseUpgrades) return refuse(refuseUpgrades.status, refuseUpgrades.msg, refuseUpgrades.authErrorCode)
    if (!tickets.has(ticket)) return refuse(403, 'unknown or used ticket')
    if (clients.length >= maxConnections) return refuse(403, 'too many connections', CONNECTION_LIMIT)
    tickets.delete(ticket)
    wss.handleUpgrade(request, socket, head, (ws) => {
      stats.upgrades += 1
      const client = { socket: ws, deviceId: url.searchParams.get('device_id') ?? '', pings: 0 }
      clients.push(client)
      ws.on('message', (data, isBinary) => onMessage(client, /** @type {Buffer} */ (data), isBinary))
      ws.on('close', () => {
        const index = clients.indexOf(client)
        if (index >= 0) clients.splice(index, 1)
      })
      const waiters = connectWaiters
      connectWaiters = []
      for (const wake of waiters) wake()
    })
  })

  /** @param {{ socket: import('ws').WebSocket, pings: number }} client @param {Buffer} data @param {boolean} isBinary */
  function onMessage(client, data, isBinary) {
    if (!isBinary) return problems.push('a text message from a client')
    /** @type {any} */
    let frame
    try {
      frame = decodeFakeFrame(data)
    } catch (error) {
      return problems.push(`an undecodable frame: ${/** @type {Error} */ (error).message}`)
    }
    const headers = Object.fromEntries((frame.headers ?? []).map((/** @type {any} */ h) => [h.key, h.value]))
    if (frame.method === 0) {
      if (headers.type !== 'ping') return problems.push(`a control frame of type ${headers.type}`)
      if (frame.service !== SERVICE_ID) problems.push(`a ping with service ${frame.service}, not ${SERVICE_ID}`)
      client.pings += 1
      stats.pings += 1
      client.socket.send(
        encodeFakeFrame({
          SeqID: 0,
          LogID: 0,
          service: SERVICE_ID,
          method: 0,
          headers: [{ key: 'type', value: 'pong' }],
          payload: Buffer.from(JSON.stringify(config)),
        }),
      )
      return
    }
    const messageId = headers.message_id
    const pending = waiting.get(messageId)
    if (!pending)
      return problems.push(
        answered.has(messageId) ? `message ${messageId} answered twice` : `an answer to unknown message ${messageId}`,
      )
    waiting.delete(messageId)
    answered.add(messageId)
    clearTimeout(pending.timer)
    const sent = pending.frame
    if (String(frame.SeqID) !== String(sent.SeqID) || String(frame.LogID) !== String(sent.LogID))
      problems.push(`answer to ${messageId} with other SeqID/LogID`)
    if (frame.service !== sent.service || frame.method !== 1)
      problems.push(`answer to ${messageId} with other service/method`)
    // The answer echoes one part's headers; parts differ only in `seq`.
    for (const header of sent.headers) {
      if (header.key !== 'seq' && headers[header.key] !== header.value)
        problems.push(`answer to ${messageId} lost header ${header.key}`)
    }
    if (!/^-?\d+$/.test(headers.biz_rt ?? '')) problems.push(`answer to ${messageId} without an integer biz_rt`)
    /** @type {any} */
    let body
    try {
      body = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8'))
    } catch {
      problems.push(`answer to ${messageId} whose payload is not JSON`)
      return pending.resolve({
        client: pending.client,
        code: undefined,
        response: undefined,
        ms: Date.now() - pending.sentAt,
      })
    }
    let response
    if (body.data !== undefined) {
      try {
        response = JSON.parse(Buffer.from(body.data, 'base64').toString('utf8'))
      } catch {
        problems.push(`answer to ${messageId} whose data is not base64 JSON`)
      }
    }
    pending.resolve({ client: pending.client, code: body.code, response, ms: Date.now() - pending.sentAt })
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())

  /**
   * Delivers one click to one connected client and resolves with its answer:
   * `{client, code, response, ms}`. Rejects when no client is connected or no answer comes in time.
   * @param {ClickOptions} click
   */
  function deliverClick(click) {
    if (clients.length === 0) return Promise.reject(new Error('no client is connected'))
    const index = click.client ?? Math.floor(random() * clients.length)
    const target = clients[index]
    if (!target) return Promise.reject(new Error(`no client ${index}`))
    sequence += 1
    const messageId = `msg-${sequence}`
    const envelope = {
      schema: '2.0',
      header: {
        event_id: `ev-${sequence}`,
        token: 'verification-token',
        create_time: String(Date.now()),
        event_type: click.eventType ?? 'card.action.trigger',
        tenant_key: 'tenant',
        app_id: options.appId,
      },
      event: {
        operator: { tenant_key: 'tenant', open_id: click.operatorOpenId },
        token: `c-${sequence}`,
        action: { value: click.value, tag: 'button' },
        host: 'im_message',
        context: { open_message_id: click.messageId ?? 'om_gate', open_chat_id: 'oc_chat' },
      },
    }
    const bytes = Buffer.from(JSON.stringify(envelope))
    const parts = Math.max(1, click.parts ?? 1)
    const size = Math.ceil(bytes.length / parts)
    const frames = Array.from({ length: parts }, (_, seq) => ({
      SeqID: sequence,
      LogID: 1000 + sequence,
      service: SERVICE_ID,
      method: 1,
      headers: [
        { key: 'type', value: click.frameType ?? 'event' },
        { key: 'message_id', value: messageId },
        { key: 'sum', value: String(parts) },
        { key: 'seq', value: String(seq) },
        { key: 'trace_id', value: `tr-${sequence}` },
      ],
      payload: bytes.subarray(seq * size, (seq + 1) * size),
    }))
    for (let i = frames.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1))
      ;[frames[i], frames[j]] = [/** @type {any} */ (frames[j]), /** @type {any} */ (frames[i])]
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(messageId)
        problems.push(`message ${messageId} not answered within ${deadlineMs} ms`)
        reject(new Error(`message ${messageId} not answered within ${deadlineMs} ms`))
      }, deadlineMs)
      waiting.set(messageId, {
        resolve,
        reject,
        frame: /** @type {any} */ (frames[0]),
        timer,
        client: index,
        sentAt: Date.now(),
      })
      for (const frame of frames) target.socket.send(encodeFakeFrame(frame))
    })
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    problems,
    stats,
    get clients() {
      return clients.length
    },
    /** Pings received per connected client. */
    pings: () => clients.map((client) => client.pings),
    deliverClick,
    /** Sends a raw frame (an object for protobufjs) to a client. @param {number} index @param {Record<string, unknown>} frame */
    sendFrame: (index, frame) => clients[index]?.socket.send(encodeFakeFrame(frame)),
    /** Waits until `count` clients are connected. @param {number} count @param {number} [timeoutMs] */
    async waitForClients(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (clients.length < count) {
        if (Date.now() > deadline) throw new Error(`${clients.length} of ${count} clients connected`)
        await new Promise((wake) => {
          connectWaiters.push(() => wake(undefined))
          setTimeout(wake, 50)
        })
      }
    },
    /** Closes connections from the server side (all, or one). @param {number} [index] */
    drop(index) {
      const targets = index === undefined ? [...clients] : [clients[index]]
      for (const client of targets) client?.socket.close(1001, 'server going away')
    },
    /** Refuses every upgrade from now on with these Handshake-* headers (undefined: accept again). */
    refuseUpgrades(/** @type {{ status: number, authErrorCode?: number, msg: string } | undefined} */ refusal) {
      refuseUpgrades = refusal
    },
    /** The next discoveries answer these codes (500 = HTTP 500) instead of a URL. @param {number[]} codes */
    failDiscoveries: (...codes) => discoveryCodes.push(...codes),
    /** Messages delivered and not answered yet. */
    get unanswered() {
      return waiting.size
    },
    async close() {
      for (const pending of waiting.values()) clearTimeout(pending.timer)
      for (const client of clients) client.socket.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    },
  }
}
