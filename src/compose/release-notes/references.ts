// GitHub references in release notes, linked the way GitHub links them: #123, owner/repo#123,
// @user, commit shas, and bare URLs to issues, pull requests, commits and comparisons. Pure.

import { safeHttpUrl } from '../../markup/safe-url.js'

export interface Links {
  /** https://host/owner/repo without a trailing slash, or '' */
  readonly repository: string
  /** owner/repo in lower case, for recognising links to this repository */
  readonly repositoryKey: string
  /** https://host without a trailing slash, or '' */
  readonly server: string
  /** hosts whose issue, pull, commit and compare URLs are shown the way GitHub shows them */
  readonly hosts: ReadonlySet<string>
}

export function resolveLinks(options: { repositoryUrl: string; serverUrl: string }): Links {
  const repositoryUrl = safeHttpUrl(options.repositoryUrl.replace(/\/+$/, ''))
  const repositoryPath = repositoryUrl ? /^\/([^/]+)\/([^/]+)$/.exec(new URL(repositoryUrl).pathname) : null
  const repository = repositoryUrl && repositoryPath ? repositoryUrl : ''
  const serverUrl = safeHttpUrl(options.serverUrl)
  const server = serverUrl ? new URL(serverUrl).origin : repository ? new URL(repository).origin : ''
  const hosts = new Set(['github.com'])
  if (server) hosts.add(new URL(server).host)
  if (repository) hosts.add(new URL(repository).host)
  const repositoryKey = repositoryPath ? `${repositoryPath[1]}/${repositoryPath[2]}`.toLowerCase() : ''
  return { repository, repositoryKey, server, hosts }
}

// One pass over plain text finds what GitHub would link. Boundaries follow GitHub's: nothing glued
// to a word, a path or an e-mail address; `@scope/package` and `@org/team` are left alone.
export const REFERENCE =
  /(?<![\w@#/.-])(?:(?<owner>[A-Za-z0-9][A-Za-z0-9-]*)\/(?<repo>[A-Za-z0-9._-]+?)(?:#(?<crossNumber>\d+)|@(?<crossSha>[0-9a-f]{7,40}))|@(?<user>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*)(?<bot>\[bot\])?|#(?<number>\d+)|GH-(?<ghNumber>\d+)|(?<sha>[0-9a-f]{7,40}))(?![\w@/-])/g

const isSha = (text: string): boolean => /[0-9]/.test(text) && /[a-f]/.test(text)

interface Reference {
  readonly label: string
  readonly url: string
}

export function referenceAt(match: RegExpExecArray, links: Links): Reference | undefined {
  const { owner, repo, crossNumber, crossSha, user, bot, number, ghNumber, sha } = match.groups ?? {}
  if (owner && repo && crossNumber && links.server)
    return { label: match[0], url: `${links.server}/${owner}/${repo}/issues/${crossNumber}` }
  if (owner && repo && crossSha && isSha(crossSha) && links.server) {
    return {
      label: `${owner}/${repo}@${crossSha.slice(0, 7)}`,
      url: `${links.server}/${owner}/${repo}/commit/${crossSha}`,
    }
  }
  // GitHub Apps sign as `name[bot]`; their page is /apps/name.
  if (user && links.server)
    return { label: match[0], url: bot ? `${links.server}/apps/${user}` : `${links.server}/${user}` }
  const issue = number ?? ghNumber
  if (issue && links.repository) return { label: match[0], url: `${links.repository}/issues/${issue}` }
  if (sha && isSha(sha) && links.repository) return { label: sha.slice(0, 7), url: `${links.repository}/commit/${sha}` }
  return undefined
}

/** How GitHub shows a bare URL to an issue, pull request, commit or comparison; undefined for others. */
export function githubUrlLabel(href: string, links: Links): string | undefined {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return undefined
  }
  if (!links.hosts.has(url.host) || url.search || url.hash) return undefined
  const match = /^\/([^/]+)\/([^/]+)\/(pull|issues|commit|compare)\/([^/]+)\/?$/.exec(url.pathname)
  if (!match) return undefined
  const [, owner = '', repo = '', kind, rest = ''] = match
  const here = `${owner}/${repo}`.toLowerCase() === links.repositoryKey
  const prefix = here ? '' : `${owner}/${repo}`
  if ((kind === 'pull' || kind === 'issues') && /^\d+$/.test(rest)) return `${prefix}#${rest}`
  if (kind === 'commit' && /^[0-9a-f]{7,40}$/.test(rest))
    return here ? rest.slice(0, 7) : `${prefix}@${rest.slice(0, 7)}`
  if (kind === 'compare') {
    try {
      return decodeURIComponent(rest)
    } catch {
      return rest
    }
  }
  return undefined
}
