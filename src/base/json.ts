// Reading parsed JSON (event payloads, API answers, card files) without trusting its shape, and
// measuring what a value weighs once serialized. Pure, no imports outside base.

import { isPlainObject } from './objects.js'

export type Json = Record<string, unknown>

/** The value when it is a plain object, else an empty one. */
export const jsonObject = (value: unknown): Json => (isPlainObject(value) ? value : {})

/** The value when it is a list, else an empty one. */
export const jsonList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** A string as it is; anything else ''. */
export const jsonString = (value: unknown): string => (typeof value === 'string' ? value : '')

/** A string, or a number written as one (ids come as either); anything else ''. */
export const jsonText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''

/** Bytes of the value serialized by JSON.stringify, in UTF-8. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8')
}

/**
 * Bytes JSON.stringify(text) adds inside its quotes, in UTF-8, counted without building the string
 * (this runs on every piece). JSON escapes each code unit on its own, so the size of a join is the
 * sum of the sizes; a lone surrogate becomes a six-byte \uXXXX escape.
 */
export function jsonStringBytes(text: string): number {
  let bytes = 0
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    if (code === 0x22 || code === 0x5c) bytes += 2
    else if (code < 0x20)
      bytes += code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6
    else if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      index + 1 < text.length &&
      (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4
      index += 1
    } else if (code >= 0xd800 && code <= 0xdfff) bytes += 6
    else bytes += 3
  }
  return bytes
}
