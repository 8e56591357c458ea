// Every field the job summary shows, filled with hostile text: nothing becomes an image, a link,
// HTML, an entity, a mention, math or a block the text did not ask for. Text fields get it raw;
// markdown fields get it as the compose layer writes event text there (escapeCardMarkdown), and raw.
import { describe, expect, it } from 'vitest'
import type { OutgoingMessage } from '../../src/compose/message.js'
import type { DeliveryResult } from '../../src/feishu/deliver.js'
import { FeishuError } from '../../src/feishu/errors.js'
import { escapeCardMarkdown } from '../../src/markup/escape.js'
import { renderSummary } from '../../src/report/summary.js'
import { escapeText, gfm, link } from '../../src/report/summary-markdown.js'

const HOSTILE = [
  'v1 ![x](https://evil.example/p.png) [click](https://evil.example/c) <img src=x onerror=alert(1)>',
  '<a href="https://evil.example/a">a</a> @octocat @org/team https://evil.example/raw www.evil.example',
  'me@evil.example $\\color{red}x$ **bold** _u_ `code` | pipe &lt;b&gt; &#60;script&#62; <!-- c -->',
  '# head',
  '- list',
  '1. one',
  '> [!WARNING] quote',
  '    indented code',
  '::error::boom',
].join('\n')
const SAFE_URL = 'https://github.com/o/r/releases/1'

const error = new FeishuError({
  code: 230002,
  msg: HOSTILE,
  httpStatus: 400,
  logId: 'x',
  meaning: HOSTILE,
  fix: HOSTILE,
})
const result = (receiveId: string, stage?: DeliveryResult['stage']): DeliveryResult =>
  stage
    ? { receiver: { receiveId, receiveIdType: 'user_id' }, ok: false, messageId: '', chatId: '', error, stage }
    : { receiver: { receiveId, receiveIdType: 'user_id' }, ok: true, messageId: 'om_1', chatId: 'oc_1' }

const text = (content: string) => ({ tag: 'plain_text', content })
function card(markdown: string): OutgoingMessage {
  return {
    msgType: 'interactive',
    input: 'preset',
    content: {
      schema: '2.0',
      header: { title: text(HOSTILE), subtitle: text(HOSTILE), template: HOSTILE },
      body: {
        elements: [
          { tag: 'markdown', content: markdown },
          { tag: 'div', text: { tag: 'lark_md', content: markdown }, fields: [{ text: text(HOSTILE) }] },
          { tag: 'div', text: text(HOSTILE) },
          { tag: 'note', elements: [text(HOSTILE), { tag: 'lark_md', content: markdown }] },
          { tag: 'button', text: text(HOSTILE), behaviors: [{ type: 'open_url', default_url: SAFE_URL }] },
          { tag: 'button', text: text(HOSTILE), url: 'javascript:alert(1)' },
        ],
      },
    },
  }
}
const post: OutgoingMessage = {
  msgType: 'post',
  input: 'post',
  content: {
    [HOSTILE]: {
      title: HOSTILE,
      content: [
        [
          { tag: 'text', text: HOSTILE },
          { tag: 'a', text: HOSTILE, href: SAFE_URL },
          { tag: 'a', text: HOSTILE, href: 'javascript:x' },
          { tag: 'at', user_id: HOSTILE, user_name: HOSTILE },
          { tag: 'emotion', emoji_type: HOSTILE },
          { tag: 'code_block', text: HOSTILE },
          { tag: 'md', text: escapeCardMarkdown(HOSTILE) },
        ],
      ],
    },
  },
}
const template: OutgoingMessage = {
  msgType: 'interactive',
  input: 'template-id',
  content: {
    type: 'template',
    data: {
      template_id: HOSTILE,
      template_version_name: HOSTILE,
      template_variable: { [HOSTILE]: HOSTILE, n: [HOSTILE] },
    },
  },
}
const textMessage: OutgoingMessage = { msgType: 'text', input: 'text', content: { text: HOSTILE } }

/** Tags the summary writes itself (constants); links it makes only to the http(s) URLs it was given. */
function withoutOwnMarkup(summary: string): string {
  return (
    summary
      // Code spans and blocks show their text verbatim: nothing in them is markup.
      .replace(/^```[^\n]*\n[\s\S]*?\n```$/gm, '(code block)')
      .replace(/(?<!\\)(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, '(code)')
      .replace(/<\/?(?:details|summary|code)(?: open)?>/g, '')
      .replace(/\]\(https:\/\/github\.com\/o\/r\/releases\/1\)/g, '] (safe)')
  )
}

function expectInert(summary: string, options: { authorMarkdown?: boolean } = {}): void {
  const rest = withoutOwnMarkup(summary)
  // No HTML of the text's, no entity it wrote (each & is &amp;).
  expect(rest).not.toMatch(/<[a-z!/?]/i)
  expect(rest).not.toMatch(/&(?!amp;|lt;|gt;)[#a-z0-9]+;/i)
  // No image, no link to anything but the given URL, no bare URL, www. name, e-mail or @mention.
  expect(rest).not.toMatch(/(?<!\\)!(?<!\\)\[/)
  if (!options.authorMarkdown) expect(rest).not.toMatch(/(?<!\\)\][(]/)
  if (!options.authorMarkdown) expect(rest).not.toMatch(/https?:\/\//)
  expect(rest).not.toMatch(/(?<![\]\w(])https?:\/\//)
  expect(rest).not.toMatch(/www\./i)
  expect(rest).not.toMatch(/@[\p{L}\p{N}]/u)
  // No math; no table cell break, emphasis or code of the text's.
  expect(rest).not.toMatch(/(?<!\\)\$/)
  expect(rest).not.toMatch(/(?<!\\)\|[^|\n]*pipe/)
  expect(rest).not.toMatch(/(?<![\\`])`code/)
  // No heading, list or quote opened by the text (every line of it starts escaped).
  for (const line of rest.split('\n')) {
    expect(line).not.toMatch(/^\s*#(?!# Feishu \/ Lark notification$)/)
    expect(line).not.toMatch(/^\s*(?:[-+] |1\. |\s{4,}\S)/)
    expect(line).not.toMatch(/^\s*>\s*\[!/)
  }
}

describe('every summary field with hostile text', () => {
  const results = [result(HOSTILE), result(HOSTILE, 'send'), result(HOSTILE, 'cancelled'), result(HOSTILE, 'token')]
  const mentions = [
    { asked: HOSTILE, via: HOSTILE, resolvedTo: HOSTILE },
    { asked: HOSTILE, via: HOSTILE, problem: { reason: HOSTILE, fix: HOSTILE } },
  ] as never

  it.each([
    ['a card with escaped event text in its markdown', card(escapeCardMarkdown(HOSTILE))],
    ['a post', post],
    ['a template card', template],
    ['a text message', textMessage],
  ])('%s, with results, mentions, a failure, a skip, an output problem and a cancellation', (_, message) => {
    for (const extra of [
      { failure: HOSTILE },
      { skipped: HOSTILE },
      { cancelled: HOSTILE },
      { outputProblem: HOSTILE },
    ]) {
      expectInert(renderSummary({ results, message, mentions, ...extra }))
    }
  })

  it('a card whose author wrote hostile markdown: links stay links, nothing else is live', () => {
    expectInert(renderSummary({ results, message: card(HOSTILE) }), { authorMarkdown: true })
  })

  it('the builder: interpolated strings are escaped, markup only from constants and builders', () => {
    expect(gfm`**${'*x*'}**`.text).toBe('**\\*x\\***')
    expect(link('![a](b)', 'https://github.com/x').text).toBe('[\\!\\[a\\](b)](https://github.com/x)')
    expect(link('x', 'javascript:alert(1)').text).toBe('x')
    expect(escapeText('snake_case_name _em_')).toBe('snake_case_name \\_em\\_')
    expect(() => gfm(Object.assign(['x'], { raw: ['x'] }) as unknown as TemplateStringsArray)).toThrow(TypeError)
  })
})
