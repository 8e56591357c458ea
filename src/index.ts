import './base/wasm-tiering.js'
import { run } from './main.js'

await run()
