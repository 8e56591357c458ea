// Preloaded with `node --import ./scripts/trace-loads.mjs`: appends every module URL the process
// loads to the file named by TRACE_LOADS_FILE, so the benchmark and a test can see which parts of
// dist/ a run actually loads (lazily loaded chunks included).
import { register } from 'node:module'

const file = process.env.TRACE_LOADS_FILE
if (file) {
  const hooks = `
    import { appendFileSync } from 'node:fs'
    export async function load(url, context, next) {
      appendFileSync(${JSON.stringify(file)}, url + '\\n')
      return next(url, context)
    }`
  register(`data:text/javascript,${encodeURIComponent(hooks)}`)
}
