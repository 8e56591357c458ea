// The card preview is a page a person opens: hostile card text must stay text, links must stay
// http(s), and the card must look like what Feishu shows (colours, lists, buttons). Plain strings
// in, plain strings out: no browser.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/base/html.js'
import { previewUrl } from '../../src/report/preview/links.js'
import { renderInline, renderMarkdown } from '../../src/report/preview/markdown.js'
import { logCardPreview, renderCardPreview, writeCardPreview } from '../../src/report/preview/index.js'

const card2 = (elements: unknown[], header: Record<string, unknown> = {}) => ({
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: 'Title' }, ...header },
  body: { elements },
})

/** The card's own markup, without the page around it. */
function cardHtml(card: unknown): string {
  const page = renderCardPreview(card)
  return page.slice(page.indexOf('<div class="card">'), page.indexOf('<div class="caption">'))
}

describe('escaping', () => {
  const hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">"\'&'

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
  })

  it('keeps hostile text as text in the title, subtitle, tags, markdown, fields and buttons', () => {
    const page = renderCardPreview({
      schema: '2.0',
      config: { summary: { content: hostile } },
      header: {
        title: { tag: 'plain_text', content: hostile },
        subtitle: { tag: 'plain_text', content: hostile },
        text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: hostile }, color: 'red' }],
      },
      body: {
        elements: [
          { tag: 'markdown', content: `${hostile}\n- ${hostile}\n\n| a |\n|---|\n| ${hostile} |` },
          {
            tag: 'div',
            text: { tag: 'lark_md', content: hostile },
            fields: [{ text: { tag: 'plain_text', content: hostile } }],
          },
          { tag: 'button', text: { tag: 'plain_text', content: hostile }, url: 'https://example.com' },
          { tag: hostile },
        ],
      },
    })
    expect(page).not.toMatch(/<script|<img|onerror="/i)
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('forbids scripts and requests in the page itself (images only as embedded data)', () => {
    expect(renderCardPreview(card2([]))).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    )
    expect(renderCardPreview(card2([]), { inlineImages: true })).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    )
  })

  it('decodes entities from the card markdown once, then escapes them for HTML', () => {
    expect(renderInline('&#91;x&#93; &#95;a&#95; &lt;at id=all&gt; &amp;amp;')).toBe(
      '[x] _a_ &lt;at id=all&gt; &amp;amp;',
    )
  })

  it('keeps code spans literal', () => {
    expect(renderInline('`<b>**x**</b>` after')).toBe('<code>&lt;b&gt;**x**&lt;/b&gt;</code> after')
  })

  it('leaves an unknown HTML-like tag as text', () => {
    expect(renderInline('<iframe src="https://evil.example"></iframe>')).toBe(
      '&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;',
    )
  })

  it('never puts a colour from the card into CSS unless it is in the palette', () => {
    const html = cardHtml(
      card2(
        [
          {
            tag: 'markdown',
            content: `<font color='red;background:url(https://x)'>a</font><font color="green">b</font>`,
          },
          { tag: 'markdown', content: `<text_tag color='blue" onmouseover="x'>t</text_tag>` },
        ],
        { template: 'red;background:url(https://x)' },
      ),
    )
    expect(html).not.toContain('url(https://x)')
    expect(html).not.toContain('onmouseover="')
    expect(html).toContain('<span style="color:#2ea121">b</span>')
    expect(html).toContain('class="header plain"')
  })
})

describe('links', () => {
  it('links http(s) URLs only', () => {
    expect(previewUrl('https://github.com/o/r')).toBe('https://github.com/o/r')
    expect(previewUrl('http://example.com')).toBe('http://example.com/')
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      'ftp://x',
      '/relative',
      'https://a b',
      'https://a\u0000b',
      '',
      7,
    ])
      expect(previewUrl(bad)).toBeUndefined()
  })

  it('renders markdown links, Feishu <a>/<link> tags and bare URLs as links that open a new tab', () => {
    expect(renderInline('[the run](https://github.com/o/r/actions/runs/1)')).toBe(
      '<a href="https://github.com/o/r/actions/runs/1" target="_blank" rel="noopener noreferrer">the run</a>',
    )
    expect(renderInline(`<a href='https://a.example/x'>A</a>`)).toContain('href="https://a.example/x"')
    expect(renderInline(`<link url="https://b.example/">B</link>`)).toContain('href="https://b.example/"')
    expect(renderInline('see https://c.example/p?q=1.')).toBe(
      'see <a href="https://c.example/p?q=1" target="_blank" rel="noopener noreferrer">https://c.example/p?q=1</a>.',
    )
  })

  it('shows the text of a link whose URL is not http(s), without a link', () => {
    expect(renderInline('[click](javascript:alert(1))')).not.toContain('<a ')
    expect(renderInline('[click](javascript:alert%281%29)')).toBe('click')
    expect(renderInline(`<a href="javascript:alert(1)">x</a>`)).toBe('x')
  })

  it('does not nest a link inside a link', () => {
    const html = renderInline('[https://a.example](https://b.example)')
    expect(html.match(/<a /g)).toHaveLength(1)
    expect(html).toContain('href="https://b.example/"')
  })

  it('links what the release-notes converter writes: code inside links, escaped brackets around them', () => {
    expect(
      renderInline('&#91;[`71106e1f17`](https://github.com/nodejs/node/commit/71106e1f17)&#93; - **crypto**: x'),
    ).toBe(
      '[<a href="https://github.com/nodejs/node/commit/71106e1f17" target="_blank" rel="noopener noreferrer"><code>71106e1f17</code></a>] - <strong>crypto</strong>: x',
    )
  })
})

describe('markdown', () => {
  it('keeps one line per line, as Feishu does in a card', () => {
    expect(renderMarkdown('**Repository:** o/r\n**Branch:** main')).toBe(
      '<p><strong>Repository:</strong> o/r<br><strong>Branch:</strong> main</p>',
    )
  })

  it('renders nested lists under their item, and ordered lists from their first number', () => {
    expect(renderMarkdown('- a\n    - b\n    - c\n- d')).toBe(
      '<ul><li>a<ul><li>b</li><li>c</li></ul></li><li>d</li></ul>',
    )
    expect(renderMarkdown('3. x\n4. y')).toBe('<ol start="3"><li>x</li><li>y</li></ol>')
    expect(renderMarkdown('1. Install\n    - add the step\n2. Run')).toBe(
      '<ol><li>Install<ul><li>add the step</li></ul></li><li>Run</li></ol>',
    )
  })

  it('keeps a continuation line in its item, and renders a quote under an item as a quote', () => {
    expect(renderMarkdown('- one\n  more\n- two')).toBe('<ul><li>one<br>more</li><li>two</li></ul>')
    expect(renderMarkdown('- item\n    > quoted')).toBe(
      '<ul><li><p>item</p><blockquote><p>quoted</p></blockquote></li></ul>',
    )
  })

  it('renders headings, quotes, rules, fenced code, emphasis and tables', () => {
    expect(renderMarkdown('##### Notable Changes')).toBe('<div class="h h5">Notable Changes</div>')
    expect(renderMarkdown('# C#')).toBe('<div class="h h1">C#</div>')
    expect(renderMarkdown('> **Warning**\n> needs a secret')).toBe(
      '<blockquote><p><strong>Warning</strong><br>needs a secret</p></blockquote>',
    )
    expect(renderMarkdown('a\n\n---\n\nb')).toBe('<p>a</p><hr><p>b</p>')
    expect(renderMarkdown('```yaml\nx: <y>\n```')).toBe('<pre><code>x: &lt;y&gt;</code></pre>')
    expect(renderInline('*i* ~~s~~ 2 * 3 * 4')).toBe('<em>i</em> <del>s</del> 2 * 3 * 4')
    expect(renderMarkdown('| A | B |\n| :-- | --: |\n| `a` | one &#124; two |')).toBe(
      '<table><thead><tr><th style="text-align:left">A</th><th style="text-align:right">B</th></tr></thead>' +
        '<tbody><tr><td style="text-align:left"><code>a</code></td><td style="text-align:right">one | two</td></tr></tbody></table>',
    )
  })

  it('shows mentions as @ chips and text tags as chips', () => {
    expect(renderInline('<at id=ou_oncall></at> <at id=all></at>')).toBe(
      '<span class="at">@ou_oncall</span> <span class="at">@all</span>',
    )
    expect(renderInline(`<text_tag color='green'>ok</text_tag>`)).toBe(
      '<span class="tag" style="background:#d9f5d6;color:#237b19">ok</span>',
    )
  })
})

describe('header', () => {
  it('colours the header by its template, and tags by their colour', () => {
    const html = cardHtml(
      card2([], {
        template: 'green',
        subtitle: { tag: 'plain_text', content: 'octo/app' },
        text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: 'Success' }, color: 'green' }],
      }),
    )
    expect(html).toContain('<div class="header" style="background:linear-gradient(135deg,#d0f0cb,#ecf9ea)">')
    expect(html).toContain('<div class="title">Title</div>')
    expect(html).toContain('<div class="subtitle">octo/app</div>')
    expect(html).toContain('<span class="tag" style="background:#d9f5d6;color:#237b19">Success</span>')
  })

  it.each([
    ['red', '#fcd6d5'],
    ['blue', '#d6e4ff'],
    ['grey', '#e4e6e9'],
    ['orange', '#fde2c3'],
  ])('template %s has its own tint', (template, tint) => {
    expect(cardHtml(card2([], { template }))).toContain(`linear-gradient(135deg,${tint},`)
  })

  it('draws an unknown or missing template as a plain white header', () => {
    expect(cardHtml(card2([], { template: 'sparkly' }))).toContain('class="header plain"')
    expect(cardHtml(card2([]))).toContain('class="header plain"')
  })

  it('uses neutral for an unknown tag colour, and shows at most three tags', () => {
    const tag = (content: string, color: string) => ({ tag: 'text_tag', text: { tag: 'plain_text', content }, color })
    const html = cardHtml(
      card2([], { text_tag_list: [tag('a', 'nope'), tag('b', 'red'), tag('c', 'blue'), tag('d', 'green')] }),
    )
    expect(html).toContain('<span class="tag" style="background:#eff0f1;color:#51565d">a</span>')
    expect(html).not.toContain('>d</span>')
  })

  it('has no header when the card has none', () => {
    expect(cardHtml({ schema: '2.0', body: { elements: [] } })).not.toContain('class="header')
  })
})

describe('components', () => {
  it('renders the built-in cards’ button row: open_url behaviours, primary first', () => {
    const button = (label: string, url: string, type: string) => ({
      tag: 'column',
      width: 'auto',
      elements: [
        {
          tag: 'button',
          text: { tag: 'plain_text', content: label },
          type,
          behaviors: [{ type: 'open_url', default_url: url }],
        },
      ],
    })
    const html = cardHtml(
      card2([
        {
          tag: 'column_set',
          columns: [
            button('View run', 'https://github.com/o/r/actions/runs/1', 'primary'),
            button('Commit', 'https://github.com/o/r/commit/abc', 'default'),
          ],
        },
      ]),
    )
    expect(html).toContain('<div class="columns">')
    expect(html).toContain(
      '<a class="btn btn-primary" href="https://github.com/o/r/actions/runs/1" target="_blank" rel="noopener noreferrer">View run</a>',
    )
    expect(html).toContain('<a class="btn btn-default" href="https://github.com/o/r/commit/abc"')
    expect(html.indexOf('View run')).toBeLessThan(html.indexOf('Commit'))
  })

  it('renders a button without a safe URL as a label, and an unknown type as default', () => {
    const html = cardHtml(
      card2([
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'Go' },
          type: 'evil" x="',
          behaviors: [{ type: 'open_url', default_url: 'javascript:alert(1)' }],
        },
      ]),
    )
    expect(html).toContain('<span class="btn btn-default">Go</span>')
  })

  it('renders card JSON 1.0: elements, div with fields, action module with url buttons, note, hr', () => {
    const html = cardHtml({
      header: { template: 'blue', title: { tag: 'plain_text', content: 'Old card' } },
      elements: [
        {
          tag: 'div',
          text: { tag: 'lark_md', content: '**Build** done' },
          fields: [
            { is_short: true, text: { tag: 'lark_md', content: '**Branch**\nmain' } },
            { is_short: true, text: { tag: 'lark_md', content: '**Commit**\nabc' } },
          ],
        },
        { tag: 'hr' },
        {
          tag: 'action',
          actions: [
            { tag: 'button', text: { tag: 'plain_text', content: 'Open' }, type: 'primary', url: 'https://x.example' },
          ],
        },
        { tag: 'note', elements: [{ tag: 'plain_text', content: 'by the bot' }] },
        {
          tag: 'div',
          text: { tag: 'plain_text', content: 'Deploy?' },
          extra: { tag: 'button', text: { tag: 'plain_text', content: 'Logs' }, url: 'https://logs.example' },
        },
      ],
    })
    expect(html).toContain('<div class="text"><strong>Build</strong> done</div>')
    expect(html).toContain('<div class="field short"><strong>Branch</strong><br>main</div>')
    expect(html).toContain('<hr class="divider">')
    expect(html).toContain('<a class="btn btn-primary" href="https://x.example/"')
    expect(html).toContain('<div class="note"><span>by the bot</span></div>')
    expect(html).toContain(
      '<div class="div with-extra"><div class="stack"><div class="text">Deploy?</div></div><div class="extra"><a class="btn btn-default" href="https://logs.example/"',
    )
  })

  it('takes a 1.0 card’s i18n elements when it has no plain ones', () => {
    expect(cardHtml({ i18n_elements: { en_us: [{ tag: 'markdown', content: 'hello' }] } })).toContain('<p>hello</p>')
  })

  it('shows an unknown component as a placeholder naming its tag, and skips what is not a component', () => {
    const html = cardHtml(
      card2([
        { tag: 'chart', chart_spec: {} },
        'loose text',
        null,
        42,
        { no: 'tag' },
        { tag: 'markdown', content: 'after' },
      ]),
    )
    expect(html).toContain('<div class="unknown">Not shown in this preview: chart</div>')
    expect(html).toContain('<div class="unknown">Not shown in this preview: a component without a tag</div>')
    expect(html).toContain('<p>after</p>')
    expect(html).not.toContain('loose text')
  })

  it('stops at deep nesting instead of recursing without end', () => {
    let element: Record<string, unknown> = { tag: 'markdown', content: 'deep' }
    for (let i = 0; i < 40; i += 1) element = { tag: 'column_set', columns: [{ tag: 'column', elements: [element] }] }
    expect(cardHtml(card2([element]))).toContain('nested too deep to preview')
  })

  it('says so for a template card and for something that is not a card', () => {
    expect(cardHtml({ type: 'template', data: { template_id: 'AAq<x>' } })).toContain(
      'A card-builder template (AAq&lt;x&gt;): Feishu fills it in, so there is no preview.',
    )
    expect(cardHtml('just a string')).toContain('Not a card: nothing to preview.')
  })

  it('names the page after the card and says what the picture is', () => {
    const page = renderCardPreview({ ...card2([]), config: { summary: { content: 'CI failed · o/r' } } })
    expect(page).toContain('<title>Title · Card preview · Feishu Lark Card Courier</title>')
    expect(page).toContain('Preview of the card JSON this step builds, drawn in the style of a Feishu card')
    expect(page).toContain('Chat list shows: CI failed · o/r')
  })
})

describe('translations', () => {
  /** A card as the built-in cards send it in every language (mergeLocales): English in content. */
  const translatedCard = {
    schema: '2.0',
    config: {
      update_multi: true,
      summary: { content: 'CI failed · o/r', i18n_content: { en_us: 'CI failed · o/r', zh_cn: 'CI 失败 · o/r' } },
      locales: ['en_us', 'zh_cn', 'ja_jp'],
    },
    header: {
      title: {
        tag: 'plain_text',
        content: 'CI failed',
        i18n_content: { en_us: 'CI failed', zh_cn: 'CI 失败', ja_jp: 'CI 失敗' },
      },
      subtitle: { tag: 'plain_text', content: 'o/r' },
      template: 'red',
      i18n_text_tag_list: {
        en_us: [{ tag: 'text_tag', text: { tag: 'plain_text', content: 'Broken' }, color: 'red' }],
        zh_cn: [{ tag: 'text_tag', text: { tag: 'plain_text', content: '新失败' }, color: 'red' }],
        ja_jp: [{ tag: 'text_tag', text: { tag: 'plain_text', content: '新たに失敗' }, color: 'red' }],
      },
    },
    body: {
      elements: [
        {
          tag: 'markdown',
          content: '**Repository:** o/r',
          i18n_content: { en_us: '**Repository:** o/r', zh_cn: '**仓库:** o/r', ja_jp: '**リポジトリ:** o/r' },
        },
        { tag: 'markdown', content: 'Notes as written' },
        {
          tag: 'column_set',
          columns: [
            {
              tag: 'column',
              width: 'auto',
              elements: [
                {
                  tag: 'button',
                  text: {
                    tag: 'plain_text',
                    content: 'View run',
                    i18n_content: { en_us: 'View run', zh_cn: '查看运行' },
                  },
                  type: 'primary',
                  behaviors: [{ type: 'open_url', default_url: 'https://github.com/o/r/actions/runs/1' }],
                },
              ],
            },
          ],
        },
      ],
    },
  }
  const ordered = (html: string, ...parts: string[]) =>
    parts.map((part) => html.indexOf(part)).every((at, index, all) => at >= 0 && (index === 0 || at > all[index - 1]!))

  it('shows the locale asked for in every translated field: title, tags, markdown, buttons, chat preview', () => {
    const page = renderCardPreview(translatedCard, { locale: 'zh_cn' })
    expect(page).toContain('<html lang="zh-CN">')
    expect(page).toContain('<title>CI 失败 · 卡片预览 · Feishu Lark Card Courier</title>')
    expect(page).toContain('<div class="title">CI 失败</div>')
    expect(page).toContain('>新失败</span>')
    expect(page).toContain('<strong>仓库:</strong> o/r')
    expect(page).toContain('>查看运行</a>')
    expect(page).toContain('会话列表显示：CI 失败 · o/r')
    // Text without translations is the same in every language.
    expect(page).toContain('<div class="subtitle">o/r</div>')
    expect(page).toContain('<p>Notes as written</p>')
    for (const english of ['CI failed', 'Broken', 'Repository', 'View run']) expect(page).not.toContain(english)
    expect(ordered(page, 'CI 失败', '新失败', '仓库', 'Notes as written', '查看运行')).toBe(true)
  })

  it('shows English by default, and the translation over content when they differ', () => {
    const html = cardHtml(translatedCard)
    expect(html).toContain('<div class="title">CI failed</div>')
    expect(html).toContain('>Broken</span>')
    expect(html).not.toContain('新失败')
    const differs = card2([{ tag: 'markdown', content: 'plain words', i18n_content: { en_us: 'English words' } }])
    expect(cardHtml(differs)).toContain('<p>English words</p>')
    expect(cardHtml(differs)).not.toContain('plain words')
  })

  it('falls back to content, then to the first translation, for a locale the card lacks', () => {
    const html = renderCardPreview(translatedCard, { locale: 'de_de' })
    expect(html).toContain('<html lang="de-DE">')
    expect(html).toContain('<div class="title">CI failed</div>')
    // No tags without translations in de_de, and no text_tag_list: the first locale's.
    expect(html).toContain('>Broken</span>')
    const onlyTranslations = card2([{ tag: 'markdown', i18n_content: { ja_jp: 'こんにちは', zh_cn: '你好' } }], {
      title: { tag: 'plain_text', i18n_content: { zh_cn: '标题' } },
      i18n_text_tag_list: { ja_jp: [{ tag: 'text_tag', text: { tag: 'plain_text', content: 'タグ' } }] },
    })
    const page = renderCardPreview(onlyTranslations, { locale: 'en_us' })
    expect(page).toContain('<p>こんにちは</p>')
    expect(page).toContain('<div class="title">标题</div>')
    expect(page).toContain('>タグ</span>')
    expect(renderCardPreview(onlyTranslations, { locale: 'zh_cn' })).toContain('<p>你好</p>')
  })

  it('takes a 1.0 card’s i18n elements and i18n title in the locale', () => {
    const card = {
      header: { title: { tag: 'plain_text', content: '', i18n: { zh_cn: '你好', en_us: 'Hello' } } },
      i18n_elements: {
        zh_cn: [{ tag: 'markdown', content: '中文' }],
        en_us: [{ tag: 'markdown', content: 'English' }],
      },
    }
    expect(cardHtml(card)).toContain('<div class="title">Hello</div>')
    expect(cardHtml(card)).toContain('<p>English</p>')
    const chinese = renderCardPreview(card, { locale: 'zh_cn' })
    expect(chinese).toContain('<div class="title">你好</div>')
    expect(chinese).toContain('<p>中文</p>')
  })

  it('escapes translations as it escapes content, and does not change the card', () => {
    const hostile = '<script>alert(1)</script>"\'&'
    const card = card2([{ tag: 'markdown', content: 'x', i18n_content: { zh_cn: hostile } }], {
      title: { tag: 'plain_text', content: 'x', i18n_content: { zh_cn: hostile } },
      i18n_text_tag_list: {
        zh_cn: [{ tag: 'text_tag', text: { tag: 'plain_text', content: hostile }, color: 'red;x:y' }],
      },
    })
    const before = JSON.stringify(card)
    const page = renderCardPreview(card, { locale: 'zh_cn' })
    expect(page).not.toContain('<script>')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;')
    expect(page).not.toContain('x:y')
    expect(JSON.stringify(card)).toBe(before)
    // A locale that is not one is no attribute to break out of.
    expect(renderCardPreview(card, { locale: '"><script>' })).toContain('<html lang="en">')
  })

  it('keeps a __proto__ key as a plain key, and stops at deep nesting', () => {
    const card = JSON.parse(
      '{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"a","__proto__":{"content":"b"},"i18n_content":{"__proto__":"c","en_us":"d"}}]}}',
    )
    expect(cardHtml(card)).toContain('<p>d</p>')
    expect(cardHtml(card2([{ tag: 'markdown', i18n_content: { __proto__: null } }]))).not.toContain('undefined')
    let deep: unknown = { tag: 'markdown', content: 'deep' }
    for (let i = 0; i < 10_000; i += 1) deep = { tag: 'column', elements: [deep] }
    expect(cardHtml(card2([deep]))).toContain('nested too deep to preview')
  })
})

describe('writing the preview', () => {
  it('writes under RUNNER_TEMP, named after the step, never overwriting', () => {
    const directory = mkdtempSync(join(tmpdir(), 'preview-'))
    const env = { RUNNER_TEMP: directory, GITHUB_ACTION: '__self/../x' }
    const first = writeCardPreview('<p>1</p>', env)
    const second = writeCardPreview('<p>2</p>', env)
    expect(first).toBe(join(directory, 'feishu-card-preview-__self_.._x.html'))
    expect(second).toBe(join(directory, 'feishu-card-preview-__self_.._x-2.html'))
    expect(readFileSync(first, 'utf8')).toBe('<p>1</p>')
    expect(readFileSync(second, 'utf8')).toBe('<p>2</p>')
  })

  it('writes to the OS temp directory outside a runner', () => {
    const path = writeCardPreview('<p></p>', {})
    expect(path.startsWith(tmpdir())).toBe(true)
    expect(existsSync(path)).toBe(true)
  })

  it('logs the file for a card, nothing for other messages, and a reason when it cannot write', () => {
    const directory = mkdtempSync(join(tmpdir(), 'preview-'))
    const lines: string[] = []
    logCardPreview({ msgType: 'text', content: { text: 'x' } }, (line) => lines.push(line), { RUNNER_TEMP: directory })
    expect(lines).toEqual([])
    logCardPreview({ msgType: 'interactive', content: card2([]) }, (line) => lines.push(line), {
      RUNNER_TEMP: directory,
    })
    expect(lines).toEqual([
      `Card preview (HTML; upload it as an artifact to look at it): ${join(directory, 'feishu-card-preview.html')}`,
    ])
    logCardPreview({ msgType: 'interactive', content: card2([]) }, (line) => lines.push(line), {
      RUNNER_TEMP: join(directory, 'missing'),
    })
    expect(lines[1]).toMatch(/^Card preview not written: ENOENT/)
  })
})
