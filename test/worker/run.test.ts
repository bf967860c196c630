import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ENGINE_VERSION, LIMITS } from '../../engine/index.ts'
import { createApp } from '../../functions/app.ts'
import { API_LIMITS } from '../../functions/limits.ts'
import { runRoutes } from '../../functions/routes/run.ts'
import { SCENARIO_LIMITS } from '../../functions/shared/scenario-content.ts'
import {
  ALIAS_BOMB,
  DEEP_NESTING,
  GUIDE_COMMANDS,
  GUIDE_SCENARIO,
  INVALID_SCENARIO,
  tinyScenario,
} from './fixtures/scenarios.ts'
import { errorOf, fetchWorker, ORIGIN, post } from './helpers.ts'

interface RunAnswer {
  engineVersion: string
  diagnostics: { severity: string; code: string; message: string; line: number; column: number }[]
  results: { command: string; exitCode: number; stdout: string; stderr: string; data?: unknown }[]
  diagram?: { svg: string; alt: string }
  answersHash: string
}

const run = (body: unknown, init?: Parameters<typeof post>[2]) => post('/api/run', body, init)

describe('POST /api/run', () => {
  it('runs the commands against the scenario', async () => {
    const res = await run({ scenario: GUIDE_SCENARIO, commands: GUIDE_COMMANDS })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    const answer = (await res.json()) as RunAnswer
    expect(answer.engineVersion).toBe(ENGINE_VERSION)
    expect(answer.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(answer.results.map((r) => [r.command, r.exitCode])).toEqual(GUIDE_COMMANDS.map((c) => [c, 0]))
    expect(answer.results[0].stdout).toMatch(/^NAME\s+READY\s+STATUS/)
    expect(answer.results[1].stdout).toMatch(/\bweb\s+ClusterIP\b/)
    expect(answer.answersHash).toMatch(/^[0-9a-f]{64}$/)
    expect(answer.diagram).toBeUndefined()
  })

  it('shares state between the commands of one request, and with no other request', async () => {
    const first = (await (await run({ scenario: GUIDE_SCENARIO, commands: ['ssh node-1 ip netns add red', 'ssh node-1 ip netns list'] })).json()) as RunAnswer
    expect(first.results.map((r) => [r.exitCode, r.stdout])).toEqual([[0, ''], [0, expect.stringMatching(/^red\n/)]])
    const second = (await (await run({ scenario: GUIDE_SCENARIO, commands: ['ssh node-1 ip netns list'] })).json()) as RunAnswer
    expect(second.results[0].stdout).not.toMatch(/^red$/m)
  })

  it('answers invalid manifests with 200 and placed diagnostics', async () => {
    const res = await run({ scenario: INVALID_SCENARIO, commands: ['kubectl get svc'] })
    expect(res.status).toBe(200)
    const { diagnostics, results } = (await res.json()) as RunAnswer
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        line: 7,
        column: 11,
        message: expect.stringContaining('must be between 1 and 65535'),
      }),
    )
    expect(results).toHaveLength(1)
  })

  it('runs the commands on everything but the refused object, and returns both (kubectl apply -f)', async () => {
    const scenario = 'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: [{port: 70000}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec: {containers: [{name: c, image: nginx}]}\n'
    const res = await run({ scenario, commands: ['kubectl get pods -o name', 'kubectl get svc -o name'] })
    expect(res.status).toBe(200)
    const { diagnostics, results } = (await res.json()) as RunAnswer
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([5])
    expect(results.map((r) => r.stdout)).toEqual(['pod/good\n', 'service/kubernetes\n'])
  })

  it('adds the topology diagram when asked', async () => {
    const res = await run({ scenario: GUIDE_SCENARIO, commands: [], diagram: 'topology' })
    expect(res.status).toBe(200)
    const { diagram, results } = (await res.json()) as RunAnswer
    expect(results).toEqual([])
    expect(diagram?.svg).toMatch(/^<svg[\s>]/)
    expect(diagram?.alt).toMatch(/node-1/)
  })

  it('gives the same answersHash with or without the diagram', async () => {
    const body = { scenario: tinyScenario('hash'), commands: ['kubectl get pods'] }
    const plain = (await (await run(body)).json()) as RunAnswer
    const drawn = (await (await run({ ...body, diagram: 'topology' })).json()) as RunAnswer
    expect(drawn.answersHash).toBe(plain.answersHash)
  })

  it('keeps answers apart per command', async () => {
    const res = await run({ scenario: tinyScenario('errors'), commands: ['nosuchprogram', 'kubectl get pods'] })
    const { results } = (await res.json()) as RunAnswer
    expect(results[0]).toMatchObject({ exitCode: 127, stderr: expect.stringContaining('not found') })
    expect(results[1].exitCode).toBe(0)
  })
})

describe('POST /api/run caching', () => {
  it('runs once, then answers identical requests from the cache', async () => {
    const body = { scenario: tinyScenario(`cache ${crypto.randomUUID()}`), commands: ['kubectl get pods'] }
    const first = await run(body)
    expect(first.headers.get('x-knet-cache')).toBe('miss')
    const second = await run(body)
    expect(second.headers.get('x-knet-cache')).toBe('hit')
    expect(second.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(await second.text()).toBe(await first.text())
  })

  it('keys on everything that changes the answer', async () => {
    const scenario = tinyScenario(`cache key ${crypto.randomUUID()}`)
    const base = await run({ scenario, commands: ['kubectl get pods'] })
    expect(base.headers.get('x-knet-cache')).toBe('miss')
    for (const body of [
      { scenario, commands: ['kubectl get pods -o wide'] },
      { scenario, commands: ['kubectl get pods'], diagram: 'topology' },
      { scenario: `${scenario}\n`, commands: ['kubectl get pods'] },
    ]) {
      expect((await run(body)).headers.get('x-knet-cache')).toBe('miss')
    }
  })

  it('ignores what does not change the answer: key order, page, example', async () => {
    const scenario = tinyScenario(`cache order ${crypto.randomUUID()}`)
    await run({ scenario, commands: [] })
    const res = await run(`{"commands": [], "page": "/x/", "example": "y", "scenario": ${JSON.stringify(scenario)}}`)
    expect(res.headers.get('x-knet-cache')).toBe('hit')
  })

  it('never caches errors', async () => {
    const body = { scenario: tinyScenario('x'), commands: 'kubectl get pods' }
    for (let i = 0; i < 2; i++) {
      const res = await run(body)
      expect(res.status).toBe(400)
      expect(res.headers.get('x-knet-cache')).toBeNull()
    }
  })
})

describe('POST /api/run refuses malformed requests with 400', () => {
  it.each([
    ['malformed JSON', '{"scenario": "kind: Pod", "commands": [', 'invalid_json', /not valid JSON/],
    ['an empty body', '', 'invalid_json', /body is empty/],
    ['a JSON array', '[]', 'invalid_request', /must be a JSON object .*not a list/],
    ['a missing scenario', { commands: [] }, 'invalid_request', /`scenario` is missing/],
    ['a missing commands', { scenario: '' }, 'invalid_request', /`commands` is missing/],
    ['a scenario that is not a string', { scenario: 42, commands: [] }, 'invalid_request', /`scenario` must be a string of YAML, not a number/],
    ['commands that are not a list', { scenario: '', commands: 'ls' }, 'invalid_request', /`commands` must be a list of strings, not a string/],
    ['a command that is not a string', { scenario: '', commands: ['ls', null] }, 'invalid_request', /`commands\[1\]` must be a string, not null/],
    ['an unknown diagram', { scenario: '', commands: [], diagram: 'network' }, 'invalid_request', /`diagram` must be "topology" or "none", not "network"/],
    ['an unknown field', { scenario: '', commands: [], comands: [] }, 'invalid_request', /Unknown field `comands`/],
    ['a page that is not a site path', { scenario: '', commands: [], page: 'javascript:alert(1)' }, 'invalid_request', /`page` must be a path on this site/],
  ])('%s', async (_, body, code, message) => {
    const res = await run(body)
    expect(res.status).toBe(400)
    const error = await errorOf(res)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    expect(error.message).not.toMatch(/\bat \S+:\d+|\.ts\b/)
  })

  it('asks for JSON when the body is something else (415)', async () => {
    const res = await run('scenario=x', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(415)
    expect(await errorOf(res)).toEqual({
      code: 'unsupported_media_type',
      message: 'Send the body as JSON, with Content-Type: application/json.',
    })
  })

  it('has no route for other methods', async () => {
    const res = await fetchWorker('/api/run', { method: 'GET' })
    expect(res.status).toBe(404)
    expect((await errorOf(res)).code).toBe('not_found')
  })
})

describe('POST /api/run limits', () => {
  it('refuses a body over the limit with 413, naming size and limit', async () => {
    const scenario = 'x'.repeat(300 * 1024)
    const res = await run({ scenario, commands: [] })
    expect(res.status).toBe(413)
    expect(await errorOf(res)).toEqual({
      code: 'payload_too_large',
      message: 'The request body is 300.1 KB; the limit is 256 KB.',
    })
  })

  it('refuses a streamed body over the limit without reading all of it', async () => {
    let sent = 0
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64) return controller.close()
        sent++
        controller.enqueue(chunk)
      },
    })
    const res = await fetchWorker('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    expect(res.status).toBe(413)
    expect((await errorOf(res)).message).toBe('The request body is larger than the limit of 256 KB.')
    expect(sent).toBeLessThan(64)
  })

  it('refuses too many commands (422)', async () => {
    const commands = Array(SCENARIO_LIMITS.maxCommands + 1).fill('kubectl get pods')
    const res = await run({ scenario: '', commands })
    expect(res.status).toBe(422)
    expect(await errorOf(res)).toEqual({
      code: 'limit_exceeded',
      message: `\`commands\` has ${SCENARIO_LIMITS.maxCommands + 1} command lines; the limit is ${SCENARIO_LIMITS.maxCommands}.`,
    })
  })

  it('refuses a command line over the limit (422)', async () => {
    const res = await run({ scenario: '', commands: ['ls', `echo ${'x'.repeat(SCENARIO_LIMITS.maxCommandChars)}`] })
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toBe('`commands[1]` is 1,005 characters long; the limit is 1,000.')
  })

  it('refuses a scenario text over the limit (422)', async () => {
    const scenario = `# ${'x'.repeat(SCENARIO_LIMITS.maxScenarioChars)}`
    const res = await run({ scenario, commands: [] })
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toMatch(/^`scenario` is 100,002 characters long; the limit is 100,000\.$/)
  })

  it('refuses, before building, a scenario with more Pods than runs here may have', async () => {
    const replicas = API_LIMITS.maxPods + 1
    expect(replicas).toBeLessThanOrEqual(LIMITS.maxReplicas)
    const scenario = GUIDE_SCENARIO.replace('replicas: 3', `replicas: ${replicas}`)
    const started = Date.now()
    const res = await run({ scenario, commands: ['kubectl get pods'] })
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(res.status).toBe(422)
    expect(await errorOf(res)).toEqual({
      code: 'limit_exceeded',
      message: `This scenario has ${replicas + 2} Pods; scenarios run here may have at most ${API_LIMITS.maxPods}. (Each replica and each DaemonSet Pod on each node counts.)`,
    })
  })

  it('counts DaemonSet Pods on every node', async () => {
    const nodes = Array.from({ length: 50 }, (_, i) => `  - {name: n${i}, ip: 192.168.1.${i + 1}}`).join('\n')
    const daemonSets = Array.from(
      { length: 11 },
      (_, i) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds${i}}
spec:
  selector: {matchLabels: {app: ds${i}}}
  template: {metadata: {labels: {app: ds${i}}}, spec: {containers: [{name: c, image: x}]}}`,
    )
    const scenario = [`apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  nodes:\n${nodes}`, ...daemonSets].join('\n---\n')
    const res = await run({ scenario, commands: [] })
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toMatch(/^This scenario has 550 Pods/)
  })

  it('refuses more Services than runs here may have', async () => {
    const services = Array.from(
      { length: API_LIMITS.maxServices + 1 },
      (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {ports: [{port: 80}]}`,
    )
    const res = await run({ scenario: services.join('\n---\n'), commands: [] })
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toBe(
      `This scenario has ${API_LIMITS.maxServices + 1} Services; scenarios run here may have at most ${API_LIMITS.maxServices}.`,
    )
  })

  it.each([
    ['an alias bomb', ALIAS_BOMB, /alias/],
    ['deep nesting', DEEP_NESTING, /nested too deeply/],
  ])('answers %s quickly, with the diagnostic', async (_, scenario, message) => {
    const started = Date.now()
    const res = await run({ scenario, commands: ['kubectl get pods'] })
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(res.status).toBe(200)
    const { diagnostics } = (await res.json()) as RunAnswer
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringMatching(message) }))
  })

  it('stops a run that outgrows its time budget, with a 422 naming the budget', async () => {
    const app = createApp().route('/api', runRoutes({ ...API_LIMITS, budgetMs: 1 }))
    const body = JSON.stringify({ scenario: `${GUIDE_SCENARIO}# budget ${crypto.randomUUID()}\n`, commands: GUIDE_COMMANDS })
    const res = await app.request('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, env)
    expect(res.status).toBe(422)
    const error = await errorOf(res)
    expect(error.code).toBe('over_budget')
    expect(error.message).toMatch(/^This run needs more than the 1 ms one request may take here: it was stopped after \d[\d,]* ms, while building the cluster\./)
  })

  it('stops a run whose answers outgrow the limit, with a 422 naming it', async () => {
    const app = createApp().route('/api', runRoutes({ ...API_LIMITS, maxAnswerChars: 2_000 }))
    // a scenario of its own, so that no cached answer stands in for the run
    const body = JSON.stringify({ scenario: `${GUIDE_SCENARIO}# answers ${crypto.randomUUID()}\n`, commands: GUIDE_COMMANDS })
    const res = await app.request('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, env)
    expect(res.status).toBe(422)
    const error = await errorOf(res)
    expect(error.code).toBe('limit_exceeded')
    expect(error.message).toMatch(
      /^The answers to this run come to more than the 2,000 characters one request may return here: \d[\d,]* by command [1-3] of 3\. Try fewer commands, or narrower ones \(one namespace, one Pod\)\.$/,
    )
  })

  it('leaves a guide-sized run far below the answer limit', async () => {
    const res = await run({ scenario: GUIDE_SCENARIO, commands: GUIDE_COMMANDS })
    expect(res.status).toBe(200)
    expect((await res.text()).length).toBeLessThan(API_LIMITS.maxAnswerChars / 100)
  })
})

describe('POST /api/run is same-origin only', () => {
  it('sends no CORS headers', async () => {
    const res = await run({ scenario: '', commands: [] }, { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it.each([
    [{ Origin: 'https://evil.example' }, /comes from https:\/\/evil\.example/],
    [{ Origin: 'null' }, /comes from null/],
    [{ 'Sec-Fetch-Site': 'cross-site' }, /comes from a cross-site page/],
    [{ 'Sec-Fetch-Site': 'same-site' }, /comes from a same-site page/],
  ])('refuses a cross-site POST (%o) with 403', async (headers, message) => {
    const res = await run({ scenario: '', commands: [] }, { headers })
    expect(res.status).toBe(403)
    const error = await errorOf(res)
    expect(error.code).toBe('cross_site')
    expect(error.message).toMatch(message)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it('takes same-origin browser requests', async () => {
    const headers = { Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' }
    expect((await run({ scenario: '', commands: [] }, { headers })).status).toBe(200)
  })

  it('has the security headers on answers and errors alike', async () => {
    for (const res of [await run({ scenario: '', commands: [] }), await run('{')]) {
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
    }
  })
})
