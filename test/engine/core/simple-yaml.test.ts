/**
 * engine/load/simple-yaml.ts against js-yaml (core schema plus merge keys, as the loader
 * uses it): on every YAML text of the guide and the test fixtures, and on mutations of
 * them, whatever the simple reader accepts js-yaml reads to the same value, keys in the
 * same order, without an error. What it does not accept is js-yaml's, as before.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as jsyaml from 'js-yaml'
import { parseDocument } from 'yaml'
import { describe, expect, it } from 'vitest'
import { NOT_SIMPLE, readSimpleYaml } from '../../../engine/load/simple-yaml.ts'
import { loadScenario } from '../../../engine/index.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const SCHEMA = jsyaml.CORE_SCHEMA.extend([(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge])

function files(dir: string, ext: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p, ext))
    else if (name.endsWith(ext)) out.push(p)
  }
  return out
}

/** Every YAML document of the guide (chapters' yaml blocks, scenarios, solutions) and the fixtures. */
function corpus(): string[] {
  const texts: string[] = []
  for (const f of files(join(root, 'content'), '.mdx')) {
    const src = readFileSync(f, 'utf8')
    for (const m of src.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)) texts.push(m[1])
  }
  for (const dir of ['content', 'test/fixtures']) for (const f of files(join(root, dir), '.yaml')) texts.push(readFileSync(f, 'utf8'))
  // documents as the loader splits them (engine/load/parse.ts splitDocuments): at --- and ... lines
  return texts.flatMap((t) => t.split(/^(?=(?:---|\.\.\.)(?:\s|$))/m))
}

/** js-yaml's value, or 'error' */
function reference(text: string): unknown {
  try {
    return jsyaml.load(text, { schema: SCHEMA, json: false })
  } catch {
    return 'error'
  }
}

function same(text: string): { accepted: boolean } {
  const fast = readSimpleYaml(text)
  if (fast === NOT_SIMPLE) return { accepted: false }
  const ref = reference(text)
  // an empty document: js-yaml reads null or undefined, which the loader skips alike
  if (fast === null && ref === undefined) return { accepted: true }
  expect(ref, `js-yaml refuses what the simple reader took:\n${text}`).not.toBe('error')
  expect(JSON.stringify(fast), text).toBe(JSON.stringify(ref))
  expect(fast, text).toStrictEqual(ref)
  return { accepted: true }
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('the simple YAML reader', () => {
  const docs = corpus()

  it('reads every document of the guide as js-yaml does, and most of them itself', () => {
    let accepted = 0
    for (const d of docs) if (same(d).accepted) accepted++
    expect(docs.length).toBeGreaterThan(500)
    // the point of it: the common documents do not need js-yaml
    expect(accepted / docs.length).toBeGreaterThan(0.9)
  })

  it('reads the rest of the guide through eemeli/yaml, the loader\'s other reader, as js-yaml (which stood there before) did', () => {
    let other = 0
    for (const d of docs) {
      if (readSimpleYaml(d) !== NOT_SIMPLE) continue
      const ref = reference(d)
      if (ref === 'error') continue
      const doc = parseDocument(d, { uniqueKeys: true, prettyErrors: false, merge: true })
      if (doc.errors.length) continue
      other++
      const want = JSON.stringify(ref)
      // a mapping as a key (a Go template's {{ … }} read as YAML): js-yaml names it "[object Object]", eemeli/yaml
      // by its text; neither is a Kubernetes object
      if (want.includes('"[object Object]"')) continue
      expect(JSON.stringify(doc.toJS({ maxAliasCount: 1000 })), d).toBe(want)
    }
    expect(other).toBeGreaterThan(10)
  })

  it('agrees with js-yaml on mutated documents (what it accepts, js-yaml reads alike)', () => {
    const next = rng(20)
    const pieces = [' ', '  ', ':', ': ', '-', '- ', '#', ' #', '"', "'", "''", '[', ']', ',', '{', '}', '{}', '\n', '\n  ', 'a', '0', '1', '.', '~', '|', '>', '&a', '*a', '!', '?', '%', '@', '\\', '\t', '|-', ': |', ': |-\n', '{a: b}', '[', 'x:1', ':,', 'null', 'true', 'x: y', '<<', '__proto__', '-1', '+1', '1e3', '0x1']
    let accepted = 0
    const simple = docs.filter((d) => readSimpleYaml(d) !== NOT_SIMPLE)
    for (let n = 0; n < 6000; n++) {
      let text = simple[Math.floor(next() * simple.length)]
      const edits = 1 + Math.floor(next() * 3)
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (text.length + 1))
        const op = next()
        if (op < 0.45) text = text.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + text.slice(at)
        else if (op < 0.75) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3))
        else {
          // a whole line moved, repeated or re-indented
          const lines = text.split('\n')
          const i = Math.floor(next() * lines.length)
          const r = next()
          if (r < 0.3) lines.splice(Math.floor(next() * lines.length), 0, lines[i])
          else if (r < 0.6) lines[i] = ' '.repeat(1 + Math.floor(next() * 3)) + lines[i]
          else lines[i] = lines[i].replace(/^ {1,2}/, '')
          text = lines.join('\n')
        }
      }
      if (same(text).accepted) accepted++
    }
    // enough of the mutations stay simple for the comparison to mean something
    expect(accepted).toBeGreaterThan(1500)
  })

  it('leaves to js-yaml what it does not read itself', () => {
    for (const text of [
      'data:\n  Corefile: >\n    .:53 {\n    }\n',
      'a: |+\n  x\n',
      'a: |2\n  x\n',
      'a: |\n\n  x\n',
      'a: |\n    x\n  y\n',
      '- |\n  x\n',
      'a: {b: x:}\n',
      'a: [x: y]\n',
      'a: [x, ]\n',
      'a: &x 1\nb: 2\n',
      'a: !!str 1\n',
      'a: 1.5\n',
      'a: 0x10\n',
      'a: "x\\ty"\n',
      'a: b\n  c\n',
      'a: 1\na: 2\n',
      'a:\n\t- 1\n',
      '<<: {a: 1}\n',
      'a: [1,\n  2]\n',
      '- - 1\n',
      '"__proto__": 1\n',
      'a: 1.27\n',
      'a: .inf\n',
      'a: -.5\n',
      'a: 0o17\n',
      'a: +1\n',
      '8080: x\n',
    ]) expect(readSimpleYaml(text), text).toBe(NOT_SIMPLE)
    // strings that start like numbers
    expect(readSimpleYaml('a: 10.0.0.1\nb: 100m\nc: 50Mi\nd: 0.0.0.0/0\ne: -conf\nf: 1.2.3\n')).toStrictEqual({ a: '10.0.0.1', b: '100m', c: '50Mi', d: '0.0.0.0/0', e: '-conf', f: '1.2.3' })
  })

  it('reads what scenarios hold', () => {
    expect(readSimpleYaml('a: {b: 1, c: [x, "y", {d: e}]}\nz: [] # c\n')).toStrictEqual({ a: { b: 1, c: ['x', 'y', { d: 'e' }] }, z: [] })
    expect(readSimpleYaml('data:\n  Corefile: |\n    .:53 {\n        errors\n    # kept\n\n    }\n\n  other: |-\n    x\n  empty: |\nnext: 1\n')).toStrictEqual({
      data: { Corefile: '.:53 {\n    errors\n# kept\n\n}\n', other: 'x', empty: '' },
      next: 1,
    })
    expect(readSimpleYaml('---\napiVersion: v1\nkind: Pod # a Pod\nmetadata:\n  name: "a"\n  labels: {}\nspec:\n  containers:\n  - name: c\n    args: ["-conf", \'it\'\'s\', 1, true, ~]\n    ports:\n      - containerPort: 80\n        hostPort:\n'))
      .toStrictEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: {} }, spec: { containers: [{ name: 'c', args: ['-conf', "it's", 1, true, null], ports: [{ containerPort: 80, hostPort: null }] }] } })
  })

  it('gives the loader the same objects and diagnostics either way', () => {
    // a scenario whose documents take both readers, and one with a YAML error after a simple document
    const mixed = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |\n    y\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n'
    const r = loadScenario(mixed)
    expect(r.diagnostics).toEqual([])
    expect(r.cluster.pods.some((p) => p.meta.name === 'p')).toBe(true)
    const bad = loadScenario('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n')
    expect(bad.diagnostics.map((d) => [d.code, d.line])).toEqual([['yaml-syntax', 5]])
  })
})
