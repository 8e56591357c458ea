import { describe, expect, it } from 'vitest'
import { runContext } from '../../src/github/context.js'
import { fillString, fillTree, UntrustedText } from '../../src/compose/placeholders.js'
import { eventEnv, examplePayload } from '../github-events.mjs'
import { builtinVariables } from '../../src/compose/variables.js'
import { escapeCardMarkdown } from '../../src/markup/escape.js'

const BASE = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_NUMBER: '7',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'build',
}
const contextOf = (event: string, payload: unknown, extra: Record<string, string> = {}) =>
  runContext({ ...BASE, ...eventEnv(event, payload), ...extra }, payload)

describe('runContext from recorded GitHub payloads', () => {
  it('push to a branch: head commit, its message and the compare view', () => {
    const payload = examplePayload('push', undefined, 4)
    const context = contextOf('push', payload)
    expect(context.subject).toEqual({ type: 'branch', name: 'master' })
    expect(context.sha).toBe(payload.head_commit.id)
    expect(context.commitMessage).toBe('Initial commit')
    expect(context.commitUrl).toBe(`https://github.com/Codertocat/Hello-World/commit/${payload.head_commit.id}`)
    expect(context.compareUrl).toBe(payload.compare)
    expect(context.runUrl).toBe('https://github.com/Codertocat/Hello-World/actions/runs/42')
  })

  it('push of a tag', () => {
    const context = contextOf('push', examplePayload('push', undefined, 0))
    expect(context.subject).toEqual({ type: 'tag', name: 'simple-tag' })
  })

  it('pull_request: the head commit and branch, not the merge commit', () => {
    const payload = examplePayload('pull_request', 'opened')
    const context = contextOf('pull_request', payload, { GITHUB_SHA: 'f'.repeat(40) })
    expect(context.sha).toBe(payload.pull_request.head.sha)
    expect(context.subject).toEqual({ type: 'branch', name: 'changes' })
    expect(context.refName).toBe('2/merge')
    expect(context.pullRequest).toEqual({
      number: 2,
      title: 'Update the README with new information.',
      url: 'https://github.com/Codertocat/Hello-World/pull/2',
      headRef: 'changes',
      baseRef: 'master',
    })
    expect(context.commitMessage).toBe('')
  })

  it('workflow_run: the triggering run, its commit and conclusion', () => {
    const payload = examplePayload('workflow_run', 'completed', 1)
    const context = contextOf('workflow_run', payload)
    expect(context.triggeringRun).toEqual({
      name: payload.workflow_run.name || payload.workflow.name,
      conclusion: 'success',
      url: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
      runNumber: '163',
      event: 'repository_dispatch',
      id: String(payload.workflow_run.id),
      attempt: String(payload.workflow_run.run_attempt ?? 1),
      workflowId: String(payload.workflow_run.workflow_id),
      headBranch: 'master',
      startedAt: payload.workflow_run.run_started_at ?? payload.workflow_run.created_at,
      updatedAt: payload.workflow_run.updated_at,
    })
    expect(context.commitMessage).toBe('build(test): check workflow run event payload')
    expect(context.sha).toBe(payload.workflow_run.head_sha)
    expect(context.subject).toEqual({ type: 'branch', name: 'master' })
  })

  it('release: tag, name (or the tag), author, link, prerelease', () => {
    const payload = examplePayload('release', 'published')
    const context = contextOf('release', payload)
    expect(context.release).toMatchObject({
      tag: '0.0.1',
      name: '0.0.1',
      url: 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1',
      body: '',
      author: 'Codertocat',
      prerelease: false,
      publishedAt: '2019-05-15T15:20:53Z',
    })
    expect(context.subject).toEqual({ type: 'tag', name: '0.0.1' })
    const pre = contextOf('release', examplePayload('release', 'prereleased'))
    expect(pre.release?.prerelease).toBe(true)
  })

  it('workflow_dispatch and schedule carry no commit message; the environment still says where', () => {
    const dispatch = contextOf('workflow_dispatch', examplePayload('workflow_dispatch'), { GITHUB_SHA: 'a'.repeat(40) })
    expect(dispatch.commitMessage).toBe('')
    expect(dispatch.sha).toBe('a'.repeat(40))
    const schedule = runContext(
      {
        ...BASE,
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REF_NAME: 'main',
        GITHUB_SHA: 'b'.repeat(40),
      },
      { schedule: '0 0 * * *' },
    )
    expect(schedule.subject).toEqual({ type: 'branch', name: 'main' })
    expect(schedule.pullRequest).toBeUndefined()
  })

  it('a payload that is not an object, or has odd types, gives an empty context rather than a crash', () => {
    expect(runContext({ GITHUB_EVENT_NAME: 'push' }, null).commitMessage).toBe('')
    const odd = runContext(
      { GITHUB_EVENT_NAME: 'release', GITHUB_REPOSITORY: 'o/r' },
      { release: { tag_name: 5, html_url: 'javascript:alert(1)', assets: 'x' } },
    )
    expect(odd.release).toMatchObject({ tag: '5', url: '', assets: [] })
  })
})

describe('builtinVariables', () => {
  it('has the documented names', () => {
    const context = contextOf('release', examplePayload('release', 'published'))
    expect([...builtinVariables(context, 'success').keys()].sort()).toEqual([
      'actor',
      'commit_author',
      'commit_message',
      'commit_url',
      'compare_url',
      'duration',
      'event_name',
      'failed_jobs',
      'failed_tests',
      'job',
      'previous_status',
      'pull_request_author',
      'pull_request_number',
      'pull_request_title',
      'pull_request_url',
      'ref',
      'ref_name',
      'release_author',
      'release_name',
      'release_prerelease',
      'release_tag',
      'release_url',
      'repository',
      'repository_url',
      'run_attempt',
      'run_id',
      'run_number',
      'run_url',
      'server_url',
      'sha',
      'short_sha',
      'status',
      'status_change',
      'tests_failed',
      'tests_flaky',
      'tests_passed',
      'tests_skipped',
      'tests_total',
      'workflow',
    ])
  })

  it('makes Feishu markup in text people wrote inert', () => {
    const payload = examplePayload('pull_request', 'opened')
    payload.pull_request.title = 'Fix <at user_id="all"></at> and <at id=all></at>'
    const variables = builtinVariables(contextOf('pull_request', payload, { GITHUB_REF_NAME: 'x<at id=all>' }))
    for (const name of ['pull_request_title', 'ref_name']) {
      const value = variables.get(name) as UntrustedText
      expect(value).toBeInstanceOf(UntrustedText)
      expect(value.plain).not.toMatch(/<at/i)
      expect(value.markdown).not.toMatch(/<at/i)
    }
  })

  it('fills a PR title as text in plain fields and as escaped markdown in markdown fields: never a link', () => {
    const payload = examplePayload('pull_request', 'opened')
    payload.pull_request.title = '[Approve](tel://1) **now**'
    const variables = builtinVariables(contextOf('pull_request', payload))
    const card = fillTree(
      {
        header: { title: { tag: 'plain_text', content: '${pull_request_title}' } },
        elements: [
          { tag: 'markdown', content: 'PR: ${pull_request_title}' },
          { tag: 'div', text: { tag: 'lark_md', content: '${pull_request_title}' } },
        ],
      },
      variables,
      'card',
    ) as any
    expect(card.header.title.content).toBe('[Approve]\u200B(tel://1) **now**')
    expect(card.elements[0].content).toBe(`PR: ${escapeCardMarkdown('[Approve](tel://1) **now**')}`)
    expect(card.elements[0].content).not.toMatch(/\]\(|\*\*/)
    expect(card.elements[1].text.content).not.toMatch(/\]\(/)
    expect(fillString('${pull_request_title}', variables, 'text')).not.toMatch(/\]\(/)
  })

  it('compare_url: branch names are encoded, so a # or ) in one cannot cut or end the link', () => {
    const payload = examplePayload('pull_request', 'opened')
    payload.pull_request.head.label = 'octo:fix/#1<x>&lt;"q")'
    const context = contextOf('pull_request', payload)
    expect(context.compareUrl).toBe(
      'https://github.com/Codertocat/Hello-World/compare/master...octo:fix%2F%231%3Cx%3E%26lt%3B%22q%22%29',
    )
  })
})
