// Loaded first, before undici: keeps its HTTP parser (llhttp, WebAssembly) on V8's baseline tier
// for the whole run. After a few answers V8 starts compiling the hot parser again with its
// optimizing tier on a background thread, and a process does not end until such a compile
// finishes: 100-300 ms lost after the last answer of any step with two or more receivers. A step
// parses a handful of answers, where the baseline code is as fast as it needs to be. Affects only
// WebAssembly, and only in this process.

import { setFlagsFromString } from 'node:v8'

/** Calls before a WebAssembly function moves up a tier; V8's default is 1,800,000. */
setFlagsFromString('--wasm-tiering-budget=1000000000')
