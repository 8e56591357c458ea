// A named pipe for tests: Node has no mkfifo, so the system's command makes it (Linux and macOS).
import { execFileSync } from 'node:child_process'

export function mkfifo(path: string): void {
  execFileSync('/usr/bin/env', ['mkfifo', path])
}
