// The `test-results` input's reports, read into the run's test facts (plain data for compose, like
// the jobs list). Loaded by a dynamic import only when `test-results` is set, so a step without it
// never loads this code or the XML parser. Owns: finding the files (inputs/workspace-files.ts: a
// path outside the workspace is an InputError; a path or pattern that names nothing is a warning),
// reading each one streaming with a fixed buffer, the 200 MB bound on all of them, telling UTF-8
// from UTF-16 and binary, and one warning per report that cannot be counted.
// Must not: fail the step for a bad report, read a file outside the workspace, or log itself
// (warnings go to `warn`).

import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { TextDecoder } from 'node:util'
import { findWorkspaceFiles, kindName } from '../../inputs/workspace-files.js'
import { JunitReport, ReportProblem } from './junit.js'
import { TestResults, type TestFacts } from './results.js'

/** All reports together; beyond this, the rest are not read and a warning says how many. */
const MAX_REPORT_BYTES = 200 * 1024 * 1024
const CHUNK_BYTES = 64 * 1024

export interface ReadTestReportsOptions {
  /** The input's lines (fileLines). */
  readonly lines: readonly string[]
  readonly workspace: string
  readonly warn: (line: string) => void
  /** For tests: the bound on all reports together. */
  readonly maxBytes?: number
}

/** The test facts of every report the lines name; throws an InputError only for a path leaving the workspace. */
export async function readTestReports(options: ReadTestReportsOptions): Promise<TestFacts> {
  const { warn } = options
  const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES
  const matches = await findWorkspaceFiles('test-results', options.lines, options.workspace)
  for (const line of matches.missing)
    warn(`Input \`test-results\`: ${line} does not exist; no tests were read from it.`)
  for (const line of matches.unmatched) warn(`Input \`test-results\`: the pattern ${line} matched no file.`)
  const results = new TestResults()
  let used = 0
  const skipped: string[] = []
  for (const file of matches.files) {
    if (file.kind !== 'file') {
      warn(`Test report ${file.shown} not read: it is ${kindName(file.kind)}, not a file.`)
      continue
    }
    if (used + file.bytes > maxBytes) {
      skipped.push(file.shown)
      continue
    }
    used += file.bytes
    try {
      results.addFile(await readReport(file.path, file.bytes))
    } catch (error) {
      const why =
        error instanceof ReportProblem
          ? error.message
          : `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
      warn(`Test report ${file.shown} not counted: ${why}.`)
    }
  }
  if (skipped.length)
    warn(
      `${skipped.length} test report(s) not read (the first: ${skipped[0]}): the reports total more than ${Math.round(maxBytes / 1024 / 1024)} MB.`,
    )
  return results.facts()
}

/** One report's cases, read in fixed chunks up to `bytes` (its size when it was found). */
async function readReport(path: string, bytes: number): Promise<ReturnType<JunitReport['end']>> {
  // Non-blocking: a FIFO that appeared since it was found must not wait for a writer.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new ReportProblem('it is not a regular file')
    const report = new JunitReport()
    const buffer = Buffer.alloc(CHUNK_BYTES)
    let decoder: TextDecoder | undefined
    let position = 0
    while (position < bytes) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, bytes - position), position)
      if (bytesRead === 0) break
      let chunk = buffer.subarray(0, bytesRead)
      if (!decoder) {
        decoder = decoderFor(chunk)
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3)
      }
      if (decoder.encoding === 'utf-8' && chunk.includes(0)) throw new ReportProblem('it is a binary file, not XML')
      report.write(decoder.decode(chunk, { stream: true }))
      position += bytesRead
    }
    if (decoder) report.write(decoder.decode())
    return report.end()
  } finally {
    await handle.close()
  }
}

/** UTF-16 when the file starts with its byte-order mark (some Windows tools), else UTF-8. */
function decoderFor(start: Uint8Array): TextDecoder {
  if (start[0] === 0xff && start[1] === 0xfe) return new TextDecoder('utf-16le')
  if (start[0] === 0xfe && start[1] === 0xff) return new TextDecoder('utf-16be')
  return new TextDecoder('utf-8')
}
