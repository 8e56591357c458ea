// @ts-check
// The benchmark's baseline: the least a notification step can do, as a bare node script. It makes
// the same two requests as the action (tenant token, then one text message) with the built-in
// fetch, and nothing else: no inputs, no checks, no retries.
const base = process.env.BASELINE_URL
const token = await fetch(`${base}/open-apis/auth/v3/tenant_access_token/internal`, {
  method: 'POST',
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ app_id: 'cli_test', app_secret: 'test-secret' }),
}).then((response) => /** @type {Promise<{ tenant_access_token: string }>} */ (response.json()))
const sent = await fetch(`${base}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
  method: 'POST',
  headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token.tenant_access_token}` },
  body: JSON.stringify({ receive_id: 'oc_1', msg_type: 'text', content: JSON.stringify({ text: 'Build passed' }) }),
}).then((response) => /** @type {Promise<{ code: number }>} */ (response.json()))
if (sent.code !== 0) process.exit(1)
