/**
 * kubectl's JSONPath dialect against the tables of its own tests, transcribed as fixtures:
 * kubernetes/kubernetes staging/src/k8s.io/client-go/util/jsonpath/parser_test.go (TestFailParser)
 * and jsonpath_test.go (TestTypesInput, TestStructInput, TestJSONInput, TestKubernetes,
 * TestEmptyRange, TestNestedRanges, TestFilterPartialMatchesSometimesMissingAnnotations,
 * TestNegativeIndex, TestStep). Their Go struct inputs are given here as the JSON maps kubectl
 * really queries (unstructured objects), so a struct's fields print in key order, and
 * "map[string]int" reads "map[string]interface {}". kubectl always allows missing keys
 * (--allow-missing-template-keys defaults to true), so the tests that turn that off are left out.
 */
import { describe, expect, it } from 'vitest'
import { executeJsonPath, goFloat, goPlain, goSharpV, JsonPathError, parseJsonPath } from '../../../engine/kubectl/jsonpath.ts'
import type { Json } from '../../../engine/model/types.ts'

function run(template: string, input: unknown): string {
  const r = executeJsonPath(parseJsonPath(template), input as Json)
  if (!r.ok) throw new Error(r.error)
  return r.text
}
function evalError(template: string, input: unknown): string {
  const r = executeJsonPath(parseJsonPath(template), input as Json)
  return r.ok ? 'nil' : r.error
}
function parseError(template: string): string {
  try {
    parseJsonPath(template)
    return 'nil'
  } catch (e) {
    if (e instanceof JsonPathError) return e.message
    throw e
  }
}

describe('parser_test.go TestFailParser', () => {
  it.each([
    ['unclosed action', '{.hello', 'unclosed action'],
    ['unrecognized character', '{*}', "unrecognized character in action: U+002A '*'"],
    ['invalid number', '{+12.3.0}', 'cannot parse number +12.3.0'],
    ['unterminated array', '{[1}', 'unterminated array'],
    ['unterminated filter', '{[?(.price]}', 'unterminated filter'],
    ['invalid multiple recursive descent', '{........}', 'invalid multiple recursive descent'],
  ])('%s', (_name, text, err) => {
    expect(parseError(text)).toBe(err)
  })
  it('malformat input {\\\\\\} does not parse', () => {
    expect(parseError('{\\\\\\}')).not.toBe('nil')
  })
  it('parses the quoting cases of parserTests', () => {
    for (const t of ['{[?(@.status.nodeInfo.osImage == "()")]}', '{[?(@.status.nodeInfo.osImage == "(\\"\\")")]}', '{[?(@.test == "())(")]}', "{[?(@.status.nodeInfo.osImage == 'Linux')]}", '{[?(@.status.nodeInfo.osImage == "{[()]}")]}', `{[?(@.status.nodeInfo.osImage == "''")]}`, `{[?(@.status.nodeInfo.osImage == '""')]}`, "{[?(@.status.nodeInfo.osImage == '\\\\\\'')]}"]) {
      expect(parseError(t)).toBe('nil')
    }
  })
  it('filters on quoted text match it literally', () => {
    const data = [{ status: { nodeInfo: { osImage: '()' } } }, { status: { nodeInfo: { osImage: '{[()]}' } } }, { status: { nodeInfo: { osImage: 'Linux' } } }]
    expect(run('{[?(@.status.nodeInfo.osImage == "()")].status.nodeInfo.osImage}', data)).toBe('()')
    expect(run('{[?(@.status.nodeInfo.osImage == "{[()]}")].status.nodeInfo.osImage}', data)).toBe('{[()]}')
    expect(run("{[?(@.status.nodeInfo.osImage == 'Linux')].status.nodeInfo.osImage}", data)).toBe('Linux')
  })
})

describe('jsonpath_test.go TestTypesInput', () => {
  const types = {
    bools: [true, false, true, false],
    integers: [1, 2, 3, 4],
    floats: [1.0, 2.2, 3.3, 4.0],
    strings: ['one', 'two', 'three', 'four'],
    interfaces: [true, 'one', 1, 1.1],
    maps: [{ name: 'one', value: 1 }, { name: 'two', value: 2.02 }, { name: 'three', value: 3.03 }, { name: 'four', value: 4.04 }],
    structs: [{ name: 'one', value: 1, type: 'integer' }, { name: 'two', value: 2.002, type: 'float' }, { name: 'three', value: 3, type: 'integer' }, { name: 'four', value: 4.004, type: 'float' }],
  }
  it.each([
    ['{ .bools }', '[true,false,true,false]'],
    ['{ .bools[0] }', 'true'],
    ['{ .bools[-1] }', 'false'],
    ['{ .bools[0:2] }', 'true false'],
    ['{ .bools[:2] }', 'true false'],
    ['{ .bools[:4:2] }', 'true true'],
    ['{ .integers }', '[1,2,3,4]'],
    ['{ .integers[0] }', '1'],
    ['{ .integers[-2] }', '3'],
    ['{ .integers[0:2] }', '1 2'],
    ['{ .integers[:2] }', '1 2'],
    ['{ .integers[:4:2] }', '1 3'],
    ['{ .floats }', '[1,2.2,3.3,4]'],
    ['{ .floats[0] }', '1'],
    ['{ .floats[-2] }', '3.3'],
    ['{ .floats[0:2] }', '1 2.2'],
    ['{ .floats[:2] }', '1 2.2'],
    ['{ .floats[:4:2] }', '1 3.3'],
    ['{ .strings }', '["one","two","three","four"]'],
    ['{ .strings[0] }', 'one'],
    ['{ .strings[-2] }', 'three'],
    ['{ .strings[0:2] }', 'one two'],
    ['{ .strings[:2] }', 'one two'],
    ['{ .strings[:4:2] }', 'one three'],
    ['{ .interfaces }', '[true,"one",1,1.1]'],
    ['{ .interfaces[0] }', 'true'],
    ['{ .interfaces[-2] }', '1'],
    ['{ .interfaces[0:2] }', 'true one'],
    ['{ .interfaces[:2] }', 'true one'],
    ['{ .interfaces[:4:2] }', 'true 1'],
    ['{ .maps }', '[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},{"name":"four","value":4.04}]'],
    ['{ .maps[0] }', '{"name":"one","value":1}'],
    ['{ .maps[-2] }', '{"name":"three","value":3.03}'],
    ['{ .maps[0:2] }', '{"name":"one","value":1} {"name":"two","value":2.02}'],
    ['{ .maps[:2] }', '{"name":"one","value":1} {"name":"two","value":2.02}'],
    ['{ .maps[::2] }', '{"name":"one","value":1} {"name":"three","value":3.03}'],
    ['{ .maps[1::2] }', '{"name":"two","value":2.02} {"name":"four","value":4.04}'],
    // structs as unstructured maps: keys in sorted order
    ['{ .structs[0] }', '{"name":"one","type":"integer","value":1}'],
    ['{ .structs[1::2] }', '{"name":"two","type":"float","value":2.002} {"name":"four","type":"float","value":4.004}'],
  ])('%s', (template, want) => {
    expect(run(template, types)).toBe(want)
  })
})

describe('jsonpath_test.go TestStructInput, on the store as JSON', () => {
  const store = {
    Name: 'jsonpath',
    Book: [
      { Category: 'reference', Author: 'Nigel Rees', Title: 'Sayings of the Centurey', Price: 8.95 },
      { Category: 'fiction', Author: 'Evelyn Waugh', Title: 'Sword of Honour', Price: 12.99 },
      { Category: 'fiction', Author: 'Herman Melville', Title: 'Moby Dick', Price: 8.99 },
    ],
    Bicycle: [{ Color: 'red', Price: 19.95, IsNew: true }, { Color: 'green', Price: 20.01, IsNew: false }],
    Labels: { engieer: 10, 'web/html': 15, 'k8s-app': 20 },
    Employees: { jason: 'manager', dan: 'clerk' },
  }
  it.each([
    ['plain', 'hello jsonpath', null, 'hello jsonpath'],
    ['recursive', '{..}', [1, 2, 3], '[1,2,3]'],
    ['filter', '{[?(@<5)]}', [2, 6, 3, 7], '2 3'],
    ['quote', '{"{"}', null, '{'],
    ['union', '{[1,3,4]}', [0, 1, 2, 3, 4], '1 3 4'],
    ['array', '{[0:2]}', ['Monday', 'Tudesday'], 'Monday Tudesday'],
    ['variable', 'hello {.Name}', store, 'hello jsonpath'],
    ['dict/', '{$.Labels.web/html}', store, '15'],
    ['dict/', '{$.Employees.jason}', store, 'manager'],
    ['dict/', '{$.Employees.dan}', store, 'clerk'],
    ['dict-', '{.Labels.k8s-app}', store, '20'],
    ['nest', '{.Bicycle[*].Color}', store, 'red green'],
    ['allarray', '{.Book[*].Author}', store, 'Nigel Rees Evelyn Waugh Herman Melville'],
    // a struct's fields in key order (Color, IsNew, Price), as a map's
    ['allfields', '{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}', store, '{red true 19.95} {green false 20.01} '],
    // the struct visits Book before Bicycle; a map (and the simulator) in key order, Bicycle first
    ['recurfields', '{..Price}', store, '19.95 20.01 8.95 12.99 8.99'],
    ['recurdotfields', '{...Price}', store, '19.95 20.01 8.95 12.99 8.99'],
    ['allstructsSlice', '{.Bicycle}', store, '[{"Color":"red","IsNew":true,"Price":19.95},{"Color":"green","IsNew":false,"Price":20.01}]'],
    ['allstructs', '{range .Bicycle[*]}{ @ }{ " " }{end}', store, '{"Color":"red","IsNew":true,"Price":19.95} {"Color":"green","IsNew":false,"Price":20.01} '],
    ['lastarray', '{.Book[-1:]}', store, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'],
    ['recurarray', '{..Book[2]}', store, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'],
    ['bool', '{.Bicycle[?(@.IsNew==true)]}', store, '{"Color":"red","IsNew":true,"Price":19.95}'],
    ['nonexistent field (missing keys allowed)', '{.hello}', store, ''],
  ])('%s: %s', (_name, template, input, want) => {
    expect(run(template, input)).toBe(want)
  })
  it('superrecurfields does not parse', () => {
    expect(parseError('{............................................................Price}')).toBe('invalid multiple recursive descent')
  })
  it.each([
    ['invalid identifier', '{hello}', 'unrecognized identifier hello'],
    ['invalid array', '{.Labels[0]}', 'map[string]interface {} is not array or slice'],
    ['invalid filter operator', '{.Book[?(@.Price<>10)]}', 'unrecognized filter operator <>'],
    ['redundant end', '{range .Labels.*}{@}{end}{end}', 'not in range, nothing to end'],
  ])('fails: %s', (_name, template, err) => {
    expect(evalError(template, store)).toBe(err)
  })
})

describe('jsonpath_test.go TestJSONInput', () => {
  const points = [
    { id: 'i1', x: 4, y: -5 },
    { id: 'i2', x: -2, y: -5, z: 1 },
    { id: 'i3', x: 8, y: 3 },
    { id: 'i4', x: -6, y: -1 },
    { id: 'i5', x: 0, y: 2, z: 1 },
    { id: 'i6', x: 1, y: 4 },
  ]
  it('exists filter', () => expect(run('{[?(@.z)].id}', points)).toBe('i2 i5'))
  it('bracket key', () => expect(run("{[0]['id']}", points)).toBe('i1'))
})

const nodes = {
  kind: 'List',
  items: [
    { kind: 'None', metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } }, status: { capacity: { cpu: '4' }, ready: true, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] } },
    { kind: 'None', metadata: { name: '127.0.0.2', labels: { 'kubernetes.io/hostname': '127.0.0.2' } }, status: { capacity: { cpu: '8' }, ready: false, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.2' }, { type: 'another', address: '127.0.0.3' }] } },
  ],
  users: [{ name: 'myself', user: {} }, { name: 'e2e', user: { username: 'admin', password: 'secret' } }],
}

describe('jsonpath_test.go TestKubernetes', () => {
  it.each([
    ['range item', '{range .items[*]}{.metadata.name}, {end}{.kind}', '127.0.0.1, 127.0.0.2, List'],
    ['range item with quote', '{range .items[*]}{.metadata.name}{"\\t"}{end}', '127.0.0.1\t127.0.0.2\t'],
    ['range addresss', '{.items[*].status.addresses[*].address}', '127.0.0.1 127.0.0.2 127.0.0.3'],
    ['double range', '{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}', '127.0.0.1, 127.0.0.2, 127.0.0.3, '],
    ['item name', '{.items[*].metadata.name}', '127.0.0.1 127.0.0.2'],
    ['union nodes capacity', "{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'],
    ['range nodes capacity', '{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}', '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '],
    ['user password', '{.users[?(@.name=="e2e")].user.password}', 'secret'],
    ['hostname', '{.items[0].metadata.labels.kubernetes\\.io/hostname}', '127.0.0.1'],
    ['hostname filter', '{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', 'None'],
    ['bool item', '{.items[?(@..ready==true)].metadata.name}', '127.0.0.1'],
  ])('%s', (_name, template, want) => {
    expect(run(template, nodes)).toBe(want)
  })
  it('recursive name (Go prints maps in random order; compared sorted, as the upstream test does)', () => {
    expect(run('{..name}', nodes).split(' ').sort()).toEqual(['127.0.0.1', '127.0.0.2', 'e2e', 'myself'])
  })
})

describe('jsonpath_test.go TestEmptyRange and TestNestedRanges', () => {
  it.each([
    ['{range .items[*]}{.metadata.name}{end}', ''],
    ['{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', ''],
  ])('empty: %s', (template, want) => expect(run(template, { items: [] })).toBe(want))

  const pods = {
    items: [
      { metadata: { name: 'pod1' }, spec: { containers: [{ name: 'foo', another: [{ name: 'value1' }, { name: 'value2' }] }, { name: 'bar', another: [{ name: 'value1' }, { name: 'value2' }] }] } },
      { metadata: { name: 'pod2' }, spec: { containers: [{ name: 'baz', another: [{ name: 'value1' }, { name: 'value2' }] }] } },
    ],
  }
  it.each([
    ['{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', 'pod1:foo,bar,+pod2:baz,+'],
    ['{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}', 'pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}', 'pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n'],
  ])('nested: %s', (template, want) => expect(run(template, pods)).toBe(want))
})

describe('jsonpath_test.go TestFilterPartialMatchesSometimesMissingAnnotations (missing keys allowed)', () => {
  const data = {
    kind: 'List',
    items: [
      { kind: 'Pod', metadata: { name: 'pod1', annotations: { color: 'blue' } } },
      { kind: 'Pod', metadata: { name: 'pod2' } },
      { kind: 'Pod', metadata: { name: 'pod3', annotations: { color: 'green' } } },
      { kind: 'Pod', metadata: { name: 'pod4', annotations: { color: 'blue' } } },
    ],
  }
  it('matches the subset that has the key', () => {
    expect(run('{.items[?(@.metadata.annotations.color=="blue")].metadata.name}', data)).toBe('pod1 pod4')
  })
})

const containers = (n: number) => ({ apiVersion: 'v1', kind: 'Pod', spec: { containers: Array.from({ length: n }, (_, i) => ({ image: 'radial/busyboxplus:curl', name: `fake${i}` })) } })

describe('jsonpath_test.go TestNegativeIndex', () => {
  it.each([
    ['{.spec.containers[0].name}', 'fake0'],
    ['{.spec.containers[0:0].name}', ''],
    ['{.spec.containers[0:-1].name}', 'fake0 fake1 fake2'],
    ['{.spec.containers[-1].name}', 'fake3'],
    ['{.spec.containers[-1:].name}', 'fake3'],
    ['{.spec.containers[-2].name}', 'fake2'],
    ['{.spec.containers[-2:].name}', 'fake2 fake3'],
    ['{.spec.containers[-3].name}', 'fake1'],
    ['{.spec.containers[-4].name}', 'fake0'],
    ['{.spec.containers[-4:].name}', 'fake0 fake1 fake2 fake3'],
    ['{.spec.containers[5:5].name}', ''],
    ['{.spec.containers[-5:-5].name}', ''],
  ])('%s', (template, want) => expect(run(template, containers(4))).toBe(want))
  it.each([
    ['{.spec.containers[-1:0].name}', 'starting index 3 is greater than ending index 0'],
    ['{.spec.containers[-5].name}', 'array index out of bounds: index -1, length 4'],
    ['{.spec.containers[3:1].name}', 'starting index 3 is greater than ending index 1'],
    ['{.spec.containers[-1:-2].name}', 'starting index 3 is greater than ending index 2'],
  ])('fails: %s', (template, err) => expect(evalError(template, containers(4))).toBe(err))
})

describe('jsonpath_test.go TestStep', () => {
  it.each([
    ['{.spec.containers[0:].name}', 'fake0 fake1 fake2 fake3 fake4 fake5'],
    ['{.spec.containers[0:6:].name}', 'fake0 fake1 fake2 fake3 fake4 fake5'],
    ['{.spec.containers[0:6:1].name}', 'fake0 fake1 fake2 fake3 fake4 fake5'],
    ['{.spec.containers[1:4:2].name}', 'fake1 fake3'],
    ['{.spec.containers[1:4:3].name}', 'fake1'],
    ['{.spec.containers[1:4:4].name}', 'fake1'],
    ['{.spec.containers[0:6:2].name}', 'fake0 fake2 fake4'],
    ['{.spec.containers[0:6:3].name}', 'fake0 fake3'],
    ['{.spec.containers[0:6:5].name}', 'fake0 fake5'],
    ['{.spec.containers[0:6:6].name}', 'fake0'],
  ])('%s', (template, want) => expect(run(template, containers(6))).toBe(want))
  it.each(['{.spec.containers[0:6:0].name}', '{.spec.containers[0:6:-1].name}'])('fails: %s', (template) => {
    expect(evalError(template, containers(6))).toBe('step must be > 0')
  })
})

describe('comparisons (third_party/forked/golang/template funcs.go)', () => {
  const ports = { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }
  it('an int literal compares with an integral number', () => {
    expect(run('{.ports[?(@.port==80)].name}', ports)).toBe('http')
    expect(run('{.ports[?(@.port>100)].name}', ports)).toBe('https')
    expect(run('{.ports[?(@.port!=80)].name}', ports)).toBe('https')
  })
  it('a string against a number, or a float literal against an integer: incompatible types', () => {
    expect(evalError('{.ports[?(@.port=="80")].name}', ports)).toBe('incompatible types for comparison')
    expect(evalError('{.ports[?(@.port==80.0)].name}', ports)).toBe('incompatible types for comparison')
  })
  it('strings order byte-wise; bools only compare for equality', () => {
    expect(run('{.ports[?(@.name<"https")].name}', ports)).toBe('http')
    expect(evalError('{[?(@<true)]}', [true])).toBe('invalid type for comparison')
  })
})

describe('Go formatting', () => {
  it('floats as strconv.FormatFloat(f, \'g\', -1, 64)', () => {
    expect([0.5, 1.5, 1234567.5, 0.0001, 0.00001, 123456.5].map(goFloat)).toEqual(['0.5', '1.5', '1.2345675e+06', '0.0001', '1e-05', '123456.5'])
  })
  it('%v of maps and slices, %#v of a nested object', () => {
    expect(goPlain({ b: [1, 'x'], a: null })).toBe('map[a:<nil> b:[1 x]]')
    expect(goSharpV({ a: ['x', 1], b: {}, c: null }, false)).toBe('map[string]interface {}{"a":[]interface {}{"x", 1}, "b":map[string]interface {}{}, "c":interface {}(nil)}')
  })
})

describe('bad input never crashes', () => {
  it('random templates either parse or get a parser error, and run to a result or an execution error', () => {
    const alphabet = ['{', '}', '.', '..', '[', ']', '*', '?(', ')', '@', '$', '"', "'", '\\', ':', ',', '-', '1', '0', 'a', 'range', 'end', ' ', '==', '<', 'items', 'metadata', 'name', '\n', '~']
    let seed = 42
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    const data = { items: [{ metadata: { name: 'a', labels: { x: '1' } }, n: 1 }, { metadata: { name: 'b' }, n: 2.5 }], s: 'str', z: null }
    for (let i = 0; i < 3000; i++) {
      const len = 1 + rand(12)
      let t = ''
      for (let j = 0; j < len; j++) t += alphabet[rand(alphabet.length)]
      let parsed
      try {
        parsed = parseJsonPath(t)
      } catch (e) {
        expect(e, t).toBeInstanceOf(JsonPathError)
        continue
      }
      const r = executeJsonPath(parsed, data as never)
      expect(typeof (r.ok ? r.text : r.error), t).toBe('string')
    }
  })
})
