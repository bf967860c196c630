/**
 * Which code the first guide-sized run compiles, and which of it never runs (issue 20).
 *
 * `npx tsx test/bench/cold-code.ts [N]`: bundles the engine as cold.bench.ts does (but not
 * minified, so that names and `// path` comments stay), runs the guide-sized run once in a
 * fresh Node process under V8's block coverage, and prints the functions the run called and
 * the bytes of their source, then the N functions holding the most code that did not run.
 * V8 compiles a whole function on its first call, taken branches or not, and compiling is
 * most of a first run: a branch few runs take is cheaper in a function of its own. The
 * figures are exact and the same on every machine, unlike the timings of cold.bench.ts.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleEngine, guideRun } from './cold.bench.ts'

// Runs in the fresh process: coverage counts are reset after the import, so only the run counts.
const DRIVER = `
import { Session } from 'node:inspector/promises'
const { scenario, commands } = JSON.parse(process.argv[3])
const s = new Session()
s.connect()
await s.post('Profiler.enable')
await s.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true })
const engine = await import(process.argv[2])
await s.post('Profiler.takePreciseCoverage')
const { cluster } = engine.loadScenario(scenario)
const session = new engine.Session(cluster)
for (const c of commands) engine.runCommand(cluster, c, session)
const { result } = await s.post('Profiler.takePreciseCoverage')
console.log(JSON.stringify(result.find((r) => r.url === process.argv[2]).functions))
`

interface Range {
  startOffset: number
  endOffset: number
  count: number
}

const top = Number(process.argv[2] ?? 30)
const dir = mkdtempSync(join(tmpdir(), 'knet-cold-code-'))
try {
  const file = await bundleEngine(dir, true)
  writeFileSync(join(dir, 'driver.mjs'), DRIVER)
  const url = new URL(`file://${file}`).href
  const functions = JSON.parse(execFileSync(process.execPath, [join(dir, 'driver.mjs'), url, JSON.stringify(guideRun())], { encoding: 'utf8', maxBuffer: 1 << 28 })) as { functionName: string; ranges: Range[] }[]
  const text = readFileSync(file, 'utf8')
  // esbuild marks where each source file starts with a `// path` line
  const marks = [...text.matchAll(/^\/\/ (\S+\.(?:ts|js|mjs))$/gm)].map((m) => [m.index!, m[1]] as const)
  const fileAt = (pos: number) => {
    let f = '?'
    for (const [at, name] of marks) {
      if (at > pos) break
      f = name
    }
    return f
  }
  const run = functions.filter((f) => f.ranges[0].count > 0)
  const rows = run.map((f) => {
    const [whole, ...blocks] = f.ranges
    const inner = functions.map((g) => g.ranges[0]).filter((r) => r !== whole && r.startOffset > whole.startOffset && r.endOffset <= whole.endOffset)
    // a block that did not run, less the functions inside it (compiled only when called)
    let dead = 0
    for (const b of blocks) {
      if (b.count > 0) continue
      dead += b.endOffset - b.startOffset
      for (const r of inner) if (r.startOffset >= b.startOffset && r.endOffset <= b.endOffset) dead -= r.endOffset - r.startOffset
    }
    const own = whole.endOffset - whole.startOffset - inner.filter((r) => !inner.some((o) => o !== r && o.startOffset <= r.startOffset && o.endOffset >= r.endOffset)).reduce((n, r) => n + r.endOffset - r.startOffset, 0)
    return { name: f.functionName || '(anonymous)', file: fileAt(whole.startOffset), own, dead }
  })
  const sum = (k: 'own' | 'dead') => rows.reduce((n, r) => n + r[k], 0)
  console.log(`functions called by the first run: ${rows.length}; their own source: ${sum('own')} bytes (unminified), of which not run: ${sum('dead')}`)
  // where the compiled code lives: by folder (node_modules by package), then the largest files
  const byKey = (key: (file: string) => string) => {
    const m = new Map<string, number>()
    for (const r of rows) m.set(key(r.file), (m.get(key(r.file)) ?? 0) + r.own)
    return [...m].sort((a, b) => b[1] - a[1])
  }
  const folder = (f: string) => (f.includes('node_modules/') ? f.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+).*$/, 'node_modules/$1') : f.split('/').slice(0, 2).join('/'))
  console.log(`\nbytes of called functions' own source, by folder:`)
  for (const [k, n] of byKey(folder)) console.log(`${String(n).padStart(7)}  ${k}`)
  console.log(`\nby file (the ${top} largest):`)
  for (const [k, n] of byKey((f) => f).slice(0, top)) console.log(`${String(n).padStart(7)}  ${k}`)
  console.log(`\nmost code not run inside a function that ran (bytes not run / own bytes):`)
  for (const r of rows.sort((a, b) => b.dead - a.dead).slice(0, top)) console.log(`${String(r.dead).padStart(7)} / ${String(r.own).padEnd(6)} ${r.name}  ${r.file}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
