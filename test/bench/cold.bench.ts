/**
 * The first request to a fresh Worker isolate, and what the Worker ships.
 *
 * Cold start: the engine bundled as the Worker gets it (esbuild, one ESM file,
 * minified as wrangler.toml asks), imported by a fresh Node process that then
 * runs one guide-sized run: the Services chapter's scenario plus one Service,
 * five commands in one session, as `POST /api/run` does. Nothing is warmed:
 * module evaluation, the first YAML parse, the first cluster build and every
 * command's first call all run once. Each of at least 7 processes reports its
 * own figures; the medians are printed. Target (issue 20): the first run
 * ≤ 10 ms, within the Workers Free plan's 10 ms of CPU per request. Module
 * evaluation is printed beside it, so that no work hides there. The same run under
 * `node --no-lazy` (every function compiled during the import) shows the part of the first run
 * that is execution rather than compilation.
 *
 * Worker bundle: `wrangler deploy --dry-run --outdir` (offline, no metrics),
 * gzipped; budget 300 KiB.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import type { BenchResult } from './measure.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const PROCESSES = 9

/** The Services chapter's first example: its base scenario, one Service, its commands and one more. */
export function guideRun(): { scenario: string; commands: string[] } {
  const base = readFileSync(join(root, 'content/scenarios/services.yaml'), 'utf8')
  const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n'
  return {
    scenario: `${base}\n---\n${service}`,
    commands: [
      'kubectl get pods -o wide',
      'kubectl get svc web',
      'kubectl get endpointslices -l kubernetes.io/service-name=web',
      'kubectl exec client -- curl -s http://web/hostname',
      'ssh node-3 iptables -t nat -S KUBE-SERVICES',
    ],
  }
}

// Runs in the fresh process: times the import (module evaluation) and the first run, then a
// second run for comparison, and prints one JSON line. Every command must succeed.
const DRIVER = `
const { scenario, commands } = JSON.parse(process.argv[3])
const t0 = performance.now()
const engine = await import(process.argv[2])
const t1 = performance.now()
function run() {
  const { cluster, diagnostics } = engine.loadScenario(scenario)
  const session = new engine.Session(cluster)
  const results = commands.map((c) => engine.runCommand(cluster, c, session))
  return { diagnostics, results }
}
const first = run()
const t2 = performance.now()
run()
const t3 = performance.now()
const failed = first.results.find((r) => r.exitCode !== 0)
if (first.diagnostics.length || failed) throw new Error(JSON.stringify(first.diagnostics[0] ?? failed))
const out = first.results.map((r) => r.stdout).join('\\n')
console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2, out }))
`

interface Sample {
  importMs: number
  firstMs: number
  secondMs: number
  out: string
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * The engine as one minified ESM file, bundled as wrangler bundles the Worker; `syntaxOnly`
 * keeps names and comments (cold-code.ts reads them), minifying syntax alone.
 */
export async function bundleEngine(dir: string, syntaxOnly = false): Promise<string> {
  const file = join(dir, 'engine.mjs')
  await build({
    entryPoints: [join(root, 'engine/index.ts')],
    bundle: true,
    ...(syntaxOnly ? { minifySyntax: true } : { minify: true }),
    format: 'esm',
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    outfile: file,
    logLevel: 'error',
  })
  return file
}

/** One fresh process per sample; `extra` node flags (e.g. --cpu-prof). */
export function coldSamples(file: string, n: number, extra: string[] = [], cwd?: string): Sample[] {
  const dir = mkdtempSync(join(tmpdir(), 'knet-cold-'))
  try {
    const driver = join(dir, 'driver.mjs')
    writeFileSync(driver, DRIVER)
    const arg = JSON.stringify(guideRun())
    const samples: Sample[] = []
    for (let i = 0; i < n; i++) {
      const text = execFileSync(process.execPath, [...extra, driver, new URL(`file://${file}`).href, arg], { encoding: 'utf8', cwd })
      samples.push(JSON.parse(text) as Sample)
    }
    return samples
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The Worker as `wrangler deploy` would upload it: its size and gzipped size in KiB. */
function workerBundle(dir: string): { raw: number; gzip: number } {
  const outdir = join(dir, 'worker')
  // the built site is not needed to bundle the Worker: the worker tests' stand-in will do
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir, '--assets', join(root, 'test/worker/fixtures/site')],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const js = readFileSync(join(outdir, 'index.js'))
  return { raw: js.length / 1024, gzip: gzipSync(js, { level: 9 }).length / 1024 }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'knet-bundle-'))
  try {
    const file = await bundleEngine(dir)
    const samples = coldSamples(file, PROCESSES)
    if (new Set(samples.map((s) => s.out)).size !== 1) throw new Error('the fresh processes answered differently')
    // V8 compiling every function at import instead of on first call: what the first run costs
    // when no compiling is left in it, i.e. cold execution alone (interpreter, empty caches)
    const eager = coldSamples(file, PROCESSES, ['--no-lazy'])
    const worker = workerBundle(dir)
    return [
      { name: `first guide-sized run in a fresh process, median of ${PROCESSES}`, value: med(samples.map((s) => s.firstMs)), unit: 'ms', target: 10 },
      { name: '  module evaluation (import of the bundled engine) before it', value: med(samples.map((s) => s.importMs)), unit: 'ms' },
      { name: '  import + first run', value: med(samples.map((s) => s.importMs + s.firstMs)), unit: 'ms' },
      { name: '  the second run in the same process', value: med(samples.map((s) => s.secondMs)), unit: 'ms' },
      { name: '  the first run with nothing left to compile (node --no-lazy)', value: med(eager.map((s) => s.firstMs)), unit: 'ms' },
      { name: `engine bundle (minified), KiB`, value: Math.round(readFileSync(file).length / 1024), unit: 'KiB' },
      { name: 'Worker bundle (wrangler deploy --dry-run), KiB', value: Math.round(worker.raw), unit: 'KiB' },
      { name: 'Worker bundle, gzip', value: Math.round(worker.gzip), unit: 'KiB', target: 300 },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
