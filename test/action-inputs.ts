// The runner's view of the step's inputs: every input declared in action.yml with its default,
// as INPUT_<NAME> variables (the name upper-cased, dashes kept), overridden by the test's own.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

interface ActionYml {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

export const actionYml = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as ActionYml

export function inputEnv(inputs: Record<string, string> = {}): Record<string, string> {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYml.inputs)) throw new Error(`test uses input "${name}", which action.yml does not declare`)
  }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml.inputs)) env[`INPUT_${name.toUpperCase()}`] = spec.default ?? ''
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}
