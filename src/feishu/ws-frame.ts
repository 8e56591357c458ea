// The long connection's frame: the protobuf (proto2) message `Frame` that every binary WebSocket
// message of Feishu's long connection carries, with its repeated `Header {key, value}`. Owns the
// encoding and decoding of those nine fields and nothing else: what a frame means (ping, pong, a
// click) is long-connection.ts's business. Hand-written because the schema is nine fields of four
// wire types; a protobuf library would add ~20 KB and a schema loader for this (see BENCHMARKS.md).
//
// Field numbers and types as the platform's SDKs define them (Feishu's Node SDK for the long
// connection, https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/server-side-sdk/nodejs-sdk/handling-callbacks):
// 1 SeqID uint64, 2 LogID uint64, 3 service int32, 4 method int32 (required); 5 headers; 6
// payload_encoding, 7 payload_type (strings); 8 payload (bytes); 9 LogIDNew (string).

interface FrameHeader {
  readonly key: string
  readonly value: string
}

export interface Frame {
  /** uint64: kept as bigint so an answer echoes exactly what the server sent. */
  readonly seqId: bigint
  readonly logId: bigint
  readonly service: number
  /** 0 control (ping, pong), 1 data (events, card clicks). */
  readonly method: number
  readonly headers: readonly FrameHeader[]
  readonly payloadEncoding?: string
  readonly payloadType?: string
  readonly payload?: Uint8Array
  readonly logIdNew?: string
}

/** A message that is not a frame: truncated, a field of the wrong kind, a required field missing. */
export class FrameError extends Error {
  override readonly name = 'FrameError'
}

const VARINT = 0
const FIXED64 = 1
const BYTES = 2
const FIXED32 = 5

/** The wire type each known field of Frame must have. */
const FIELD_TYPES: Readonly<Record<number, number>> = {
  1: VARINT,
  2: VARINT,
  3: VARINT,
  4: VARINT,
  5: BYTES,
  6: BYTES,
  7: BYTES,
  8: BYTES,
  9: BYTES,
}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder('utf-8', { fatal: true })

/** The value of header `key`, or undefined. */
export function headerValue(frame: Frame, key: string): string | undefined {
  return frame.headers.find((header) => header.key === key)?.value
}

export function encodeFrame(frame: Frame): Uint8Array {
  const out = new Writer()
  out.tag(1, VARINT).varint(frame.seqId)
  out.tag(2, VARINT).varint(frame.logId)
  out.tag(3, VARINT).varint(BigInt.asUintN(64, BigInt(frame.service)))
  out.tag(4, VARINT).varint(BigInt.asUintN(64, BigInt(frame.method)))
  for (const header of frame.headers) {
    const inner = new Writer()
    inner.tag(1, BYTES).bytes(utf8.encode(header.key))
    inner.tag(2, BYTES).bytes(utf8.encode(header.value))
    out.tag(5, BYTES).bytes(inner.finish())
  }
  if (frame.payloadEncoding !== undefined) out.tag(6, BYTES).bytes(utf8.encode(frame.payloadEncoding))
  if (frame.payloadType !== undefined) out.tag(7, BYTES).bytes(utf8.encode(frame.payloadType))
  if (frame.payload !== undefined) out.tag(8, BYTES).bytes(frame.payload)
  if (frame.logIdNew !== undefined) out.tag(9, BYTES).bytes(utf8.encode(frame.logIdNew))
  return out.finish()
}

export function decodeFrame(bytes: Uint8Array): Frame {
  const reader = new Reader(bytes)
  let seqId: bigint | undefined
  let logId: bigint | undefined
  let service: number | undefined
  let method: number | undefined
  const headers: FrameHeader[] = []
  const optional: { payloadEncoding?: string; payloadType?: string; payload?: Uint8Array; logIdNew?: string } = {}
  while (!reader.done()) {
    const [field, wireType] = reader.tag()
    const kind = FIELD_TYPES[field]
    if (kind === undefined) {
      reader.skip(wireType)
      continue
    }
    if (wireType !== kind) throw new FrameError(`field ${field} has wire type ${wireType}, expected ${kind}`)
    switch (field) {
      case 1:
        seqId = reader.varint()
        break
      case 2:
        logId = reader.varint()
        break
      case 3:
        service = int32(reader.varint())
        break
      case 4:
        method = int32(reader.varint())
        break
      case 5:
        headers.push(decodeHeader(reader.bytes()))
        break
      case 6:
        optional.payloadEncoding = text(reader.bytes())
        break
      case 7:
        optional.payloadType = text(reader.bytes())
        break
      case 8:
        optional.payload = reader.bytes()
        break
      default:
        optional.logIdNew = text(reader.bytes())
    }
  }
  if (seqId === undefined || logId === undefined || service === undefined || method === undefined) {
    throw new FrameError('a required field (SeqID, LogID, service, method) is missing')
  }
  return { seqId, logId, service, method, headers, ...optional }
}

function decodeHeader(bytes: Uint8Array): FrameHeader {
  const reader = new Reader(bytes)
  let key: string | undefined
  let value: string | undefined
  while (!reader.done()) {
    const [field, wireType] = reader.tag()
    if ((field === 1 || field === 2) && wireType !== BYTES)
      throw new FrameError(`header field ${field} is not a string`)
    if (field === 1) key = text(reader.bytes())
    else if (field === 2) value = text(reader.bytes())
    else reader.skip(wireType)
  }
  if (key === undefined || value === undefined) throw new FrameError('a header without key or value')
  return { key, value }
}

function text(bytes: Uint8Array): string {
  try {
    return fromUtf8.decode(bytes)
  } catch {
    throw new FrameError('a string field that is not UTF-8')
  }
}

function int32(value: bigint): number {
  return Number(BigInt.asIntN(32, value))
}

class Reader {
  private offset = 0
  constructor(private readonly buffer: Uint8Array) {}
  done(): boolean {
    return this.offset >= this.buffer.length
  }
  tag(): [number, number] {
    const tag = this.varint()
    const field = Number(tag >> 3n)
    if (field === 0) throw new FrameError('field number 0')
    return [field, Number(tag & 7n)]
  }
  varint(): bigint {
    let result = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.offset >= this.buffer.length) throw new FrameError('truncated varint')
      const byte = this.buffer[this.offset++]!
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result)
    }
    throw new FrameError('varint longer than 10 bytes')
  }
  bytes(): Uint8Array {
    const length = this.varint()
    if (length > BigInt(this.buffer.length - this.offset)) throw new FrameError('truncated length-delimited field')
    const start = this.offset
    this.offset += Number(length)
    return this.buffer.subarray(start, this.offset)
  }
  skip(wireType: number): void {
    if (wireType === VARINT) this.varint()
    else if (wireType === BYTES) this.bytes()
    else if (wireType === FIXED64 || wireType === FIXED32) {
      const size = wireType === FIXED64 ? 8 : 4
      if (this.offset + size > this.buffer.length) throw new FrameError('truncated fixed-size field')
      this.offset += size
    } else throw new FrameError(`unsupported wire type ${wireType}`)
  }
}

class Writer {
  private readonly parts: number[] = []
  tag(field: number, wireType: number): this {
    return this.varint(BigInt((field << 3) | wireType))
  }
  varint(value: bigint): this {
    let rest = BigInt.asUintN(64, value)
    while (rest > 0x7fn) {
      this.parts.push(Number(rest & 0x7fn) | 0x80)
      rest >>= 7n
    }
    this.parts.push(Number(rest))
    return this
  }
  bytes(value: Uint8Array): this {
    this.varint(BigInt(value.length))
    for (const byte of value) this.parts.push(byte)
    return this
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}
