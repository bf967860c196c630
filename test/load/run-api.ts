/**
 * `npm run load`: requests/s and latency of POST /api/run under `wrangler dev`, on a
 * guide-sized scenario (3 nodes, 2 Deployments, 2 Services, 3 commands). Starts the
 * Worker on a free 127.0.0.1 port with a throwaway local state, runs two bounded phases,
 * prints the figures, stops the Worker. Fails (exit 1) on any error or non-2xx answer.
 *
 * - cached: the same body every time, so every request after the first is a Cache API hit;
 * - uncached: a different comment in every scenario, so each request runs the engine.
 *
 * Figures from wrangler dev on a laptop are not production figures: they compare runs
 * of this repository with each other. Not part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon, { type Result } from 'autocannon'
import { GUIDE_COMMANDS, GUIDE_SCENARIO } from '../worker/fixtures/scenarios.ts'
import { startWranglerDev, type DevServer } from '../support/local-server.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const PHASE_SECONDS = 7
const MAX_REQUESTS = 20_000
const CONNECTIONS = 4

async function main() {
  const state = mkdtempSync(join(tmpdir(), 'knet-load-'))
  let failed = false
  let dev: DevServer | undefined
  try {
    // The built site is not needed to load the API: the Worker tests' stand-in will do.
    dev = await startWranglerDev({ root, state, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, args: ['--assets', join(root, 'test/worker/fixtures/site')] })
    const base = dev.baseURL
    const url = `${base}/api/run`
    const headers = { 'Content-Type': 'application/json' }
    const body = JSON.stringify({ scenario: GUIDE_SCENARIO, commands: GUIDE_COMMANDS })

    // One run first: it must succeed, and it fills the cache for the cached phase.
    const first = await fetch(url, { method: 'POST', headers, body })
    const answer = (await first.json()) as { results?: { exitCode: number }[] }
    if (first.status !== 200 || answer.results?.length !== GUIDE_COMMANDS.length) {
      throw new Error(`POST /api/run answered ${first.status}: ${JSON.stringify(answer).slice(0, 500)}`)
    }
    console.log(`POST /api/run, ${GUIDE_COMMANDS.length} commands on 3 nodes, 2 Deployments, 2 Services`)
    console.log(`${CONNECTIONS} connections, ${PHASE_SECONDS} s per phase (at most ${MAX_REQUESTS} requests)\n`)

    const phases = [
      { name: 'cached (Cache API hit)', body, idReplacement: false },
      {
        name: 'uncached (engine runs)',
        body: JSON.stringify({ scenario: `# load [<id>]\n${GUIDE_SCENARIO}`, commands: GUIDE_COMMANDS }),
        idReplacement: true,
      },
    ]
    console.log('phase                      req/s   p50 ms  p90 ms  p99 ms  max ms  requests  errors')
    for (const phase of phases) {
      const result = await autocannon({
        url,
        method: 'POST',
        headers,
        body: phase.body,
        idReplacement: phase.idReplacement,
        connections: CONNECTIONS,
        duration: PHASE_SECONDS,
        maxOverallRequests: MAX_REQUESTS,
        timeout: 10,
        verifyBody: (text) => text.startsWith('{"engineVersion"'),
      })
      const errors = result.errors + result.timeouts + result.non2xx + result.mismatches
      if (errors > 0) failed = true
      console.log(row(phase.name, result, errors))
    }
  } finally {
    await dev?.close()
    rmSync(state, { recursive: true, force: true })
  }
  if (failed) {
    console.error('\nSome requests failed.')
    process.exitCode = 1
  }
}

function row(name: string, r: Result, errors: number) {
  const n = (v: number, w: number) => String(Math.round(v * 10) / 10).padStart(w)
  return `${name.padEnd(24)} ${n(r.requests.average, 7)} ${n(r.latency.p50, 8)} ${n(r.latency.p90, 7)} ${n(r.latency.p99, 7)} ${n(r.latency.max, 7)} ${n(r.requests.total, 9)} ${n(errors, 7)}`
}




await main()
