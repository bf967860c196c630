/**
 * The same cold start in workerd: the first `POST /api/run` (the guide-sized run of
 * cold.bench.ts) to a freshly started `wrangler dev`, after only `/api/health` (which
 * loads the Worker's module, so module evaluation is not in the figure). Wall time seen
 * by the client on 127.0.0.1: it includes HTTP and the local Cache API lookup and store,
 * so the warm runs after it (each with its own scenario text, so uncached) are printed
 * beside it. Three fresh servers, medians. Needs no build: the worker tests' stand-in
 * site serves as assets.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startWranglerDev } from '../support/local-server.ts'
import { guideRun } from './cold.bench.ts'
import type { BenchResult } from './measure.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const SERVERS = 3
const WARM = 9

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function timedRun(url: string, n: number): Promise<number> {
  const { scenario, commands } = guideRun()
  // a different comment each time: no answer comes from the cache
  const body = JSON.stringify({ scenario: `# bench ${process.pid} ${n} ${Date.now()}\n${scenario}`, commands })
  const t0 = performance.now()
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
  const text = await res.text()
  const ms = performance.now() - t0
  if (res.status !== 200 || res.headers.get('x-knet-cache') !== 'miss') throw new Error(`POST /api/run answered ${res.status} (${res.headers.get('x-knet-cache')}): ${text.slice(0, 300)}`)
  return ms
}

export async function run(): Promise<BenchResult[]> {
  const firsts: number[] = []
  const warms: number[] = []
  for (let s = 0; s < SERVERS; s++) {
    const state = mkdtempSync(join(tmpdir(), 'knet-workerd-'))
    const dev = await startWranglerDev({ root, state, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, args: ['--assets', join(root, 'test/worker/fixtures/site')] })
    try {
      const url = `${dev.baseURL}/api/run`
      firsts.push(await timedRun(url, 0))
      const times: number[] = []
      for (let i = 1; i <= WARM; i++) times.push(await timedRun(url, i))
      warms.push(med(times))
    } finally {
      await dev.close()
      rmSync(state, { recursive: true, force: true })
    }
  }
  return [
    { name: `first POST /api/run to a fresh wrangler dev (guide-sized, wall), median of ${SERVERS}`, value: med(firsts), unit: 'ms' },
    { name: `  the runs after it (uncached, wall), median`, value: med(warms), unit: 'ms' },
    { name: `  the difference: what being first costs in workerd`, value: med(firsts) - med(warms), unit: 'ms' },
  ]
}
