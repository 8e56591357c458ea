// The preview's fixes and its markdown dialect renderer: collapsible panels as Feishu draws them,
// short secrets that do not blank the page, the page in the step's language, and hostile card
// text that stays text (no script, no javascript: link, no remote image).
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../src/base/runner.js'
import { renderInline, renderMarkdown } from '../../src/report/preview/markdown.js'
import {
  previewDryRun,
  renderCardPreview,
  type ComponentRenderer,
  type DryRunPreview,
  type PreviewOptions,
  type PreviewSection,
  type RenderContext,
} from '../../src/report/preview/index.js'
import { redactValues } from '../../src/report/preview/redact.js'
import { fakeRunner } from './fake-runner.js'

const panel = (expanded?: boolean) => ({
  schema: '2.0',
  body: {
    elements: [
      {
        tag: 'collapsible_panel',
        ...(expanded === undefined ? {} : { expanded }),
        header: { title: { tag: 'markdown', content: '**Logs**' } },
        elements: [{ tag: 'markdown', content: 'inside' }],
      },
    ],
  },
})

describe('collapsible panel', () => {
  it('shows the header text drawn, not raw markdown, and is closed unless expanded: true', () => {
    const closed = renderCardPreview(panel(false))
    expect(closed).toContain('<details class="panel"><summary class="panel-title"><strong>Logs</strong></summary>')
    expect(closed).not.toContain('**Logs**')
    expect(renderCardPreview(panel())).toContain('<details class="panel"><summary')
    expect(renderCardPreview(panel(true))).toContain('<details class="panel" open><summary')
    expect(renderCardPreview(panel(true))).toContain('<p>inside</p>')
  })
})

describe('secrets in the preview', () => {
  const card = {
    schema: '2.0',
    header: { title: { tag: 'plain_text', content: 'Deployed to staging' } },
    body: { elements: [{ tag: 'markdown', content: 'token ghs_longsecret used; e' }] },
  }

  it('a one-letter secret hides only a value that is nothing else, never keys or words', () => {
    const redact = (text: string, options?: { minLength?: number }) =>
      redactSecrets(text, ['e', 'ghs_longsecret'], options)
    const shown = redactValues(card, redact) as typeof card
    expect(Object.keys(shown)).toEqual(['schema', 'header', 'body'])
    expect(shown.header.title.content).toBe('Deployed to staging')
    expect(shown.body.elements[0]?.content).toBe('token *** used; e')
    expect(redactValues({ content: 'e' }, redact)).toEqual({ content: '***' })
    expect(redactValues({ n: 4242 }, (text, options) => redactSecrets(text, ['4242'], options))).toEqual({ n: '***' })
  })

  it('a dry run with a short secret writes the whole card, the long secret hidden', () => {
    const directory = mkdtempSync(join(tmpdir(), 'preview-'))
    const runner = fakeRunner({})
    runner.setSecret('a')
    runner.setSecret('ghs_longsecret')
    const preview: DryRunPreview = {
      message: { msgType: 'interactive', content: card },
      env: { RUNNER_TEMP: directory },
    }
    previewDryRun(runner, preview)
    const path = /: (.+\.html)$/.exec(runner.log.join('\n'))?.[1] ?? ''
    const html = readFileSync(path, 'utf8')
    expect(html).toContain('<div class="title">Deployed to staging</div>')
    expect(html).toContain('token *** used')
    expect(html).not.toContain('ghs_longsecret')
    expect(html).not.toContain('withheld')
  })
})

describe('language', () => {
  it('follows the language input: the page words, the lang and the picked translation', () => {
    const directory = mkdtempSync(join(tmpdir(), 'preview-'))
    const runner = fakeRunner({})
    const content = {
      schema: '2.0',
      body: {
        elements: [
          { tag: 'markdown', content: 'x', i18n_content: { ja_jp: 'こんにちは', en_us: 'Hello' } },
          { tag: 'chart' },
        ],
      },
    }
    previewDryRun(runner, {
      message: { msgType: 'interactive', content },
      env: { RUNNER_TEMP: directory },
      language: 'ja_jp',
    })
    const html = readFileSync(/: (.+\.html)$/.exec(runner.log.join('\n'))?.[1] ?? '', 'utf8')
    expect(html).toContain('<html lang="ja-JP">')
    expect(html).toContain('<p>こんにちは</p>')
    expect(html).toContain('このプレビューには表示されません：chart')
    expect(renderCardPreview(content, { locale: 'zh_cn' })).toContain('此预览不显示：chart')
    expect(renderCardPreview(content)).toContain('Not shown in this preview: chart')
  })

  it('names the page after the action, as action.yml does', () => {
    const name = /^name: (.+)$/m.exec(readFileSync(join(__dirname, '..', '..', 'action.yml'), 'utf8'))?.[1] ?? '?'
    expect(renderCardPreview({ schema: '2.0', body: { elements: [] } })).toContain(
      `<title>Card preview · ${name}</title>`,
    )
  })
})

describe('markdown dialect', () => {
  it('draws Feishu tags: <at>, <font color>, <text_tag>, <link>, <br>, nested markdown inside', () => {
    expect(renderInline('<at email=a@b.c></at> <font color="red">**x**</font><br/>y')).toBe(
      '<span class="at">@a@b.c</span> <span style="color:#d83931"><strong>x</strong></span><br>y',
    )
    expect(renderInline(`<link icon='chat' url='https://x.example/'>go</link>`)).toBe(
      '<a href="https://x.example/" target="_blank" rel="noopener noreferrer">go</a>',
    )
    expect(renderInline('<font color="purple_500">p</font>')).toBe('<span style="color:#6425d0">p</span>')
    expect(renderInline('<font color="constructor">c</font>')).toBe('c')
  })

  it('keeps single tildes, makes loose lists paragraphs, and draws numbered lists from their number', () => {
    expect(renderInline('~a~ ~~b~~')).toBe('~a~ <del>b</del>')
    expect(renderMarkdown('- a\n\n- b')).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>')
    expect(renderMarkdown('7) x')).toBe('<ol start="7"><li>x</li></ol>')
  })

  it('decodes entities once: what was written as &#38;lt; shows as &lt;', () => {
    expect(renderInline('&#38;lt; &copy;')).toBe('&amp;lt; ©')
  })

  it('bare URLs: linked at a word start, not after a quote, without trailing Chinese punctuation', () => {
    expect(renderInline('见 https://a.example/x。')).toBe(
      '见 <a href="https://a.example/x" target="_blank" rel="noopener noreferrer">https://a.example/x</a>。',
    )
    expect(renderInline('x="https://a.example/y"')).not.toContain('<a ')
    expect(renderInline('mail a@b.example')).not.toContain('<a ')
  })

  it('hostile text: no script, no event handler, no javascript: URL, no remote image', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=https://evil.example/x.png onerror=alert(1)>',
      '![x](https://evil.example/track.png)',
      '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) <javascript:alert(1)>',
      '<a href="javascript:alert(1)">d</a> <link url="vbscript:x">e</link>',
      '<div onclick="x">f</div>',
      '<at id="x\\" onmouseover=alert(1)"></at>',
      '<style>body{}</style><iframe src=https://x></iframe>',
      '```\n</code></pre><script>1</script>\n```',
      '| <script> |\n|---|\n| <b onclick=x> |',
    ].join('\n\n')
    const html = renderMarkdown(hostile)
    expect(html).not.toMatch(/<(script|img|iframe|style|div|b)[\s>]/i)
    expect(html).not.toMatch(/href="(?!https?:)/i)
    expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i)
    expect(html).not.toContain('evil.example/track.png"')
    expect(html).toContain('<span class="md-img">🖼 x</span>')
    const page = renderCardPreview({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: hostile }] } })
    expect(page).not.toMatch(/<script|<img|<iframe/i)
  })

  it('ends in bounded time and memory on deep or long input', () => {
    expect(renderMarkdown(`${'>'.repeat(5000)} deep`)).toContain('deep')
    expect(renderMarkdown(`${'<font color=red>'.repeat(200)}x${'</font>'.repeat(200)}`)).toContain('x')
    expect(renderMarkdown('*'.repeat(70_000))).toMatch(/^<p>\*+<\/p>$/)
  })
})

describe('extension points', () => {
  it('draws sections under the card and components the caller renders', () => {
    const seen: RenderContext[] = []
    const image: ComponentRenderer = (component, context) => {
      seen.push(context)
      return `<div class="thumb">${String(component.img_key)}</div>`
    }
    const section: PreviewSection = { title: 'Tests <1>', html: '<p>3 passed</p>' }
    const options: PreviewOptions = { sections: [section], renderers: { img: image }, inlineImages: true }
    const page = renderCardPreview(
      {
        schema: '2.0',
        body: {
          elements: [
            { tag: 'img', img_key: 'img_1' },
            { tag: 'markdown', content: 'm' },
          ],
        },
      },
      options,
    )
    expect(seen[0]?.depth).toBe(0)
    expect(page).toContain('<div class="thumb">img_1</div>')
    expect(page).toContain('<p>m</p>')
    expect(page).toContain('<div class="section"><div class="section-title">Tests &lt;1&gt;</div><p>3 passed</p></div>')
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)
  })
})
