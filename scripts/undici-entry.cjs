// @ts-nocheck: it runs only in place of undici's index.js, beside undici's lib/ (scripts/bundle.mjs)
'use strict'
// The entry of undici that dist/ is built with (scripts/bundle.mjs puts it in place of undici's
// index.js in a scratch copy of the runtime packages; node_modules is never changed): what the
// action and the toolkit use of undici, from the same package, without evaluating the rest of its
// index (WebSocket, EventSource, caches, cookies, mocks, fetch until it is called) at every start.
// The action uses the dispatchers and their request(); @actions/http-client uses ProxyAgent;
// @actions/github uses fetch, loaded on its first call.
const Dispatcher = require('./lib/dispatcher/dispatcher')
const Client = require('./lib/dispatcher/client')
const Pool = require('./lib/dispatcher/pool')
const Agent = require('./lib/dispatcher/agent')
const ProxyAgent = require('./lib/dispatcher/proxy-agent')
const EnvHttpProxyAgent = require('./lib/dispatcher/env-http-proxy-agent')
const errors = require('./lib/core/errors')
const api = require('./lib/api')

// As undici's own index does: request(), stream() and the rest on every dispatcher.
Object.assign(Dispatcher.prototype, api)

let fetchImpl
async function fetch(input, init = undefined) {
  fetchImpl ??= require('./lib/web/fetch').fetch
  return fetchImpl(input, init)
}

module.exports = { Dispatcher, Client, Pool, Agent, ProxyAgent, EnvHttpProxyAgent, errors, fetch }
