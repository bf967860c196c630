import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { stringify, parse } from 'yaml'
import { parseSources } from '../../../engine/load/parse.ts'

/** The fast path (engine/load/simple-yaml.ts) and the positioned parser (eemeli/yaml) must read every document alike. */
describe('the two YAML parsers agree', () => {
  // `<<` is a merge key to the API server's YAML (go-yaml), which refuses a scalar after it, and an
  // ordinary key to eemeli/yaml's default schema: merge keys have their own test below
  const key = (maxLength: number) => fc.string({ minLength: 1, maxLength }).filter((k) => k !== '<<')
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('yes', 'no', 'on', '0755', '1e3', '2026-01-15T11:55:00Z', '~', 'null', '"quoted"', '- dash', '---', '#x', 'a: b'))
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key(6), tie('v'), { maxKeys: 3 })),
  })).v

  it('on any document the YAML library writes, in block or flow style', () => {
    fc.assert(
      fc.property(fc.dictionary(key(8), value, { maxKeys: 5 }), fc.boolean(), (obj, flow) => {
        const text = stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: obj }, flow ? { collectionStyle: 'flow' } : {})
        const fast = parseSources([{ name: 'x', text }]).objects[0]?.value
        expect(fast).toEqual(parse(text))
      }),
      { numRuns: 300 },
    )
  })

  it('merge keys and aliases read the same', () => {
    // a merge key with a scalar is go-yaml's error, whatever the scalar (the property above leaves `<<` out)
    const scalarMerge = parseSources([{ name: 'x', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x:\n    <<: ""\n' }])
    expect(scalarMerge.objects).toHaveLength(0)
    expect(scalarMerge.diagnostics[0].message).toBe('error converting YAML to JSON: Merge sources must be maps or map aliases')
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nbase: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n'
    const got = parseSources([{ name: 'x', text }]).objects[0].value
    expect(got.derived).toEqual({ x: 1, y: 3 })
  })

  it('timestamps stay strings, as the API server reads them', () => {
    const got = parseSources([{ name: 'x', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, creationTimestamp: 2026-01-15T11:55:00Z}\n' }]).objects[0].value
    expect((got.metadata as Record<string, unknown>).creationTimestamp).toBe('2026-01-15T11:55:00Z')
  })
})
