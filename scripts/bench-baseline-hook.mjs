// @ts-check
// The benchmark's baseline for webhook mode: one POST of a text to a custom bot's hook with the
// built-in fetch, the shape the peers send, and nothing else: no inputs, no signing, no checks.
const sent = await fetch(`${process.env.BASELINE_URL}/open-apis/bot/v2/hook/demo-hook-token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ msg_type: 'text', content: { text: 'Build passed' } }),
}).then((response) => /** @type {Promise<{ code?: number, StatusCode?: number }>} */ (response.json()))
if ((sent.code ?? sent.StatusCode) !== 0) process.exit(1)
