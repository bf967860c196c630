/**
 * Lighthouse on every chapter of the built site (dist/, `npm run build` first) and the home
 * page: their performance and accessibility scores with Lighthouse's default mobile settings (a mid-range
 * phone, simulated slow 4G and a 4× slower CPU). A tiny static server in this process serves
 * dist/ on a free 127.0.0.1 port, gzipped as Cloudflare serves it; Debian's chromium
 * (CHROME_PATH, or /usr/bin/chromium) runs headless with a fresh profile and no network of
 * its own. Scores are 0-100, higher is better: `npm run bench lighthouse`. Each page is
 * measured once (LIGHTHOUSE_RUNS=N for the median of N runs; fourteen pages take a while);
 * accessibility is the lowest of the runs.
 *
 * `LIGHTHOUSE_PAGE=/start-here/` measures that page alone, three times unless LIGHTHOUSE_RUNS
 * says otherwise; `LIGHTHOUSE_REPORT=file.json` keeps that page's median run's whole report (to
 * read which audits failed).
 */
import { createReadStream, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGzip } from 'node:zlib'
import type { BenchResult } from './measure.ts'

const dist = fileURLToPath(new URL('../../dist/', import.meta.url))
const content = fileURLToPath(new URL('../../content/', import.meta.url))
/** The home page and every chapter (content/<slug>.mdx), or the one page asked for. */
const PAGES = process.env.LIGHTHOUSE_PAGE
  ? [process.env.LIGHTHOUSE_PAGE]
  : [
      '/',
      ...readdirSync(content)
        .filter((file) => file.endsWith('.mdx') && file !== 'index.mdx' && !file.startsWith('_'))
        .sort()
        .map((file) => `/${file.slice(0, -'.mdx'.length)}/`),
    ]
/** Performance moves from run to run on a shared machine: the median of a few is reported. */
const DEFAULT_RUNS = PAGES.length === 1 ? 3 : 1
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? DEFAULT_RUNS) || DEFAULT_RUNS)
/** The issue's targets. */
const TARGETS = { performance: 95, accessibility: 100 }
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}
const COMPRESSIBLE = /^(?:text\/|application\/json|image\/svg)/

/** dist/ as a static site: /x/ → x/index.html, unknown paths → 404.html; text gzipped. */
export function serveDist(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    let file = normalize(join(dist, path))
    if (!file.startsWith(dist)) file = dist
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    let status = 200
    if (!existsSync(file)) {
      status = 404
      file = join(dist, '404.html')
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    const gzip = COMPRESSIBLE.test(type) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
    response.writeHead(status, {
      'content-type': type,
      // hashed assets are immutable; pages are revalidated, as the Worker serves them
      'cache-control': path.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
    })
    const stream = createReadStream(file)
    ;(gzip ? stream.pipe(createGzip()) : stream).pipe(response)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

type Result = NonNullable<Awaited<ReturnType<(typeof import('lighthouse'))['default']>>>['lhr']

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(join(dist, 'index.html'))) {
    console.log('  (no dist/index.html to measure: run `npm run build` first)')
    return []
  }
  const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium'
  if (!existsSync(chromePath)) {
    console.log(`  (no chromium at ${chromePath}: apt-get install chromium, or set CHROME_PATH)`)
    return []
  }
  const { default: lighthouse } = await import('lighthouse')
  const { launch } = await import('chrome-launcher')
  const server = await serveDist()
  const results: BenchResult[] = []
  try {
    for (const page of PAGES) results.push(...(await measure(lighthouse, launch, chromePath, server, page)))
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
  return results
}

async function measure(
  lighthouse: (typeof import('lighthouse'))['default'],
  launch: (typeof import('chrome-launcher'))['launch'],
  chromePath: string,
  server: Server,
  page: string,
): Promise<BenchResult[]> {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${page}`
  const reports: Result[] = []
  for (let i = 0; i < RUNS; i++) {
    // a fresh browser and profile for each run: nothing cached from the one before
    const chrome = await launch({ chromePath, chromeFlags: CHROME_FLAGS, logLevel: 'silent' })
    try {
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] })
      if (!result) throw new Error(`Lighthouse gave no result for ${url}`)
      if (result.lhr.runtimeError) throw new Error(`Lighthouse: ${result.lhr.runtimeError.code}: ${result.lhr.runtimeError.message}`)
      reports.push(result.lhr)
    } finally {
      await chrome.kill()
    }
  }

  const score = (lhr: Result, id: keyof typeof TARGETS) => Math.round((lhr.categories[id]?.score ?? 0) * 100)
  const metric = (lhr: Result, id: string) => Math.round(lhr.audits[id]?.numericValue ?? 0)
  for (const lhr of reports) {
    console.log(
      `  ${page}: performance ${score(lhr, 'performance')}, accessibility ${score(lhr, 'accessibility')}: ` +
        `FCP ${metric(lhr, 'first-contentful-paint')} ms, LCP ${metric(lhr, 'largest-contentful-paint')} ms, ` +
        `TBT ${metric(lhr, 'total-blocking-time')} ms, CLS ${(lhr.audits['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3)}`,
    )
  }
  // The run with the median performance score stands for all of them.
  const median = [...reports].sort((a, b) => score(a, 'performance') - score(b, 'performance'))[Math.floor(reports.length / 2)]
  if (process.env.LIGHTHOUSE_REPORT && PAGES.length === 1) writeFileSync(process.env.LIGHTHOUSE_REPORT, JSON.stringify(median, null, 2))
  // What kept a score down, so a missed target says where to look.
  for (const id of Object.keys(TARGETS) as (keyof typeof TARGETS)[]) {
    const failing = (median.categories[id]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0)
      .map((ref) => median.audits[ref.id])
      .filter((audit) => audit && audit.score !== null && audit.score < 0.9)
    for (const audit of failing) console.log(`  ${id}: ${audit.id} (${audit.displayValue ?? `score ${audit.score}`}): ${audit.title}`)
  }
  const runs = reports.length > 1 ? `, median of ${reports.length} runs` : ''
  return [
    { name: `Lighthouse performance, ${page} (mobile${runs})`, value: score(median, 'performance'), unit: 'score', target: TARGETS.performance },
    { name: `Lighthouse accessibility, ${page} (mobile${runs})`, value: Math.min(...reports.map((r) => score(r, 'accessibility'))), unit: 'score', target: TARGETS.accessibility },
  ]
}
