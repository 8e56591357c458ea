// Reads the `card-file` input's file, safely: the file is named by the workflow, but its content
// (and, in a pull request's checkout, a symlink at its path) is anyone's to write. Owns resolving
// the real path, requiring a regular file inside GITHUB_WORKSPACE, checking its size before reading
// (and never reading more), and its encoding (UTF-8, with or without a byte-order mark).
// Must not: parse the content (structured.ts does), or follow anything outside the workspace.

import { constants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import { InputError } from './errors.js'

/** Far more than any card (30 KB, §3.1), with room for YAML comments; anything larger is a mistake. */
const MAX_BYTES = 1024 * 1024

const fail = (problem: string): never => {
  throw new InputError('card-file', problem)
}

/** The file's text. `file` as the input gives it, relative to `workspace` (GITHUB_WORKSPACE). */
export async function readCardFile(file: string, workspace: string): Promise<string> {
  const root = await realpath(workspace).catch(() => resolve(workspace))
  let path: string
  try {
    path = await realpath(resolve(root, file))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return fail(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${file}: no such file in the workspace (${root}); check the path${file.includes('\\') && sep === '/' ? ' (write it with /, not \\: this runner is not Windows)' : ''}, and that the step runs after actions/checkout`
        : `cannot read ${file}: ${code ?? (error as Error).message}`,
    )
  }
  if (path === root) fail(`${file} is not a regular file (the workspace directory)`)
  if (!path.startsWith(root + sep))
    fail(
      `${file} leads outside the workspace (to ${path}, through .., an absolute path or a symlink); the card file must be inside GITHUB_WORKSPACE`,
    )
  // Non-blocking: opening a FIFO must not wait for a writer. No symlink is followed at this point.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch(
    (error: NodeJS.ErrnoException) => fail(`cannot open ${file}: ${error.code ?? error.message}`),
  )
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) fail(`${file} is not a regular file (${kindOf(stat)})`)
    if (stat.size > MAX_BYTES)
      fail(`${file} is ${(stat.size / 1024 / 1024).toFixed(1)} MB; a card file may be at most ${MAX_BYTES / 1024} KB`)
    // Read at most one byte past the limit, in case the file grew since.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_BYTES) + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length === buffer.length) break
    }
    if (length > MAX_BYTES) fail(`${file} grew past ${MAX_BYTES / 1024} KB while it was read`)
    return decode(buffer.subarray(0, length), file)
  } finally {
    await handle.close()
  }
}

function kindOf(stat: {
  isDirectory(): boolean
  isFIFO(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
  isSocket(): boolean
}): string {
  if (stat.isDirectory()) return 'a directory'
  if (stat.isFIFO()) return 'a named pipe'
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device'
  if (stat.isSocket()) return 'a socket'
  return 'not a file'
}

/** UTF-8, a byte-order mark dropped (editors on Windows write one); UTF-16 and other bytes refused by name. */
function decode(bytes: Buffer, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || looksUtf16(bytes))
    fail(`${file} is encoded as UTF-16; save it as UTF-8`)
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start))
  } catch {
    return fail(`${file} is not valid UTF-8; save it as UTF-8`)
  }
}

/** UTF-16 without a byte-order mark: JSON or YAML text has a zero byte beside each ASCII character. */
function looksUtf16(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 64)
  return head.length >= 2 && head.includes(0) && head.filter((byte) => byte === 0).length * 3 >= head.length
}
