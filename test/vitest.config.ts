// One `vitest run` covers four worlds: the engine in Node, the guide's examples, the Worker
// inside workerd, and the whole site in a real browser. test/README.md says what each project is for.
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('..', import.meta.url))
const engineTestsExist =
  existsSync(`${root}test/engine`) &&
  readdirSync(`${root}test/engine`, { recursive: true }).some((f) => String(f).endsWith('.test.ts'))

const engine = {
  root,
  test: { name: 'engine', environment: 'node' as const, include: ['test/engine/**/*.test.ts'] },
}

export default defineConfig({
  test: {
    projects: [
      // Left out while the engine has no tests yet, so an empty project cannot fail the run.
      ...(engineTestsExist ? [engine] : []),
      {
        root,
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: `${root}wrangler.toml` },
            miniflare: {
              // A tiny stand-in for dist/, so these tests need no site build.
              assets: { directory: `${root}test/worker/fixtures/site` },
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(`${root}functions/migrations`),
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['test/worker/apply-migrations.ts'],
        },
      },
      {
        // Every executable example in content/, through the plugin the build runs them with.
        root,
        test: { name: 'content', environment: 'node', include: ['test/content/**/*.test.ts'] },
      },
      {
        root,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          // A cold browser on a shared 2-core machine is slow to answer.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // expect.poll waits for the page (an editor chunk to load, a run to come back).
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
})
