/**
 * -o custom-columns against kubectl's own tables (kubernetes/kubernetes
 * staging/src/k8s.io/kubectl/pkg/cmd/get/customcolumn_test.go: TestMassageJSONPath,
 * TestNewColumnPrinterFromSpec, TestColumnPrint, TestSliceColumnPrint), objects given
 * as the JSON kubectl queries.
 */
import { describe, expect, it } from 'vitest'
import { parseCustomColumns, printCustomColumns, relaxedJsonPath } from '../../../engine/kubectl/custom-columns.ts'
import type { JsonObject } from '../../../engine/model/types.ts'

describe('customcolumn_test.go TestMassageJSONPath', () => {
  it.each([
    ['foo.bar', '{.foo.bar}'],
    ['{foo.bar}', '{.foo.bar}'],
    ['.foo.bar', '{.foo.bar}'],
    ['{.foo.bar}', '{.foo.bar}'],
    ['', ''],
  ])('%s', (input, want) => expect(relaxedJsonPath(input)).toEqual({ ok: true, path: want }))
  it.each(['{foo.bar', 'foo.bar}', '{foo.bar}}', '{{foo.bar}'])('%s is refused', (input) => {
    expect(relaxedJsonPath(input)).toEqual({ ok: false, error: "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'" })
  })
})

describe('customcolumn_test.go TestNewColumnPrinterFromSpec', () => {
  it.each([
    ['', 'custom-columns format specified but no custom columns given'],
    ['invalid', 'unexpected custom-columns spec: invalid, expected <header>:<json-path-expr>'],
    ['invalid=foobar', 'unexpected custom-columns spec: invalid=foobar, expected <header>:<json-path-expr>'],
    ['invalid,foobar:blah', 'unexpected custom-columns spec: invalid, expected <header>:<json-path-expr>'],
  ])('%j is an error', (spec, err) => expect(parseCustomColumns(spec)).toEqual({ ok: false, error: err }))
  it('NAME:metadata.name,API_VERSION:apiVersion', () => {
    expect(parseCustomColumns('NAME:metadata.name,API_VERSION:apiVersion')).toEqual({ ok: true, columns: [{ header: 'NAME', fieldSpec: '{.metadata.name}' }, { header: 'API_VERSION', fieldSpec: '{.apiVersion}' }] })
  })
  it('no-headers leaves the header out', () => {
    const c = parseCustomColumns('API_VERSION:apiVersion')
    if (!c.ok) throw new Error(c.error)
    expect(printCustomColumns(c.columns, [{ apiVersion: 'v1' }], true).text).not.toContain('API_VERSION')
  })
})

function print(spec: string, items: JsonObject[]) {
  const c = parseCustomColumns(spec)
  if (!c.ok) throw new Error(c.error)
  return printCustomColumns(c.columns, items, false)
}

describe('customcolumn_test.go TestColumnPrint', () => {
  it('one object', () => expect(print('NAME:.metadata.name', [{ metadata: { name: 'foo' } }]).text).toBe('NAME\nfoo\n'))
  it('a list', () => expect(print('NAME:.metadata.name', [{ metadata: { name: 'foo' } }, { metadata: { name: 'bar' } }]).text).toBe('NAME\nfoo\nbar\n'))
  it('two columns', () => expect(print('NAME:.metadata.name,API_VERSION:.apiVersion', [{ apiVersion: 'baz', metadata: { name: 'foo' } }]).text).toBe('NAME   API_VERSION\nfoo    baz\n'))
  it('a missing field is <none>', () => {
    expect(print('NAME:.metadata.name,API_VERSION:.apiVersion,NOT_FOUND:.notFound', [{ apiVersion: 'baz', metadata: { name: 'foo' } }]).text).toBe('NAME   API_VERSION   NOT_FOUND\nfoo    baz           <none>\n')
  })
  it('TestIndividualPrintObjOnExistingTabWriter: a header wider than its values', () => {
    const items = [{ metadata: { name: 'foo', labels: { label1: 'foo', label2: 'foo' } } }, { metadata: { name: 'bar', labels: { label1: 'bar', label2: 'bar' } } }]
    expect(print('NAME:{.metadata.name},LONG COLUMN NAME:{.metadata.labels.label1},LABEL 2:{.metadata.labels.label2}', items).text).toBe('NAME   LONG COLUMN NAME   LABEL 2\nfoo    foo                foo\nbar    bar                bar\n')
  })
})

describe('customcolumn_test.go TestSliceColumnPrint', () => {
  const pod = { metadata: { name: 'fake-name', namespace: 'fake-namespace' }, spec: { containers: [{ name: 'fake0' }, { name: 'fake1' }, { name: 'fake2' }, { name: 'fake3' }] } }
  it.each([
    ['CONTAINER:.spec.containers[0].name', 'fake0'],
    ['CONTAINER:.spec.containers[3].name', 'fake3'],
    ['CONTAINER:.spec.containers[-1].name', 'fake3'],
    ['CONTAINER:.spec.containers[-2].name', 'fake2'],
    ['CONTAINER:.spec.containers[-4].name', 'fake0'],
    ['CONTAINER:.spec.containers[0:0].name', '<none>'],
    ['CONTAINER:.spec.containers[0:3].name', 'fake0,fake1,fake2'],
    ['CONTAINER:.spec.containers[1:].name', 'fake1,fake2,fake3'],
    ['CONTAINER:.spec.containers[0:-1].name', 'fake0,fake1,fake2'],
    ['CONTAINER:.spec.containers[-1:].name', 'fake3'],
    ['CONTAINER:.spec.containers[-4:].name', 'fake0,fake1,fake2,fake3'],
    ['CONTAINER:.spec.containers[-3:-1].name', 'fake1,fake2'],
    ['CONTAINER:.spec.containers[4:4].name', '<none>'],
    ['CONTAINER:.spec.containers[-5:-5].name', '<none>'],
  ])('%s', (spec, want) => expect(print(spec, [pod])).toEqual({ text: `CONTAINER\n${want}\n` }))
  it.each([
    ['CONTAINER:.spec.containers[5].name', 'array index out of bounds: index 5, length 4'],
    ['CONTAINER:.spec.containers[-5].name', 'array index out of bounds: index -1, length 4'],
    ['CONTAINER:.spec.containers[3:1].name', 'starting index 3 is greater than ending index 1'],
    ['CONTAINER:.spec.containers[-2:-3].name', 'starting index 2 is greater than ending index 1'],
  ])('%s is an error', (spec, err) => expect(print(spec, [pod]).error).toBe(err))
})

describe('values print as Go\'s fmt.Sprint', () => {
  it('a map as map[k:v], in key order', () => {
    expect(print('LABELS:.metadata.labels', [{ metadata: { labels: { tier: 'web', app: 'shop' } } }]).text).toBe('LABELS\nmap[app:shop tier:web]\n')
  })
})
