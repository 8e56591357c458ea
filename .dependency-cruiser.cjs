// The layers of src/, top to bottom. A module may import from its own layer and the layers
// below it, never above, and nothing may form a cycle. Each folder's README.md says what it owns.
//   main.ts, index.ts   wiring
//   approval/           the approval gate: send a card, wait for the approvers' answer, show it
//   report/             outputs, job summary, dry run
//   compose/            the message: placeholders, variables, built-in cards, release notes
//   github/             the run's context: the event, the environment, the GitHub API
//   inputs/             reading and validating the step's inputs
//   feishu/             talking to Feishu: delivery plan, clients, requests, retries, limits, codes
//   markup/             escaping text others wrote, safe URLs
//   base/               the runner interface, plain-data helpers
const LAYERS = ['approval', 'report', 'compose', 'github', 'inputs', 'feishu', 'markup', 'base']

const upward = LAYERS.map((layer, index) => ({
  name: `no-upward-import-from-${layer}`,
  comment: `${layer}/ may import only ${LAYERS.slice(index + 1).join(', ') || 'nothing else in src'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: [`^src/(${[...LAYERS.slice(0, index), 'main', 'index'].join('|')})(/|\\.ts$)`] },
}))

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Imports flow one way: a cycle means two modules belong together or a type is in the wrong layer.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'octokit-only-through-the-github-layer',
      comment:
        '@actions/github loads Octokit: only github/ may import it, and only dynamically (a run that calls no GitHub API never loads it).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/github/' },
      to: { path: 'node_modules/@actions/github/' },
    },
    {
      name: 'undici-only-in-http',
      comment: 'One HTTP stack, one owner: feishu/http.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/feishu/http\\.ts$' },
      to: { path: 'node_modules/undici/' },
    },
    {
      name: 'core-only-in-the-runner',
      comment: 'Modules take a Runner; only base/runner.ts speaks @actions/core.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/base/runner\\.ts$' },
      to: { path: 'node_modules/@actions/core/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}
