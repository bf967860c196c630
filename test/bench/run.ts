/**
 * `npm run bench`: runs every test/bench/*.bench.ts and prints its figures,
 * with the issue's target beside each where there is one.
 */
import { readdirSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import type { BenchResult } from './measure.ts'

const dir = new URL('.', import.meta.url)
const only = process.argv[2]
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort()
let missed = 0
// Timings on a shared machine swing with its load: say what it was
console.log(`${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`)
for (const f of files) {
  const mod = (await import(new URL(f, dir).href)) as { run: () => Promise<BenchResult[]> | BenchResult[] }
  if (typeof mod.run !== 'function') continue
  console.log(`\n${f}`)
  for (const r of await mod.run()) {
    const value = r.unit === 'ms' ? r.value.toFixed(r.value < 1 ? 4 : 2) : String(r.value)
    // A target is a maximum, except for scores (Lighthouse's 0-100), where higher is better.
    const higher = r.unit === 'score'
    const met = r.target === undefined || (higher ? r.value >= r.target : r.value <= r.target)
    const verdict = r.target === undefined ? '' : `  (target ${higher ? '≥' : '≤'} ${r.target} ${r.unit}: ${met ? 'met' : 'MISSED'})`
    if (!met) missed++
    console.log(`  ${r.name.padEnd(60)} ${value.padStart(10)} ${r.unit}${verdict}`)
  }
}
if (missed) console.log(`\n${missed} target(s) missed`)
