// Updating a card and replying to a message, end to end, wired as the README's recipes wire them:
// one run's outputs.message-id becomes a later run's update-message-id or reply-to. dist/index.js
// runs in a new node process against the fake, which keeps the messages between runs (§5.1, §5.2).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorLines, expectInputError } from './expect-step.js'
import { startFakeFeishu } from './fake-feishu.mjs'
import { RUNTIMES, runAction, visibleOutput, type ActionRun } from './run-action.mjs'

type Fake = Awaited<ReturnType<typeof startFakeFeishu>>

const SECRET = 'test-secret'
const MESSAGES = '/open-apis/im/v1/messages'
const STARTED =
  'header: {template: blue, title: {tag: plain_text, content: "Deploying ${ref_name}"}}\nelements:\n  - {tag: markdown, content: "started by ${actor}"}\n'
const FINISHED =
  'header: {template: green, title: {tag: plain_text, content: "Deployed ${ref_name}"}}\nelements:\n  - {tag: markdown, content: "finished"}\n'

describe.each(RUNTIMES)('update and reply on $name', ({ bin }) => {
  let fake: Fake
  const run = (
    inputs: Record<string, string>,
    more: Omit<Parameters<typeof runAction>[0], 'inputs'> = {},
  ): Promise<ActionRun> =>
    runAction({
      node: bin,
      ...more,
      inputs: { 'app-id': 'cli_test', 'app-secret': SECRET, domain: fake.url, ...inputs },
    })
  const stored = (id: string) => fake.messages.find((message) => message.message_id === id)!
  const requestsTo = (method: string, path: string) =>
    fake.requests.filter((request) => request.method === method && request.path === path)

  function expectGreen(result: ActionRun): void {
    expect(result.stderr).toBe('')
    expect(errorLines(result)).toEqual([])
    expect(result.exitCode).toBe(0)
  }

  /** Step 1 of the recipe: a card sent to a chat, its id taken from the outputs. */
  async function sendStarted(): Promise<string> {
    const started = await run({ 'chat-id': 'oc_1', card: STARTED })
    expectGreen(started)
    return started.outputs['message-id']!
  }

  beforeAll(async () => {
    fake = await startFakeFeishu({ chats: ['oc_1', 'oc_flat'], noThreadChats: ['oc_flat'] })
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it('"Deploy started, then finished": a 1.0 card sent shareable, then updated in place through outputs.message-id', async () => {
    const id = await sendStarted()
    expect(stored(id).parsedContent.config).toEqual({ update_multi: true })

    const finished = await run({ 'update-message-id': id, card: FINISHED })
    expectGreen(finished)
    expect(fake.messages).toHaveLength(1)
    expect(stored(id)).toMatchObject({ updated: true, chat_id: 'oc_1' })
    expect(stored(id).parsedContent).toEqual({
      header: { template: 'green', title: { tag: 'plain_text', content: 'Deployed v1.2.3' } },
      elements: [{ tag: 'markdown', content: 'finished' }],
      config: { update_multi: true },
    })
    const [patch] = requestsTo('PATCH', `${MESSAGES}/${id}`)
    expect(Object.keys(patch!.body)).toEqual(['content'])
    expect(patch!.headers.authorization).toMatch(/^Bearer t-/)
    expect(finished.outputs['message-id']).toBe(id)
    expect(finished.outputs['chat-id']).toBe('')
    expect(JSON.parse(finished.outputs.results!)).toEqual([
      {
        receive_id: id,
        receive_id_type: 'update_message_id',
        ok: true,
        message_id: id,
        chat_id: '',
        code: 0,
        error: '',
        status: 'sent',
      },
    ])
    expect(finished.stdout).toContain(`Updating card ${id} with a card (from \`card\`) via ${fake.url}`)
    expect(finished.stdout).toContain(`Updated card ${id}.`)
    expect(visibleOutput(finished)).not.toContain(SECRET)
  })

  it('updates a template card with a template card, and a 2.0 card with a 2.0 card', async () => {
    const template = await run({ 'chat-id': 'oc_1', 'template-id': 'AAqTemplate1', variables: 'version: v1' })
    expectGreen(template)
    const updated = await run({
      'update-message-id': template.outputs['message-id']!,
      'template-id': 'AAqTemplate1',
      variables: 'version: v2',
    })
    expectGreen(updated)
    expect(stored(template.outputs['message-id']!).parsedContent).toEqual({
      type: 'template',
      data: { template_id: 'AAqTemplate1', template_variable: { version: 'v2' } },
    })

    const v2 = '{"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "${text}"}]}}'
    const sent = await run({ 'chat-id': 'oc_1', card: v2, variables: 'text: one' })
    expectGreen(await run({ 'update-message-id': sent.outputs['message-id']!, card: v2, variables: 'text: two' }))
    expect(stored(sent.outputs['message-id']!).parsedContent).toEqual({
      schema: '2.0',
      body: { elements: [{ tag: 'markdown', content: 'two' }] },
    })
  })

  it('"test report as a thread reply": reply-to with reply-in-thread, the reply\'s id and chat in the outputs', async () => {
    const announcement = await run({ 'chat-id': 'oc_1', text: 'Released ${ref_name}' })
    expectGreen(announcement)
    const parent = announcement.outputs['message-id']!

    const report = await run({
      'reply-to': parent,
      'reply-in-thread': 'true',
      post: '{zh_cn: {title: Tests, content: [[{tag: text, text: "118 passed"}]]}}',
    })
    expectGreen(report)
    const reply = fake.messages.find((message) => message.parent_id === parent)!
    expect(reply).toMatchObject({
      root_id: parent,
      chat_id: 'oc_1',
      msg_type: 'post',
      thread_id: expect.stringMatching(/^omt_/),
    })
    const [request] = requestsTo('POST', `${MESSAGES}/${parent}/reply`)
    expect(request!.body).toEqual({
      msg_type: 'post',
      content: JSON.stringify({ zh_cn: { title: 'Tests', content: [[{ tag: 'text', text: '118 passed' }]] } }),
      reply_in_thread: true,
      uuid: expect.stringMatching(/^gh-[\w-]{40}$/),
    })
    expect(report.outputs['message-id']).toBe(reply.message_id)
    expect(report.outputs['chat-id']).toBe('oc_1')
    expect(JSON.parse(report.outputs.results!)).toEqual([
      {
        receive_id: parent,
        receive_id_type: 'reply_to',
        ok: true,
        message_id: reply.message_id,
        chat_id: 'oc_1',
        code: 0,
        error: '',
        status: 'sent',
      },
    ])
    expect(report.stdout).toContain(`Replying to ${parent} in its thread with a post message (from \`post\`)`)

    // A retry loop around the step does not reply twice: the uuid is the same.
    expectGreen(
      await run({
        'reply-to': parent,
        'reply-in-thread': 'true',
        post: '{zh_cn: {title: Tests, content: [[{tag: text, text: "118 passed"}]]}}',
      }),
    )
    expect(fake.messages.filter((message) => message.parent_id === parent)).toHaveLength(1)
  })

  it('a plain reply (not in a thread) with a card', async () => {
    const parent = fake.addMessage({ chat_id: 'oc_1', msg_type: 'text', content: '{"text":"p"}' }).message_id
    expectGreen(await run({ 'reply-to': parent, card: '{"elements": [{"tag": "markdown", "content": "ok"}]}' }))
    const reply = fake.messages.find((message) => message.parent_id === parent)!
    expect(reply.thread_id).toBeUndefined()
    expect(reply.parsedContent).toEqual({
      elements: [{ tag: 'markdown', content: 'ok' }],
      config: { update_multi: true },
    })
    expect(requestsTo('POST', `${MESSAGES}/${parent}/reply`)[0]!.body.reply_in_thread).toBe(false)
  })

  it.each([
    [
      'recalled',
      'update',
      230011,
      /Feishu code 230011: the message was recalled, so it can no longer be updated or replied to\. Fix: send a new message instead/,
    ],
    [
      'old',
      'update',
      230031,
      /Feishu code 230031: the card was sent more than 14 days ago and can no longer be updated\. Fix: send a new message instead \(remove `update-message-id`\)/,
    ],
    [
      'deleted',
      'update',
      230110,
      /Feishu code 230110: the message was deleted, so it can no longer be updated or replied to\. Fix: send a new message instead/,
    ],
    ['recalled', 'reply', 230011, /Feishu code 230011: the message was recalled/],
  ] as const)('a %s message (%s): %i with its fix, not retried', async (state, action, code, message) => {
    const target = fake.addMessage({
      chat_id: 'oc_1',
      msg_type: 'interactive',
      content: JSON.stringify({ config: { update_multi: true }, elements: [] }),
    }).message_id
    fake.markMessage(target, state)
    const result = await run(
      action === 'update'
        ? { 'update-message-id': target, card: '{"elements": []}' }
        : { 'reply-to': target, text: 'x' },
    )
    expect(result.exitCode).toBe(1)
    expect(errorLines(result)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::The ${action === 'update' ? 'update of' : 'reply to'} ${target} failed: ${message.source}`,
        ),
      ),
    ])
    expect(fake.requests.filter((request) => request.path.startsWith(`${MESSAGES}/${target}`))).toHaveLength(1)
    expect(JSON.parse(result.outputs.results!)[0]).toMatchObject({ ok: false, code })
    expect(result.outputs['message-id']).toBe('')
  })

  it('a thread reply in a chat without threads: 230071 with its fix', async () => {
    const parent = fake.addMessage({ chat_id: 'oc_flat', msg_type: 'text', content: '{"text":"p"}' }).message_id
    const result = await run({ 'reply-to': parent, 'reply-in-thread': 'true', text: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /Feishu code 230071: this chat does not support thread replies\. Fix: set `reply-in-thread: false` to reply in the chat itself/,
    )
  })

  it('dry run: the PATCH and the reply printed with the token hidden, nothing sent', async () => {
    const update = await run({ 'update-message-id': 'om_abc', card: '{"elements": []}', 'dry-run': 'true' })
    expect(update.exitCode).toBe(0)
    expect(update.stdout).toContain(`::group::PATCH ${fake.url}${MESSAGES}/om_abc\nAuthorization: Bearer ***`)
    expect(update.stdout).toContain('"content": "{\\"elements\\":[],\\"config\\":{\\"update_multi\\":true}}"')
    expect(update.stdout).not.toContain('"uuid"')
    const reply = await run({ 'reply-to': 'om_abc', 'reply-in-thread': 'true', text: 'x', 'dry-run': 'true' })
    expect(reply.stdout).toContain(`::group::POST ${fake.url}${MESSAGES}/om_abc/reply\nAuthorization: Bearer ***`)
    expect(reply.stdout).toContain('"reply_in_thread": true')
    expect(fake.requests).toHaveLength(0)
    expect(JSON.parse(reply.outputs.results!)).toEqual([
      {
        receive_id: 'om_abc',
        receive_id_type: 'reply_to',
        ok: false,
        message_id: '',
        chat_id: '',
        code: null,
        error: 'dry run: not sent',
        status: 'dry_run',
      },
    ])
  })

  it.each([
    ['update and reply together', { 'update-message-id': 'om_1', 'reply-to': 'om_2', card: '{}' }, 'reply-to'],
    ['an update with text', { 'update-message-id': 'om_1', text: 'x' }, 'text'],
    ['an update with chat-id', { 'update-message-id': 'om_1', 'chat-id': 'oc_1', card: '{}' }, 'chat-id'],
    ['a reply with receive-id', { 'reply-to': 'om_1', 'receive-id': 'ou_alice', text: 'x' }, 'receive-id'],
    ['an update id that is a chat id', { 'update-message-id': 'oc_1', card: '{}' }, 'update-message-id'],
    [
      'reply-in-thread without reply-to',
      { 'chat-id': 'oc_1', 'reply-in-thread': 'true', text: 'x' },
      'reply-in-thread',
    ],
    [
      'an update with a card that opts out of sharing',
      { 'update-message-id': 'om_1', card: '{"config": {"update_multi": false}}' },
      'card',
    ],
  ])('%s: one line naming the input, no request', async (_, inputs, input) => {
    const result = await run(inputs)
    expectInputError(result, input)
    expect(fake.requests).toHaveLength(0)
  })
})
