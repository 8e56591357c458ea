// The long connection's frame codec (feishu/ws-frame.ts) against protobufjs with the same proto2
// schema: both directions, large uint64s, negative int32s, unknown fields skipped, and every kind
// of malformed input refused with a FrameError; the split-frame buffer's limits.
import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame, FrameError, headerValue, type Frame } from '../../src/feishu/ws-frame.js'
import { FragmentBuffer } from '../../src/feishu/ws-fragments.js'
import { decodeFakeFrame, encodeFakeFrame, FrameType } from '../fake-feishu-ws.mjs'

const FULL: Frame = {
  seqId: 18446744073709551615n,
  logId: 9007199254740993n,
  service: -7,
  method: 1,
  headers: [
    { key: 'type', value: 'event' },
    { key: 'message_id', value: '消息-1' },
  ],
  payloadEncoding: 'utf8',
  payloadType: 'json',
  payload: new TextEncoder().encode('{"a":1}'),
  logIdNew: 'log-new',
}

describe('frame codec', () => {
  it('encodes what protobufjs decodes, field by field', () => {
    const decoded = decodeFakeFrame(encodeFrame(FULL))
    expect(decoded).toMatchObject({
      SeqID: '18446744073709551615',
      LogID: '9007199254740993',
      service: -7,
      method: 1,
      headers: FULL.headers,
      payloadEncoding: 'utf8',
      payloadType: 'json',
      LogIDNew: 'log-new',
    })
    expect(Buffer.from(decoded.payload).toString()).toBe('{"a":1}')
  })

  it('decodes what protobufjs encodes, and leaves out absent optional fields', () => {
    const bytes = encodeFakeFrame({
      SeqID: '12345678901234',
      LogID: 7,
      service: 42,
      method: 0,
      headers: [{ key: 'type', value: 'pong' }],
    })
    const frame = decodeFrame(bytes)
    expect(frame).toEqual({
      seqId: 12345678901234n,
      logId: 7n,
      service: 42,
      method: 0,
      headers: [{ key: 'type', value: 'pong' }],
    })
    expect(headerValue(frame, 'type')).toBe('pong')
    expect(headerValue(frame, 'sum')).toBeUndefined()
    expect(decodeFrame(encodeFrame(FULL))).toEqual(FULL)
  })

  it('skips fields it does not know, of every wire type', () => {
    const known = encodeFrame({ seqId: 1n, logId: 2n, service: 3, method: 1, headers: [] })
    // field 10 varint, 11 fixed64, 12 bytes, 13 fixed32
    const extra = Uint8Array.from([
      0x50, 0x96, 0x01, 0x59, 1, 2, 3, 4, 5, 6, 7, 8, 0x62, 2, 0x61, 0x62, 0x6d, 1, 2, 3, 4,
    ])
    expect(decodeFrame(Uint8Array.from([...known, ...extra]))).toEqual({
      seqId: 1n,
      logId: 2n,
      service: 3,
      method: 1,
      headers: [],
    })
  })

  it.each([
    ['an empty message', []],
    ['a missing method', [0x08, 1, 0x10, 1, 0x18, 1]],
    ['a missing SeqID', [...FrameType.encode({ SeqID: 1, LogID: 1, service: 1, method: 1 }).finish()].slice(2)],
    ['a truncated varint', [0x08, 0x80]],
    ['a length past the end', [0x08, 1, 0x10, 1, 0x18, 1, 0x20, 1, 0x42, 5, 1]],
    ['a varint field sent as bytes', [0x0a, 0]],
    ['field number 0', [0x00, 1]],
    ['wire type 3 (groups)', [0x0b]],
    ['a header without value', [0x08, 1, 0x10, 1, 0x18, 1, 0x20, 1, 0x2a, 3, 0x0a, 1, 0x61]],
    ['a string that is not UTF-8', [0x08, 1, 0x10, 1, 0x18, 1, 0x20, 1, 0x4a, 1, 0xff]],
    ['a varint of 11 bytes', [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
  ])('refuses %s with a FrameError', (_name, bytes) => {
    expect(() => decodeFrame(Uint8Array.from(bytes))).toThrow(FrameError)
  })
})

describe('split frames', () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
  const text = (result: ReturnType<FragmentBuffer['add']>): string =>
    typeof result === 'object' && 'complete' in result
      ? new TextDecoder().decode(result.complete)
      : JSON.stringify(result)

  it('passes a whole message through and joins parts in seq order, whatever order they come in', () => {
    const buffer = new FragmentBuffer()
    expect(text(buffer.add('m0', undefined, undefined, bytes('whole')))).toBe('whole')
    expect(buffer.add('m1', '3', '2', bytes('c'))).toBe('wait')
    expect(buffer.add('m1', '3', '0', bytes('a'))).toBe('wait')
    expect(buffer.add('m1', '3', '0', bytes('x'))).toBe('wait')
    expect(text(buffer.add('m1', '3', '1', bytes('b')))).toBe('abc')
    expect(buffer.size).toBe(0)
  })

  it('drops what breaks the limits, and forgets an unfinished message after its time', async () => {
    const buffer = new FragmentBuffer({ maxParts: 4, maxBytes: 10, maxMessages: 1, ttlMs: 50 })
    expect(buffer.add('a', '5', '0', bytes('x'))).toEqual({ dropped: 'sum "5" out of range' })
    expect(buffer.add('a', '2', '2', bytes('x'))).toEqual({ dropped: 'seq "2" out of range' })
    expect(buffer.add('a', 'two', '0', bytes('x'))).toMatchObject({ dropped: expect.any(String) })
    expect(buffer.add('a', '2', '0', bytes('x'))).toBe('wait')
    expect(buffer.add('b', '2', '0', bytes('x'))).toEqual({ dropped: 'too many unfinished messages' })
    expect(buffer.add('a', '3', '1', bytes('x'))).toEqual({ dropped: 'parts disagree on sum' })
    expect(buffer.add('c', '2', '0', bytes('12345678901'))).toEqual({ dropped: 'over the byte limit' })
    expect(buffer.add('d', '2', '0', bytes('x'))).toBe('wait')
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(buffer.size).toBe(0)
  })
})
