/**
 * The JavaScript a page of the built site (dist/, `npm run build` first) ships: gzip sizes of
 * the scripts dist/index.html loads before the reader does anything (its module scripts, what
 * they import statically, and its inline scripts), then of what an example loads later with
 * import(): the editor on Edit, the engine when the API cannot answer.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { BenchResult } from './measure.ts'

const dist = fileURLToPath(new URL('../../dist/', import.meta.url))
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["'](\.\/[^"']+\.js)["']/g
const DYNAMIC_IMPORT = /\bimport\(\s*[`"'](\.\/[^`"']+\.js)[`"']\s*\)/g
/** The budget for a chapter before the reader edits anything. */
const BEFORE_EDIT_TARGET_KB = 30

const gzipKB = (text: string | Buffer) => gzipSync(text, { level: 9 }).length / 1024
const round = (kb: number) => Math.round(kb * 10) / 10

/** `/_astro/x.js` and everything it imports statically, as dist-relative paths. */
function staticClosure(entries: string[]): Set<string> {
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    const code = readFileSync(join(dist, path), 'utf8')
    for (const [, spec] of code.matchAll(STATIC_IMPORT)) visit(join(path, '..', spec))
  }
  entries.forEach(visit)
  return seen
}

function dynamicImports(files: Iterable<string>): string[] {
  const found = new Set<string>()
  for (const path of files) {
    const code = readFileSync(join(dist, path), 'utf8')
    for (const [, spec] of code.matchAll(DYNAMIC_IMPORT)) found.add(join(path, '..', spec))
  }
  return [...found]
}

/** What `page` (a dist-relative .html) loads before anything happens, and what examples load later. */
export function measurePage(page: string) {
  const html = readFileSync(join(dist, page), 'utf8')
  const sources = [...html.matchAll(/<script\b[^>]*\bsrc="\/([^"]+\.js)"[^>]*>/g)].map(([, src]) => src)
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter(([, attributes]) => !/\ssrc=/.test(attributes) && !/type="application\/(?:ld\+)?json"/.test(attributes))
    .map(([, , body]) => body)
  const initial = staticClosure(sources)
  const before = [...initial].reduce((sum, f) => sum + gzipKB(readFileSync(join(dist, f))), 0) + inline.reduce((sum, s) => sum + gzipKB(s), 0)

  // The example's own lazy chunks: what its script imports with import(), and theirs in turn.
  const exampleEntries = [...initial].filter((f) => f.includes('knet-example') || f.includes('KnetExample'))
  const lazy: { chunk: string; kb: number }[] = []
  let frontier = dynamicImports(exampleEntries)
  const loaded = new Set(initial)
  while (frontier.length > 0) {
    const next: string[] = []
    for (const chunk of frontier) {
      const added = [...staticClosure([chunk])].filter((f) => !loaded.has(f))
      added.forEach((f) => loaded.add(f))
      if (added.length > 0) lazy.push({ chunk, kb: added.reduce((sum, f) => sum + gzipKB(readFileSync(join(dist, f))), 0) })
      next.push(...dynamicImports(added))
    }
    frontier = next
  }
  return { before, lazy, scripts: initial.size, inline: inline.length }
}

export function run(): BenchResult[] {
  if (!existsSync(join(dist, 'index.html'))) {
    console.log('  (no dist/index.html to measure: run `npm run build` first)')
    return []
  }
  const home = measurePage('index.html')
  const out: BenchResult[] = [
    {
      name: `home page JS before Edit (${home.scripts} files + ${home.inline} inline, gzip)`,
      value: round(home.before),
      unit: 'KB',
      target: BEFORE_EDIT_TARGET_KB,
    },
  ]
  let total = home.before
  for (const { chunk, kb } of home.lazy) {
    total += kb
    const what = chunk.includes('editor') ? 'the editor (on Edit)' : chunk.includes('engine') ? 'the engine (API unreachable)' : chunk
    out.push({ name: `  + ${what}, gzip`, value: round(kb), unit: 'KB' })
  }
  out.push({ name: 'home page JS after Edit and an in-browser run, gzip', value: round(total), unit: 'KB' })
  if (existsSync(join(dist, 'play/index.html'))) {
    const play = measurePage('play/index.html')
    out.push({ name: 'playground JS before its editor loads, gzip', value: round(play.before), unit: 'KB' })
  }
  return out
}
