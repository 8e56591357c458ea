// Plain-data helpers every layer uses on parsed JSON and YAML. No I/O, no imports.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** How a value is named in an error message: "a list", "a plain string", "empty". */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty'
  if (Array.isArray(value)) return 'a list'
  return typeof value === 'string' ? 'a plain string' : `a ${typeof value}`
}
