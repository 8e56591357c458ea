// Files the workflow names by path or glob pattern, inside GITHUB_WORKSPACE: the inputs that take a
// list of report or attachment files (`test-results`, `attachments`) share one rule set. One pattern
// or path per line, relative to the workspace; `**`, `*`, `?`, `{a,b}` as in .gitignore-like globs;
// a line starting with `!` excludes what it matches. Anything that resolves outside the workspace
// (`..`, an absolute path elsewhere, a symlink pointing out) is an input error naming the input.
// Patterns walk no symlink and match none (a link to / would be walked whole); a literal path may be
// a symlink, and its real path must be inside the workspace.
// Owns: expanding the lines (tinyglobby, loaded only when such an input is set), the real-path
// check, and what each match is (regular file or not, its size). Must not: read the files' content.

import { lstat, realpath, stat } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import { InputError } from './errors.js'

/** One file a line named, checked to be inside the workspace. */
export interface WorkspaceFile {
  /** As shown to the user: relative to the workspace, with `/`. */
  readonly shown: string
  /** The real path (symlinks resolved), inside the workspace. */
  readonly path: string
  /** 'file' for a regular file; otherwise what it is, for a message. */
  readonly kind: 'file' | 'directory' | 'fifo' | 'device' | 'socket' | 'other'
  readonly bytes: number
}

export interface WorkspaceMatches {
  /** Every match, in the order of the lines, each file once. */
  readonly files: readonly WorkspaceFile[]
  /** Literal paths (no glob characters) that name nothing. */
  readonly missing: readonly string[]
  /** Patterns that matched nothing (after exclusions). */
  readonly unmatched: readonly string[]
}

const GLOB = /[*?[\]{}]/

/** Whether a line is a glob pattern rather than a literal path. */
export const isPattern = (line: string): boolean => GLOB.test(line)

/** The input's lines: one per line, trimmed, blank lines and `#` comments dropped. */
export function fileLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/**
 * Expands `lines` (as `fileLines` gives them) inside `workspace`. Throws an InputError naming
 * `input` for a line or a match that leads outside the workspace.
 */
export async function findWorkspaceFiles(
  input: string,
  lines: readonly string[],
  workspace: string,
): Promise<WorkspaceMatches> {
  const root = await realpath(workspace).catch(() => resolve(workspace))
  const includes = lines.filter((line) => !line.startsWith('!'))
  const excludes = lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1).trim())
  for (const line of [...includes, ...excludes]) checkInside(input, line, root)
  const excluded = await expand(excludes, root)
  const seen = new Set<string>()
  const files: WorkspaceFile[] = []
  const missing: string[] = []
  const unmatched: string[] = []
  for (const line of includes) {
    const candidates = isPattern(line) ? await expand([line], root) : [resolve(root, line)]
    let found = 0
    for (const candidate of candidates) {
      if (excluded.has(candidate)) continue
      const file = await describe(input, candidate, root)
      if (!file) continue
      found++
      if (seen.has(file.path)) continue
      seen.add(file.path)
      files.push(file)
    }
    if (found === 0) (isPattern(line) ? unmatched : missing).push(line)
  }
  return { files, missing, unmatched }
}

/** A line must not name a place outside the workspace: no absolute path elsewhere, no `..` out. */
function checkInside(input: string, line: string, root: string): void {
  const target = resolve(root, line.replace(/[*?[\]{}].*$/, ''))
  if (target !== root && !target.startsWith(root + sep))
    throw new InputError(
      input,
      `${line} leads outside the workspace (${root}); paths and patterns are relative to GITHUB_WORKSPACE`,
    )
}

/** The absolute paths `patterns` match, as the glob library gives them (symlinks not resolved). */
async function expand(patterns: readonly string[], root: string): Promise<Set<string>> {
  if (patterns.length === 0) return new Set()
  const { glob } = await import('tinyglobby')
  const matches = await glob([...patterns], {
    cwd: root,
    absolute: true,
    dot: true,
    onlyFiles: false,
    expandDirectories: false,
    followSymbolicLinks: false,
  })
  return new Set(matches.map((match) => resolve(match)))
}

/** What `candidate` is, after resolving symlinks; undefined when nothing is there. */
async function describe(input: string, candidate: string, root: string): Promise<WorkspaceFile | undefined> {
  const link = await lstat(candidate).catch(() => undefined)
  if (!link) return undefined
  const path = await realpath(candidate).catch(() => undefined)
  const shown = relative(root, candidate).split(sep).join('/') || '.'
  if (!path) throw new InputError(input, `${shown} is a symlink to nothing; name the file itself`)
  if (path !== root && !path.startsWith(root + sep))
    throw new InputError(
      input,
      `${shown} leads outside the workspace (to ${path}, through a symlink); files must be inside GITHUB_WORKSPACE`,
    )
  const info = await stat(path)
  const kind = info.isFile()
    ? 'file'
    : info.isDirectory()
      ? 'directory'
      : info.isFIFO()
        ? 'fifo'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'device'
          : info.isSocket()
            ? 'socket'
            : 'other'
  return { shown, path, kind, bytes: info.size }
}

/** How a kind reads in a message: "a directory", "a named pipe". */
export function kindName(kind: WorkspaceFile['kind']): string {
  return {
    file: 'a file',
    directory: 'a directory',
    fifo: 'a named pipe',
    device: 'a device',
    socket: 'a socket',
    other: 'not a regular file',
  }[kind]
}
