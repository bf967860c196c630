/**
 * The memory of the largest request the Worker accepts (functions/limits.ts and
 * shared/scenario-content.ts): a scenario at the request limits (50 nodes, 500 Pods,
 * 100 Services, NetworkPolicies up to 100,000 characters) with 20 of the heaviest
 * commands and the topology diagram, run through functions/run/run-scenario.ts as
 * `POST /api/run` runs it, in a fresh Node process. Target (issue 20): a request
 * never needs more than 64 MB of the isolate's 128 MB.
 *
 * The run's time budget (API_LIMITS.budgetMs) is lifted so that every command runs: this
 * machine stops it part way, a faster one gets further, and memory is bounded for all.
 *
 * Figures: the live heap (after a full collection) at every step of the run (the
 * Worker's budget checks, between building and each command) and once the answer is
 * JSON text, as the Worker sends it; the peak of those is the figure held against the
 * target. Then what the run retains (cluster, session, answer). Both net of the
 * process's heap before the run. A step's own transient garbage is not counted.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { build } from 'esbuild'
import { API_LIMITS } from '../../functions/limits.ts'
import { SCENARIO_LIMITS } from '../../functions/shared/scenario-content.ts'
import { scenarioSize } from '../../functions/run/scenario-size.ts'
import { loadScenario, runCommand, Session, topologyDiagram } from '../../engine/index.ts'
import type { CommandResult } from '../../engine/index.ts'
import type { BenchResult } from './measure.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const NAMESPACES = 20

/** A scenario as large as a request may be: every size limit met, the text just under its limit. */
export function largestRequest(): { scenario: string; commands: string[] } {
  const nodes = API_LIMITS.maxNodes
  const deployments = API_LIMITS.maxPods / 10
  const docs: string[] = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: calico\n  nodes: [${Array.from({ length: nodes }, (_, i) => `{name: node-${i + 1}, ip: 192.168.1.${i + 11}}`).join(', ')}]`,
  ]
  for (let n = 0; n < NAMESPACES; n++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${n}, labels: {team: t${n % 5}}}`)
  for (let d = 0; d < deployments; d++) {
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${d}, namespace: ns-${d % NAMESPACES}}\nspec:\n  replicas: 10\n  selector: {matchLabels: {app: app-${d}}}\n  template:\n    metadata: {labels: {app: app-${d}, tier: t${d % 4}}}\n    spec: {containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec], ports: [{name: http, containerPort: 8080}]}]}`,
    )
  }
  for (let s = 0; s < API_LIMITS.maxServices; s++) {
    const d = s % deployments
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${s}, namespace: ns-${d % NAMESPACES}}\nspec:\n  type: ${s % 2 ? 'NodePort' : 'ClusterIP'}\n  selector: {app: app-${d}}\n  ports: [{name: http, port: 80, targetPort: http}]`)
  }
  // NetworkPolicies fill the rest of the text, up to the object limit
  const size = () => docs.join('\n---\n').length
  for (let p = 0; docs.length < API_LIMITS.maxObjects; p++) {
    const doc = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np-${p}, namespace: ns-${p % NAMESPACES}}\nspec:\n  podSelector: {matchLabels: {tier: t${p % 4}}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: t${p % 5}}}, podSelector: {matchLabels: {tier: t${(p + 1) % 4}}}}], ports: [{port: ${8000 + (p % 200)}}]}]`
    if (size() + doc.length + 5 > SCENARIO_LIMITS.maxScenarioChars) break
    docs.push(doc)
  }
  const commands = [
    'kubectl get pods -A -o wide',
    'kubectl get pods -A -o yaml',
    'kubectl get svc -A -o json',
    'kubectl get endpointslices -A -o yaml',
    'kubectl get networkpolicies -A -o yaml',
    'kubectl describe nodes',
    'kubectl get events -A',
    'ssh node-1 iptables-save',
    'ssh node-25 iptables-save',
    'ssh node-50 iptables-save',
    'ssh node-1 ip route',
    'policy matrix -A',
    'policy matrix -A --port 8001 --pods',
    'policy lint',
    'trace ns-0/deploy/app-0 -> svc-1.ns-1:80 --all',
    'trace workstation -> 192.168.1.11:30001',
    'kubectl exec -n ns-0 deploy/app-0 -- nslookup svc-2.ns-2',
    'kubectl exec -n ns-0 deploy/app-0 -- curl -s http://svc-3.ns-3/hostname',
    'proxy-scale --services 10,100,1000 --mode iptables',
    'proxy-scale --services 10,100,1000 --mode nftables',
  ]
  if (commands.length > SCENARIO_LIMITS.maxCommands) throw new Error('more commands than a request may send')
  return { scenario: docs.join('\n---\n'), commands }
}

// Runs in the fresh process (node --expose-gc): the request through runScenario, with the live
// heap sampled at each of its budget checks (they yield through setTimeout) and while the answers'
// hash is taken (its canonical JSON is then alive), then once the answer is JSON text.
const DRIVER = `
const { runScenario, API_LIMITS } = await import(process.argv[2])
const request = JSON.parse(process.argv[3])
const heap = () => process.memoryUsage().heapUsed
let base = 0
let peak = 0
const sample = () => { gc(); peak = Math.max(peak, heap() - base) }
const setTimeoutBefore = globalThis.setTimeout
globalThis.setTimeout = (...args) => { sample(); return setTimeoutBefore(...args) }
const encode = TextEncoder.prototype.encode
// (the engine encodes small strings too: only the large ones are the answers)
TextEncoder.prototype.encode = function (text) { if (text.length > 100000) sample(); return encode.call(this, text) }
gc()
base = heap()
const t0 = performance.now()
let answer, stopped, json = ''
try {
  // the time budget lifted, so that every command runs: a faster machine gets further within it
  answer = await runScenario({ ...request, diagram: 'topology' }, { ...API_LIMITS, budgetMs: Infinity })
  json = JSON.stringify(answer)
} catch (e) {
  if (e.code !== 'limit_exceeded') throw e
  stopped = e.message
}
const ms = performance.now() - t0
sample()
// a command may fail as the real one would (a policy drops the trace): not with an internal error, unknown or unusable
const failed = (answer?.results ?? []).filter((r) => r.exitCode === 70 || r.exitCode === 2 || r.exitCode >= 126).map((r) => r.command + ': ' + (r.stderr || r.stdout).slice(0, 200))
console.log(JSON.stringify({ peak, ms, failed, stopped, errors: answer?.diagnostics.filter((d) => d.severity === 'error').length ?? 0, json: json.length }))
`

interface Measured {
  peak: number
  ms: number
  failed: string[]
  stopped?: string
  errors: number
  json: number
}

const WORST_COMMAND = 'policy matrix -A'

/** A full garbage collection, without starting Node with --expose-gc. */
function collect(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** What a command adds to the answer, counted as functions/run/run-scenario.ts counts it. */
function answerChars(r: CommandResult): number {
  return r.command.length + r.stdout.length + r.stderr.length + (r.data === undefined ? 0 : (JSON.stringify(r.data)?.length ?? 0))
}

export async function run(): Promise<BenchResult[]> {
  const heaviest = largestRequest()
  const size = scenarioSize(heaviest.scenario)
  // the fullest request that is answered: the heaviest commands, in order, while the answers fit
  const { cluster } = loadScenario(heaviest.scenario)
  const session = new Session(cluster)
  let total = topologyDiagram(cluster).svg.length + 100_000
  const fits = heaviest.commands.filter((line) => {
    const chars = answerChars(runCommand(cluster, line, session))
    if (total + chars > API_LIMITS.maxAnswerChars) return false
    total += chars
    return true
  })
  const fullest = { scenario: heaviest.scenario, commands: fits }
  const dir = mkdtempSync(join(tmpdir(), 'knet-memory-'))
  try {
    const entry = join(dir, 'entry.ts')
    writeFileSync(entry, `export { runScenario } from ${JSON.stringify(join(root, 'functions/run/run-scenario.ts'))}\nexport { API_LIMITS } from ${JSON.stringify(join(root, 'functions/limits.ts'))}\n`)
    const file = join(dir, 'run.mjs')
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', mainFields: ['browser', 'module', 'main'], conditions: ['workerd', 'worker', 'browser'], target: 'es2022', outfile: file, logLevel: 'error' })
    const driver = join(dir, 'driver.mjs')
    writeFileSync(driver, DRIVER)
    const measure = (request: { scenario: string; commands: string[] }): Measured => {
      const text = execFileSync(process.execPath, ['--expose-gc', driver, new URL(`file://${file}`).href, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1 << 20 })
      const r = JSON.parse(text) as Measured
      if (r.errors) throw new Error(`the largest request's scenario has ${r.errors} errors`)
      if (r.failed.length) throw new Error(`commands of the largest request failed:\n${r.failed.join('\n')}`)
      return r
    }
    const stopped = measure(heaviest)
    const answered = measure(fullest)
    // the run checks the answers' size after each command: one command's answer is held before
    // that check, on top of the cluster. The heaviest here, live, measured in this process.
    collect()
    const before = process.memoryUsage().heapUsed
    const { cluster: alone } = loadScenario(heaviest.scenario)
    const worst = runCommand(alone, WORST_COMMAND)
    collect()
    const worstHeap = process.memoryUsage().heapUsed - before
    const worstChars = answerChars(worst)
    if (answered.stopped) throw new Error(`the fullest request was refused: ${answered.stopped}`)
    const mb = (n: number) => Math.round((n / 1e6) * 10) / 10
    const where = stopped.stopped ? /by (command \d+ of \d+|the topology diagram)/.exec(stopped.stopped)?.[1] : undefined
    return [
      { name: `largest request: ${size.nodes} nodes, ${size.pods} Pods, ${size.services} Services, ${size.objects} objects, ${heaviest.scenario.length} chars`, value: heaviest.commands.length, unit: 'commands' },
      { name: `  ${where ? `answers over the limit, stopped (422) by ${where}` : 'answered in full'}: live heap, peak`, value: mb(stopped.peak), unit: 'MB', target: 64 },
      { name: `  ${fullest.commands.length} of its commands, answers just under the limit: time`, value: Math.round(answered.ms), unit: 'ms' },
      { name: `  the same: live heap at its steps and as JSON (${mb(answered.json)} MB), peak`, value: mb(answered.peak), unit: 'MB', target: 64 },
      { name: `  cluster + the heaviest one command's answer (${WORST_COMMAND}, ${mb(worstChars)} M chars), live`, value: mb(worstHeap), unit: 'MB', target: 64 },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
