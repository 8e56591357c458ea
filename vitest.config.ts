import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Two projects: `npm run test:unit` (pure modules, fast) and `npm run test:e2e` (dist/ run as the
    // runner does, the fake servers, the workflows and the docs); `npm test` runs both.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/*.test.ts'] } },
    ],
    // End-to-end tests spawn dist/index.js on Node 24, one process per step; give them room on a 2-core runner.
    testTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'node_modules/.vitest/results.json' },
    hookTimeout: 30_000,
  },
})
