import { describe, expect, it } from 'vitest'
import type { OutgoingMessage } from '../../src/compose/message.js'
import type { DeliveryResult } from '../../src/feishu/deliver.js'
import { FeishuError } from '../../src/feishu/errors.js'
import { previewMessage, renderSummary } from '../../src/report/summary.js'

const chat = { receiveId: 'oc_1', receiveIdType: 'chat_id' } as const
const user = { receiveId: 'ou_2', receiveIdType: 'open_id' } as const
const text: OutgoingMessage = {
  msgType: 'text',
  input: 'text',
  content: { text: 'Deployed <b>v1</b> | done\n<at user_id="ou_a"></at>' },
}

describe('renderSummary', () => {
  it('success: a row per receiver with its message id, and what was sent', () => {
    const results: DeliveryResult[] = [
      { receiver: chat, ok: true, messageId: 'om_1', chatId: 'oc_1' },
      { receiver: user, ok: true, messageId: 'om_2', chatId: 'oc_9' },
    ]
    const summary = renderSummary({ results, message: text })
    expect(summary).toContain('✅ Delivered to all 2 receivers.')
    expect(summary).toContain('| chat_id oc_1 | ✅ delivered | `om_1` |')
    expect(summary).toContain('| open_id ou_2 | ✅ delivered | `om_2` |')
    expect(summary).toContain('<summary>Sent: a text message (from <code>text</code>)</summary>')
    expect(summary).toContain('> Deployed &lt;b&gt;v1&lt;/b&gt; \\| done  \n> @\u2060ou_a')
  })

  it('failure: the code, what it means and the fix', () => {
    const error = new FeishuError({
      code: 230002,
      msg: 'Bot/User can NOT be out of the chat.',
      httpStatus: 400,
      logId: 'x',
      meaning: 'the bot is not in the group',
      fix: 'add the bot | to the group',
    })
    const results: DeliveryResult[] = [{ receiver: chat, ok: false, messageId: '', chatId: '', error, stage: 'send' }]
    const summary = renderSummary({ results, message: text })
    expect(summary).toContain('❌ Delivered to 0 of 1 receiver(s).')
    expect(summary).toContain(
      '| chat_id oc_1 | ❌ code 230002: the bot is not in the group. Fix: add the bot \\| to the group |  |',
    )
  })

  it('an input error: nothing was sent, and why', () => {
    expect(renderSummary({ failure: 'Input `status`: "x" is not a job status <b>' })).toContain(
      '❌ Nothing was sent: Input \\`status\\`: "x" is not a job status &lt;b&gt;',
    )
  })

  it('dry run', () => {
    const summary = renderSummary({
      results: [{ receiver: chat, ok: false, messageId: '', chatId: '', stage: 'dry-run' }],
      message: text,
      dryRun: true,
    })
    expect(summary).toContain('🧪 Dry run: nothing was sent')
    expect(summary).toContain('<summary>Would send: a text message')
  })
})

describe('previewMessage', () => {
  it('card 2.0: title, markdown, buttons as links', () => {
    const card: OutgoingMessage = {
      msgType: 'interactive',
      input: 'preset',
      content: {
        schema: '2.0',
        header: {
          title: { tag: 'plain_text', content: 'CI failed' },
          subtitle: { tag: 'plain_text', content: 'o/r' },
          template: 'red',
        },
        body: {
          elements: [
            { tag: 'markdown', content: '**Branch:** main\n<at id=ou_x></at>' },
            { tag: 'hr' },
            {
              tag: 'column_set',
              columns: [
                {
                  tag: 'column',
                  elements: [
                    {
                      tag: 'button',
                      text: { tag: 'plain_text', content: 'View run' },
                      behaviors: [{ type: 'open_url', default_url: 'https://github.com/o/r/actions/runs/1' }],
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    }
    expect(previewMessage(card).join('\n')).toBe(
      '**CI failed** (red)\n*o/r*\n\n**Branch:** main  \n@\u2060ou_x\n\n---\n\n🔗 [View run](https://github.com/o/r/actions/runs/1)\n',
    )
  })

  it('card 1.0 with div, fields, note and an action button', () => {
    const card: OutgoingMessage = {
      msgType: 'interactive',
      input: 'card',
      content: {
        header: { title: { tag: 'plain_text', content: 'Hi' } },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content: 'a' }, fields: [{ text: { tag: 'lark_md', content: 'b' } }] },
          { tag: 'note', elements: [{ tag: 'plain_text', content: 'c' }] },
          { tag: 'action', actions: [{ tag: 'button', text: { content: 'Go' }, url: 'https://example.com' }] },
        ],
      },
    }
    expect(previewMessage(card).join('\n')).toBe('**Hi**\n\na\n\nb\n\nc\n\n🔗 [Go](https://example.com)\n')
  })

  it('post and template', () => {
    const post: OutgoingMessage = {
      msgType: 'post',
      input: 'post',
      content: {
        zh_cn: {
          title: 'T',
          content: [
            [
              { tag: 'text', text: 'see ' },
              { tag: 'a', text: 'docs', href: 'https://d' },
              { tag: 'at', user_id: 'all' },
            ],
          ],
        },
      },
    }
    expect(previewMessage(post).join('\n')).toBe('*zh_cn*\n\n**T**\n\n> see [docs](https://d)@\u2060all\n')
    const template: OutgoingMessage = {
      msgType: 'interactive',
      input: 'template-id',
      content: {
        type: 'template',
        data: { template_id: 'AAq1', template_version_name: '1.0.0', template_variable: { v: 'x|y', n: 3 } },
      },
    }
    expect(previewMessage(template).join('\n')).toBe(
      'Template card `AAq1` version `1.0.0`\n\n| Variable | Value |\n| --- | --- |\n| v | x\\|y |\n| n | 3 |',
    )
  })
})

describe('previewMessage on GitHub', () => {
  it('never lets sent text become HTML in the summary, inside code or out', () => {
    const card: OutgoingMessage = {
      msgType: 'interactive',
      input: 'card',
      content: { elements: [{ tag: 'markdown', content: '<img src=x onerror=y>\n```\na < b\n```' }] },
    }
    const preview = previewMessage(card).join('\n')
    expect(preview).not.toMatch(/<[a-z/]/i)
    expect(preview).toContain('```\na < b\n```')
  })
})

describe('a preview longer than the summary allows', () => {
  it('is cut at a line, with any open code fence closed', () => {
    const notes = Array.from({ length: 4000 }, (_, index) => `\`\`\`js\nconst n = ${index}\n\`\`\``).join('\n\n')
    const card: OutgoingMessage = {
      msgType: 'interactive',
      input: 'preset',
      content: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: notes }] } },
    }
    const summary = renderSummary({
      results: [{ receiver: chat, ok: true, messageId: 'om_1', chatId: 'oc_1' }],
      message: card,
    })
    expect(summary.length).toBeLessThan(45_000)
    expect((summary.match(/^\s*```/gm) ?? []).length % 2).toBe(0)
    expect(summary).toMatch(/… \(preview cut\)\n\n<\/details>/)
  })
})
