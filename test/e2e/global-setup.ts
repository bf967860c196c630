// Runs the real thing once for all browser tests: the built site and the Worker under
// `wrangler dev`, on a free loopback port with its own local D1 state.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { startWranglerDev } from '../support/local-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js')
const astro = join(root, 'node_modules/astro/bin/astro.mjs')
// Vitest puts its own mode into process.env (NODE_ENV=test, DEV=1, PROD=''...), with which
// Astro builds a dev site (no search, for one): the tools get the environment a shell gives them.
const VITEST_ONLY = /^(VITEST.*|TEST|NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL)$/
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !VITEST_ONLY.test(key))),
  WRANGLER_SEND_METRICS: 'false',
  ASTRO_TELEMETRY_DISABLED: '1',
}

export default async function setup(project: TestProject) {
  if (siteIsStale()) run(astro, ['build'])
  const state = mkdtempSync(join(tmpdir(), 'knet-e2e-'))
  run(wrangler, ['d1', 'migrations', 'apply', 'knet', '--local', '--persist-to', state])

  let dev
  try {
    dev = await startWranglerDev({ root, state, env })
  } catch (error) {
    rmSync(state, { recursive: true, force: true })
    throw error
  }
  const { baseURL } = dev
  project.provide('baseURL', baseURL)

  return async () => {
    await dev.close()
    rmSync(state, { recursive: true, force: true })
  }
}

// dist/ is rebuilt when missing or older than anything the build reads.
function siteIsStale() {
  const built = join(root, 'dist/index.html')
  if (!existsSync(built)) return true
  // The build runs every example through the engine and links through the shared codec.
  const inputs = ['content', 'site', 'engine', 'functions/shared', 'astro.config.mjs', 'package-lock.json']
  return newestMtime(inputs.map((p) => join(root, p))) > statSync(built).mtimeMs
}

function newestMtime(paths: string[]): number {
  let newest = 0
  for (const path of paths) {
    if (!existsSync(path)) continue
    const stat = statSync(path)
    newest = Math.max(newest, stat.mtimeMs)
    if (stat.isDirectory()) {
      newest = Math.max(newest, newestMtime(readdirSync(path).map((name) => join(path, name))))
    }
  }
  return newest
}

function run(script: string, args: string[]) {
  const options = { cwd: root, env, encoding: 'utf8' } as const
  const result = spawnSync(process.execPath, [script, ...args], options)
  if (result.status !== 0) {
    const command = [script.replace(root, ''), ...args].join(' ')
    throw new Error(`${command} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
}



