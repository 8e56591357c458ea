// The built-in ${name} variables, read from the runner's GITHUB_* environment. Read directly
// rather than through @actions/github, whose entry point loads Octokit: this action never
// calls the GitHub API, and the bundle stays small.

export type Environment = Record<string, string | undefined>

/** Built-in variables, all strings (empty when the runner does not set them, e.g. locally). */
export function builtinVariables(env: Environment): Map<string, string> {
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY ?? ''
  const sha = env.GITHUB_SHA ?? ''
  const runId = env.GITHUB_RUN_ID ?? ''
  const repositoryUrl = repository ? `${serverUrl}/${repository}` : ''
  return new Map([
    ['repository', repository],
    ['repository_url', repositoryUrl],
    ['ref', env.GITHUB_REF ?? ''],
    ['ref_name', env.GITHUB_REF_NAME ?? ''],
    ['sha', sha],
    ['short_sha', sha.slice(0, 7)],
    ['actor', env.GITHUB_ACTOR ?? ''],
    ['event_name', env.GITHUB_EVENT_NAME ?? ''],
    ['workflow', env.GITHUB_WORKFLOW ?? ''],
    ['run_id', runId],
    ['run_number', env.GITHUB_RUN_NUMBER ?? ''],
    ['run_attempt', env.GITHUB_RUN_ATTEMPT ?? ''],
    ['run_url', repositoryUrl && runId ? `${repositoryUrl}/actions/runs/${runId}` : ''],
    ['server_url', serverUrl],
  ])
}
