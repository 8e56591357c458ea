// Vitest as Stryker runs it (`npm run mutate`): the unit tests only, which run src/ directly and
// in-process, so each mutant is tested in seconds; the end-to-end tests run the bundled dist/,
// which a mutant of src/ never reaches.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // Tests over a large corpus take a sample of it (see release-notes.test.ts).
    env: { MUTATION_RUN: '1' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
