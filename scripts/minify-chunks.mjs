// @ts-check
// ncc minifies the entry file but writes the chunks of dynamic imports (js-yaml, marked, Octokit)
// as they come, several times larger. This minifies every chunk in dist/ in place,
// with the settings ncc uses for the entry (ES modules, names kept), so `npm run bundle` stays
// deterministic and check-dist can compare builds.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { minify } from 'terser'

const dist = fileURLToPath(new URL('../dist', import.meta.url))
for (const name of readdirSync(dist).filter((file) => /^\d+\.index\.js$/.test(file))) {
  const file = join(dist, name)
  const source = readFileSync(file, 'utf8')
  const result = await minify(source, {
    module: true,
    ecma: 2020,
    compress: true,
    mangle: { keep_classnames: true, keep_fnames: true },
    format: { comments: false },
  })
  if (result.code === undefined) throw new Error(`terser produced nothing for ${name}`)
  writeFileSync(file, result.code)
  console.log(`${name}: ${source.length} -> ${result.code.length} bytes`)
}
