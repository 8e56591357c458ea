import { describe, expect, it } from 'vitest'
import { buildCard, releaseCard, type Card } from '../../src/compose/cards.js'
import { runContext } from '../../src/github/context.js'
import type { Status } from '../../src/inputs/config.js'
import { eventEnv, examplePayload, HAVE_NODE_NOTES, longReleaseNotes, nodeReleaseNotes } from '../github-events.mjs'

const BASE = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_NUMBER: '7',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'build',
}

const contextOf = (event: string, payload: any, extra: Record<string, string> = {}) =>
  runContext({ ...BASE, ...eventEnv(event, payload), ...extra }, payload)
const build = (event: string, payload: unknown, status: Status, more: { title?: string; mentions?: string[] } = {}) =>
  buildCard(contextOf(event, payload), {
    status,
    title: more.title ?? '',
    mentions: (more.mentions ?? []).map((id) => ({ id })),
  })

const header = (card: Card) => card.header as any

const elements = (card: Card) => (card.body as any).elements as any[]
const buttonUrls = (card: Card) =>
  JSON.stringify(card)
    .match(/"default_url":"[^"]+"/g)
    ?.map((match) => match.slice(15, -1)) ?? []
const bytes = (card: Card) => Buffer.byteLength(JSON.stringify(card), 'utf8')
/** Any Feishu tag at all: what a mention or markup needs. */
const MARKUP = /<\s*\/?\s*(at|font|a|link|text_tag|br|img)\b/i

describe('buildCard', () => {
  it.each([
    ['success', 'green', 'CI succeeded'],
    ['failure', 'red', 'CI failed'],
    ['cancelled', 'grey', 'CI was cancelled'],
    ['skipped', 'grey', 'CI was skipped'],
    ['', 'blue', 'CI is in progress'],
  ] as const)('status %j: %s header, title %j, a button to the run', (status, color, title) => {
    for (const [event, payload] of [
      ['push', examplePayload('push', undefined, 4)],
      ['pull_request', examplePayload('pull_request', 'opened')],
    ] as const) {
      const card = build(event, payload, status)
      expect(card.schema).toBe('2.0')
      expect(header(card).template).toBe(color)
      expect(header(card).title.content).toBe(title)
      expect(buttonUrls(card)[0]).toBe('https://github.com/Codertocat/Hello-World/actions/runs/42')
    }
  })

  it('push: repository, branch, commit with its first line, actor, event', () => {
    const payload = examplePayload('push', undefined, 4)
    payload.head_commit.message = 'Fix the parser\n\nLong explanation'
    const text = elements(build('push', payload, 'success'))[0].content as string
    expect(text).toContain('**Repository:** [Codertocat/Hello-World](https://github.com/Codertocat/Hello-World)')
    expect(text).toContain('**Branch:** master')
    expect(text).toContain(
      `**Commit:** [6113728](https://github.com/Codertocat/Hello-World/commit/${payload.head_commit.id}) Fix the parser`,
    )
    expect(text).not.toContain('Long explanation')
    expect(text).toContain('**Triggered by:** Codertocat')
    expect(text).toContain('**Event:** push')
    expect(text).toContain('job build · run #7')
  })

  it('pull_request: number and title, and buttons to the pull request and its changes', () => {
    const card = build('pull_request', examplePayload('pull_request', 'opened'), 'failure')
    expect(elements(card)[0].content).toContain(
      '**Pull request:** [#2 Update the README with new information.](https://github.com/Codertocat/Hello-World/pull/2)',
    )
    expect(buttonUrls(card)).toEqual([
      'https://github.com/Codertocat/Hello-World/actions/runs/42',
      'https://github.com/Codertocat/Hello-World/pull/2',
      'https://github.com/Codertocat/Hello-World/compare/master...Codertocat:changes',
    ])
  })

  it('workflow_run: reports the triggering run, its conclusion unless status is given', () => {
    const payload = examplePayload('workflow_run', 'completed', 1)
    const card = build('workflow_run', payload, '')
    expect(header(card).template).toBe('green')
    expect(buttonUrls(card)[0]).toBe('https://github.com/octo-org/octo-repo/actions/runs/289782451')
    expect(elements(card)[0].content).toContain('build(test): check workflow run event payload')
    payload.workflow_run.conclusion = 'failure'
    expect(header(build('workflow_run', payload, '')).template).toBe('red')
    payload.workflow_run.conclusion = 'neutral'
    expect(header(build('workflow_run', payload, '')).template).toBe('grey')
    expect(header(build('workflow_run', payload, 'cancelled')).template).toBe('grey')
  })

  it('text tags use their own palette: neutral where the header is grey', () => {
    const card = build('push', examplePayload('push', undefined, 4), 'cancelled')
    expect(header(card).template).toBe('grey')
    expect(header(card).i18n_text_tag_list.en_us).toEqual([
      { tag: 'text_tag', text: { tag: 'plain_text', content: 'Cancelled' }, color: 'neutral' },
    ])
    expect(header(card).i18n_text_tag_list.zh_cn[0].color).toBe('neutral')
  })

  it('a long title is cut by code point, never inside an emoji', () => {
    const card = build('push', examplePayload('push', undefined, 4), 'success', { title: `${'x'.repeat(198)}🚀🚀` })
    expect(header(card).title.content).toBe(`${'x'.repeat(198)}🚀…`)
  })

  it('title replaces the built-in one; mentions come only from the mention input', () => {
    const card = build('push', examplePayload('push', undefined, 4), 'failure', {
      title: 'Nightly broke',
      mentions: ['ou_oncall', 'all'],
    })
    expect(header(card).title.content).toBe('Nightly broke')
    expect(elements(card)[1]).toEqual({ tag: 'markdown', content: '<at id=ou_oncall></at> <at id=all></at>' })
  })

  it.each([
    '<at id=all></at>',
    '<at user_id="all">everyone</at>',
    '<at email=boss@example.com></at>',
    '< at id = all >',
    '<font color="red">x</font><a href="javascript:x">y</a>',
    '&lt;at id=all&gt;&lt;/at&gt;',
    '[click](javascript:alert(1))',
    '"}]}, {"tag": "markdown", "content": "<at id=all></at>',
  ])('hostile text in commit message, title and branch makes no mention or tag: %j', (hostile) => {
    const payload = examplePayload('pull_request', 'opened')
    payload.pull_request.title = hostile
    payload.pull_request.head.ref = hostile
    const card = buildCard(
      contextOf('pull_request', payload, { GITHUB_ACTOR: hostile, GITHUB_WORKFLOW: hostile, GITHUB_JOB: hostile }),
      { status: 'success', title: '', mentions: [] },
    )
    const json = JSON.stringify(card)
    expect(JSON.parse(json)).toEqual(card)
    expect(json).not.toMatch(MARKUP)
    // plain_text fields (title, summary) show it as text; markdown must not make it a link.
    expect(JSON.stringify(elements(card))).not.toMatch(/\]\(javascript:/)
    expect(elements(card)).toHaveLength(2)
  })

  it('a huge commit message still makes a small card', () => {
    const payload = examplePayload('push', undefined, 4)
    payload.head_commit.message = 'x'.repeat(200_000)
    // Its first line, cut to 200 characters, in each of the three languages' copies of the field.
    expect(bytes(build('push', payload, 'success'))).toBeLessThan(6000)
  })
})

describe('releaseCard', () => {
  const release = (body: string | null, change: (payload: ReturnType<typeof examplePayload>) => void = () => {}) => {
    const payload = examplePayload('release', 'published')
    payload.release.body = body
    payload.release.name = 'First light'
    change(payload)
    return contextOf('release', payload)
  }

  it('shows tag, name, author, time and a working link; notes converted', async () => {
    const card = await releaseCard(release("## What's Changed\n* Fix #12 by @octocat"), {
      status: '',
      title: '',
      mentions: [],
      maxBytes: 30 * 1024,
    })
    expect(header(card).title.content).toBe('Codertocat/Hello-World 0.0.1 · First light')
    expect(header(card).template).toBe('blue')
    const facts = elements(card)[0].content as string
    expect(facts).toContain('**Tag:** [0.0.1](https://github.com/Codertocat/Hello-World/releases/tag/0.0.1)')
    expect(facts).toContain('**Author:** [@Codertocat](https://github.com/Codertocat)')
    expect(facts).toContain('**Published:** 2019-05-15 15:20 UTC')
    const notes = elements(card)[2].content as string
    expect(notes).toContain('[#12](https://github.com/Codertocat/Hello-World/issues/12)')
    expect(notes).toContain('https://github.com/octocat')
    expect(buttonUrls(card)).toContain('https://github.com/Codertocat/Hello-World/releases/tag/0.0.1')
  })

  it('a pre-release is orange and says so', async () => {
    const card = await releaseCard(
      release('x', (payload) => {
        payload.release.prerelease = true
      }),
      { status: '', title: '', mentions: [], maxBytes: 30 * 1024 },
    )
    expect(header(card).template).toBe('orange')
    expect(header(card).i18n_text_tag_list.en_us[0].text.content).toBe('Pre-release')
    expect(header(card).i18n_text_tag_list.ja_jp[0].text.content).toBe('プレリリース')
  })

  it('no notes: says so', async () => {
    const card = await releaseCard(release(null), { status: '', title: '', mentions: [], maxBytes: 30 * 1024 })
    expect(elements(card)[2].content).toBe('*No release notes.*')
  })

  it('a compare link that climbs out of the repository is not made a button', async () => {
    const card = await releaseCard(
      release('**Full Changelog**: https://github.com/Codertocat/Hello-World/compare/../../../evil/x...y'),
      { status: '', title: '', mentions: [], maxBytes: 30 * 1024 },
    )
    expect(buttonUrls(card)).toEqual(['https://github.com/Codertocat/Hello-World/releases/tag/0.0.1'])
  })

  it('assets are listed as links; the compare view of generated notes becomes a button', async () => {
    const body =
      "## What's Changed\n* x\n\n**Full Changelog**: https://github.com/Codertocat/Hello-World/compare/0.0.0...0.0.1"
    const card = await releaseCard(
      release(body, (payload) => {
        payload.release.assets = [
          {
            name: 'app.tar.gz',
            browser_download_url: 'https://github.com/Codertocat/Hello-World/releases/download/0.0.1/app.tar.gz',
            size: 3 * 1024 * 1024,
          },
        ]
      }),
      { status: '', title: '', mentions: [], maxBytes: 30 * 1024 },
    )
    expect(JSON.stringify(card)).toContain(
      '[app.tar.gz](https://github.com/Codertocat/Hello-World/releases/download/0.0.1/app.tar.gz) (3.0 MB)',
    )
    expect(buttonUrls(card)).toContain('https://github.com/Codertocat/Hello-World/compare/0.0.0...0.0.1')
  })

  it.skipIf(!HAVE_NODE_NOTES).each([30 * 1024, 20 * 1024 - 300])(
    'a 100 KB body of real notes fits in %i bytes and links to the full notes',
    async (maxBytes) => {
      const body = longReleaseNotes(100 * 1024)
      expect(body.length).toBeGreaterThanOrEqual(100 * 1024)
      const card = await releaseCard(release(body), { status: '', title: '', mentions: [{ id: 'all' }], maxBytes })
      expect(bytes(card)).toBeLessThanOrEqual(maxBytes)
      expect(bytes(card)).toBeGreaterThan(maxBytes * 0.8)
      const notes = elements(card)[2].content as string
      expect(notes.endsWith('\n\n…')).toBe(true)
      expect((notes.match(/```/g) ?? []).length % 2).toBe(0)
      // The link to the rest is its own element, in every language.
      const rest = elements(card)[3].i18n_content
      expect(Object.keys(rest)).toEqual(['en_us', 'zh_cn', 'ja_jp'])
      for (const text of Object.values(rest))
        expect(text).toMatch(/^\[[^\]]+\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/releases\/tag\/0\.0\.1\)$/)
      expect(JSON.stringify(card)).not.toMatch(/<at id=(?!all><\/at>)/)
    },
  )

  it.skipIf(!HAVE_NODE_NOTES)(
    'every real Node.js release note converts without a tag that Feishu would read as markup',
    async () => {
      for (const body of nodeReleaseNotes().slice(0, 40)) {
        const card = await releaseCard(release(body), { status: '', title: '', mentions: [], maxBytes: 30 * 1024 })
        expect(bytes(card)).toBeLessThanOrEqual(30 * 1024)
        expect(JSON.stringify(elements(card)[2])).not.toMatch(MARKUP)
      }
    },
  )

  it('hostile notes, name and tag make no mention and no broken card', async () => {
    const hostile =
      '<at id=all></at> <at user_id="all"></at>\n\n```\n<at id=all></at>\n```\n\n<details><summary><at id=ou_x></at></summary>\n\n&#60;at id=all&#62;</details>\n\n| a | <at id=all></at> |\n|---|---|\n| `<at id=all></at>` | [x](javascript:y) |'
    const card = await releaseCard(
      release(hostile, (payload) => {
        payload.release.name = '<at id=all></at>'
        payload.release.tag_name = '<at id=all>'
        payload.release.author.login = '<at id=all>'
      }),
      { status: '', title: '', mentions: [], maxBytes: 30 * 1024 },
    )
    const json = JSON.stringify(card)
    expect(JSON.parse(json)).toEqual(card)
    expect(json).not.toMatch(MARKUP)
    expect(json).not.toMatch(/\]\(javascript:/)
  })
})
