// The long connection: the WebSocket a self-built app opens to Feishu so card clicks reach a CI step
// without a public server (callback subscription "long connection",
// https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/event-subscription-guide/callback-subscription/callback-overview).
// Owns endpoint discovery, the socket on Node's own WebSocket, ping/pong at the server's interval,
// reassembly of split frames, answering each `card.action.trigger` within the 3 s the platform
// allows, reconnecting after a drop with the server's interval and jitter, and closing promptly
// (no socket or timer left) when the signal aborts. It does not decide what a click means: the
// caller's `onCard` does, and must be quick. Loaded only for `approval-mode: buttons`.

import { Http } from './http.js'
import { LongConnectionRefused, refusalForCode } from './long-connection-refusal.js'
import { decodeFrame, encodeFrame, FrameError, headerValue, type Frame } from './ws-frame.js'
import { FragmentBuffer } from './ws-fragments.js'
import { probeHandshake } from './ws-handshake-probe.js'

export { LongConnectionRefused } from './long-connection-refusal.js'

export interface LongConnectionOptions {
  /** https://open.feishu.cn or https://open.larksuite.com (a loopback fake in tests). */
  readonly baseUrl: string
  readonly appId: string
  readonly appSecret: string
  /** Aborting it closes the connection for good. */
  readonly signal: AbortSignal
  /** Answers one `card.action.trigger` envelope with the callback response (`{}` for none). */
  readonly onCard: (envelope: Record<string, unknown>) => Promise<object>
  /** A line for the step's log (warnings the user can act on). */
  readonly log: (line: string) => void
  readonly debug?: (line: string) => void
  /** Proxy for the discovery request ('' for none); the socket itself connects directly. */
  readonly proxy?: string
  readonly random?: () => number
  /** Tries for the first connection before giving up (default 3), quicker than after a drop. */
  readonly firstAttempts?: number
  /** How long `onCard` may take before the click is answered with an error (default 2500 ms). */
  readonly answerWithinMs?: number
  /** The WebSocket class: Node's own (global since Node 22); tests on an older Node pass undici's. */
  readonly webSocket?: typeof WebSocket
}

export interface LongConnection {
  /** True once the first connection is open; false when it ended before that. */
  readonly ready: Promise<boolean>
  /** Settles once everything is closed: with the refusal that ended it, or undefined (signal). */
  readonly closed: Promise<LongConnectionRefused | undefined>
}

/** The server's client settings, in seconds (discovery answer and every pong). */
interface ClientConfig {
  pingInterval: number
  reconnectCount: number
  reconnectInterval: number
  reconnectNonce: number
}

/** Until the server says otherwise (the values of Feishu's SDKs). */
const DEFAULT_CONFIG: ClientConfig = {
  pingInterval: 120,
  reconnectCount: -1,
  reconnectInterval: 120,
  reconnectNonce: 30,
}
const DISCOVERY_TIMEOUT_MS = 10_000
const HANDSHAKE_TIMEOUT_MS = 10_000
const CLOSE_WAIT_MS = 1000
/** Bytes of one WebSocket message at most; Feishu's frames are a few KB. */
const MAX_MESSAGE_BYTES = 1024 * 1024
/** The longest wait any server setting can impose, in seconds. */
const MAX_WAIT_S = 600
/** WebSocket.OPEN, without reading it from a class that may be injected. */
const OPEN = 1

type Outcome = { opened: boolean; refusal?: LongConnectionRefused; detail?: string }

export function openLongConnection(options: LongConnectionOptions): LongConnection {
  const session = new Session(options)
  return { ready: session.ready, closed: session.run() }
}

class Session {
  private config: ClientConfig = { ...DEFAULT_CONFIG }
  private readonly fragments = new FragmentBuffer()
  private readonly random: () => number
  private readonly debug: (line: string) => void
  private resolveReady!: (open: boolean) => void
  readonly ready = new Promise<boolean>((resolve) => (this.resolveReady = resolve))
  private warnedCardFrames = false

  constructor(private readonly options: LongConnectionOptions) {
    this.random = options.random ?? Math.random
    this.debug = options.debug ?? (() => undefined)
  }

  async run(): Promise<LongConnectionRefused | undefined> {
    const { signal } = this.options
    const firstAttempts = this.options.firstAttempts ?? 3
    let everOpen = false
    let failures = 0
    try {
      while (!signal.aborted) {
        const outcome = await this.connectOnce()
        if (outcome.refusal) return outcome.refusal
        if (signal.aborted) return undefined
        if (outcome.opened) {
          if (!everOpen) this.resolveReady(true)
          everOpen = true
          failures = 0
          this.options.log('The long connection to Feishu dropped; reconnecting.')
          await sleep(this.seconds(this.random() * this.config.reconnectNonce), signal)
          continue
        }
        failures += 1
        this.debug(`long connection attempt ${failures} failed: ${outcome.detail ?? 'no reason given'}`)
        const limit = everOpen ? this.config.reconnectCount : firstAttempts
        if (limit >= 0 && failures >= limit) {
          return new LongConnectionRefused(
            'unreachable',
            null,
            `${failures} attempts failed, the last: ${outcome.detail ?? 'no reason given'}`,
          )
        }
        const wait = everOpen
          ? this.config.reconnectInterval + this.random() * this.config.reconnectNonce
          : failures + this.random()
        await sleep(this.seconds(wait), signal)
      }
      return undefined
    } finally {
      this.fragments.clear()
      this.resolveReady(false)
    }
  }

  private seconds(value: number): number {
    return Math.min(Math.max(value, 0), MAX_WAIT_S) * 1000
  }

  /** One discovery and one socket, until the socket closes. */
  private async connectOnce(): Promise<Outcome> {
    let url: string
    try {
      url = await this.discover()
    } catch (error) {
      if (error instanceof LongConnectionRefused) return { opened: false, refusal: error }
      return { opened: false, detail: error instanceof Error ? error.message : String(error) }
    }
    if (this.options.signal.aborted) return { opened: false }
    const serviceId = Number(new URL(url).searchParams.get('service_id') ?? 0)
    const opened = await this.socket(url, Number.isFinite(serviceId) ? serviceId : 0)
    if (opened || this.options.signal.aborted) return { opened }
    const refusal = await probeHandshake(url, HANDSHAKE_TIMEOUT_MS)
    if (!refusal) return { opened: false, detail: 'the WebSocket handshake failed' }
    const detail = `handshake refused with HTTP ${refusal.httpStatus}${refusal.message ? ` "${refusal.message}"` : ''}`
    const code = refusal.authErrorCode ?? refusal.status
    const fatal = code !== undefined ? refusalForCode(code, detail) : undefined
    return fatal ? { opened: false, refusal: fatal } : { opened: false, detail }
  }

  /** POST /callback/ws/endpoint: the socket's URL and the client settings. */
  private async discover(): Promise<string> {
    const http = new Http(DISCOVERY_TIMEOUT_MS, this.options.proxy ?? '')
    try {
      const answer = await http.send(
        'POST',
        `${this.options.baseUrl.replace(/\/+$/, '')}/callback/ws/endpoint`,
        { 'content-type': 'application/json; charset=utf-8', locale: 'zh' },
        JSON.stringify({ AppID: this.options.appId, AppSecret: this.options.appSecret }),
      )
      let body: { code?: unknown; msg?: unknown; data?: { URL?: unknown; ClientConfig?: unknown } }
      try {
        body = JSON.parse(answer.text) as typeof body
      } catch {
        throw new Error(`endpoint discovery answered HTTP ${answer.status} without JSON`)
      }
      const code = typeof body?.code === 'number' ? body.code : null
      if (code !== 0) {
        const msg = typeof body?.msg === 'string' ? `msg "${body.msg.slice(0, 200)}"` : ''
        const refusal = code === null ? undefined : refusalForCode(code, msg)
        if (refusal) throw refusal
        throw new Error(`endpoint discovery answered HTTP ${answer.status}, code ${String(code)} ${msg}`.trim())
      }
      const url = body.data?.URL
      if (typeof url !== 'string' || !/^wss?:\/\//.test(url))
        throw new Error('endpoint discovery gave no WebSocket URL')
      this.applyConfig(body.data?.ClientConfig)
      return url
    } finally {
      await http.close()
    }
  }

  private applyConfig(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return
    const given = raw as Record<string, unknown>
    const pick = (key: string, current: number): number =>
      typeof given[key] === 'number' && Number.isFinite(given[key]) ? given[key] : current
    this.config = {
      pingInterval: Math.max(pick('PingInterval', this.config.pingInterval), 1),
      reconnectCount: pick('ReconnectCount', this.config.reconnectCount),
      reconnectInterval: pick('ReconnectInterval', this.config.reconnectInterval),
      reconnectNonce: pick('ReconnectNonce', this.config.reconnectNonce),
    }
  }

  /** Runs one socket until it closes; true when it had opened. */
  private socket(url: string, serviceId: number): Promise<boolean> {
    const { signal } = this.options
    return new Promise<boolean>((resolve) => {
      const Socket = this.options.webSocket ?? globalThis.WebSocket
      const ws = new Socket(url)
      ws.binaryType = 'arraybuffer'
      let opened = false
      let lastInbound = Date.now()
      let pingTimer: NodeJS.Timeout | undefined
      let settled = false
      const inFlight = new Set<Promise<void>>()
      const handshakeTimer = setTimeout(() => ws.close(), HANDSHAKE_TIMEOUT_MS)
      const finish = (): void => {
        if (settled) return
        settled = true
        clearTimeout(handshakeTimer)
        clearTimeout(pingTimer)
        clearTimeout(closeTimer)
        signal.removeEventListener('abort', onAbort)
        resolve(opened)
      }
      let closeTimer: NodeJS.Timeout | undefined
      const shut = (): void => {
        clearTimeout(pingTimer)
        ws.close(1000)
        // A socket whose peer vanished may never finish the closing handshake.
        closeTimer ??= setTimeout(finish, CLOSE_WAIT_MS)
      }
      const onAbort = (): void => shut()
      signal.addEventListener('abort', onAbort, { once: true })
      const ping = (): void => {
        const silentMs = Date.now() - lastInbound
        if (silentMs > this.config.pingInterval * 2000 + 10_000) {
          this.debug(`no frame for ${Math.round(silentMs / 1000)} s: the connection is taken as lost`)
          shut()
          return
        }
        this.send(ws, {
          seqId: 0n,
          logId: 0n,
          service: serviceId,
          method: 0,
          headers: [{ key: 'type', value: 'ping' }],
        })
        pingTimer = setTimeout(ping, this.config.pingInterval * 1000)
      }
      ws.addEventListener('open', () => {
        opened = true
        clearTimeout(handshakeTimer)
        this.resolveReady(true)
        this.debug(`long connection open (${new URL(url).host})`)
        lastInbound = Date.now()
        ping()
      })
      ws.addEventListener('message', (event: MessageEvent) => {
        lastInbound = Date.now()
        const task = this.onMessage(ws, event.data).catch((error: unknown) =>
          this.debug(`a frame was not handled: ${String(error)}`),
        )
        inFlight.add(task)
        void task.finally(() => inFlight.delete(task))
      })
      // Some WebSocket versions fire no close after a failed handshake: the error must end it too.
      ws.addEventListener('error', () => {
        if (!opened) closeTimer ??= setTimeout(finish, CLOSE_WAIT_MS)
      })
      ws.addEventListener('close', (event: CloseEvent) => {
        this.debug(`long connection closed (code ${event.code})`)
        if (inFlight.size === 0) finish()
        else
          void Promise.race([
            Promise.allSettled(inFlight),
            new Promise((wake) => setTimeout(wake, CLOSE_WAIT_MS)),
          ]).then(finish)
      })
      if (signal.aborted) shut()
    })
  }

  private send(ws: WebSocket, frame: Frame): void {
    if (ws.readyState === OPEN) ws.send(encodeFrame(frame))
  }

  private async onMessage(ws: WebSocket, data: unknown): Promise<void> {
    if (!(data instanceof ArrayBuffer) || data.byteLength > MAX_MESSAGE_BYTES) {
      this.debug('a text or oversized message on the long connection was ignored')
      return
    }
    let frame: Frame
    try {
      frame = decodeFrame(new Uint8Array(data))
    } catch (error) {
      if (error instanceof FrameError) return this.debug(`a malformed frame was ignored: ${error.message}`)
      throw error
    }
    const type = headerValue(frame, 'type')
    if (frame.method === 0) {
      if (type === 'pong' && frame.payload?.length) this.applyConfig(parseJson(frame.payload))
      return
    }
    if (frame.method !== 1) return
    const parts = this.fragments.add(
      headerValue(frame, 'message_id') ?? '',
      headerValue(frame, 'sum'),
      headerValue(frame, 'seq'),
      frame.payload ?? new Uint8Array(),
    )
    if (parts === 'wait') return
    if ('dropped' in parts) return this.debug(`a split message was dropped: ${parts.dropped}`)
    if (type === 'card') {
      if (!this.warnedCardFrames) {
        this.warnedCardFrames = true
        this.options.log(
          'Feishu delivered a card click in the old callback format, which this step cannot answer: in the developer console, add card.action.trigger under the callback configuration (not event subscription) and publish a new app version.',
        )
      }
      return
    }
    if (type !== 'event') return
    const started = Date.now()
    const answer = await this.answer(parseJson(parts.complete))
    const headers = [...frame.headers, { key: 'biz_rt', value: String(Date.now() - started) }]
    this.send(ws, { ...frame, headers, payload: new TextEncoder().encode(JSON.stringify(answer)) })
  }

  /** The answer frame's payload for one event: {code} and, for a click, the response in base64. */
  private async answer(envelope: unknown): Promise<{ code: number; data?: string }> {
    const header = (envelope as { header?: { event_type?: unknown } } | undefined)?.header
    if (header?.event_type !== 'card.action.trigger') return { code: 200 }
    const withinMs = this.options.answerWithinMs ?? 2500
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), withinMs)))
    try {
      const response = await Promise.race([this.options.onCard(envelope as Record<string, unknown>), late])
      if (response === 'late') {
        this.debug(`a card click was not answered within ${withinMs} ms`)
        return { code: 500 }
      }
      return { code: 200, data: Buffer.from(JSON.stringify(response)).toString('base64') }
    } catch (error) {
      this.debug(`a card click failed: ${error instanceof Error ? error.message : String(error)}`)
      return { code: 500 }
    } finally {
      clearTimeout(timer)
    }
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown
  } catch {
    return undefined
  }
}

/** Waits `ms`, or less when the signal aborts; leaves no timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
