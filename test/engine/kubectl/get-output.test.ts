/**
 * kubectl get's output options on the simulated cluster: -o jsonpath and custom-columns for
 * every kind kubectl get lists here, -o name, -L and --show-labels, --no-headers, and the
 * errors kubectl prints for a bad template (cli-runtime jsonpath_flags.go: "error parsing
 * jsonpath TEMPLATE, …"; printers/jsonpath.go: "error executing jsonpath …").
 */
import { describe, expect, it } from 'vitest'
import { RESOURCE_TYPES } from '../../../engine/kubectl/resources.ts'
import { cluster, deployment, docs, service, sh } from '../core/helpers.ts'

const c = cluster(docs(
  deployment('web', 2, { app: 'web', tier: 'front' }, 8080),
  service('web', { app: 'web' }),
  `apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client, team.example.com/owner: ops}}
spec:
  containers: [{name: shell, image: nicolaka/netshoot:v0.13}]
`,
))

describe('-o jsonpath', () => {
  it('lists names, with a space between values and no newline at the end', () => {
    expect(sh(c, "kubectl get pods -l app=web -o jsonpath='{.items[*].metadata.name}'").stdout).toMatch(/^web-\S+ web-\S+$/)
  })
  it('range … end with {"\\n"} literals prints one line per object', () => {
    const out = sh(c, `kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}'`).stdout
    const lines = out.split('\n')
    expect(lines.pop()).toBe('')
    expect(lines).toHaveLength(3)
    for (const l of lines) expect(l).toMatch(/^\S+\t10\.244\.\d+\.\d+$/)
  })
  it('a named object is queried as itself, not as a List', () => {
    const ip = sh(c, 'kubectl get svc web -o jsonpath={.spec.clusterIP}').stdout
    expect(ip).toMatch(/^10\.\d+\.\d+\.\d+$/)
    expect(sh(c, 'kubectl get svc web').stdout).toContain(ip)
  })
  it('a filter on a label, and on a number', () => {
    expect(sh(c, `kubectl get pods -o jsonpath='{.items[?(@.metadata.labels.app=="client")].metadata.name}'`).stdout).toBe('client')
    expect(sh(c, `kubectl get svc web -o jsonpath='{.spec.ports[?(@.port==80)].name}'`).stdout).toBe('')
    expect(sh(c, `kubectl get svc web -o jsonpath='{.spec.ports[?(@.port==80)].targetPort}'`).stdout).toBe('http')
  })
  it('an escaped dot reaches a label key with dots', () => {
    expect(sh(c, `kubectl get pod client -o jsonpath='{.metadata.labels.team\\.example\\.com/owner}'`).stdout).toBe('ops')
  })
  it('jsonpath-as-json prints the results as a JSON array', () => {
    expect(sh(c, "kubectl get svc web -o jsonpath-as-json='{.spec.ports[*].port}'").stdout).toBe('[\n    80\n]\n')
  })
  it.each(RESOURCE_TYPES.map((r) => r.resource))('works for %s: the same names as -o name', (resource) => {
    // kube-system's ServiceAccounts are not simulated, so a listing across namespaces is refused (service-accounts.test.ts)
    const scope = resource === 'serviceaccounts' ? '-n default' : '-A'
    const names = sh(c, `kubectl get ${resource} ${scope} -o name`).stdout.split('\n').filter(Boolean).map((n) => n.slice(n.indexOf('/') + 1))
    const viaPath = sh(c, `kubectl get ${resource} ${scope} -o jsonpath='{range .items[*]}{.metadata.name}{"\\n"}{end}'`)
    expect(viaPath.exitCode).toBe(0)
    expect(viaPath.stdout.split('\n').filter(Boolean)).toEqual(names)
  })
})

describe('bad templates get kubectl\'s errors', () => {
  it('a template that does not parse', () => {
    expect(sh(c, "kubectl get pods -o jsonpath='{.items[0].metadata.name'")).toMatchObject({ exitCode: 1, stdout: '', stderr: 'error: error parsing jsonpath {.items[0].metadata.name, unclosed action\n' })
    expect(sh(c, "kubectl get pods -o jsonpath='{.items[*]'")).toMatchObject({ exitCode: 1, stderr: 'error: error parsing jsonpath {.items[*], unclosed action\n' })
    expect(sh(c, "kubectl get pods -o jsonpath='{.items[?(@.x==1}'").stderr).toBe('error: error parsing jsonpath {.items[?(@.x==1}, unterminated filter\n')
  })
  it('no template at all', () => {
    expect(sh(c, 'kubectl get pods -o jsonpath=').stderr).toBe('error: template format specified but no template given\n')
    expect(sh(c, 'kubectl get pods -o jsonpath').stderr).toBe('error: template format specified but no template given\n')
  })
  it('a template that fails on this object: the message, the template and the object', () => {
    const r = sh(c, "kubectl get svc web -o jsonpath='{.spec.ports[5]}'")
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.startsWith('error: error executing jsonpath "{.spec.ports[5]}": Error executing template: array index out of bounds: index 5, length 1. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.ports[5]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Service", ')).toBe(true)
    expect(r.stderr.endsWith('}\n\n\n')).toBe(true)
  })
  it('an unknown format lists the allowed ones', () => {
    expect(sh(c, 'kubectl get pods -o wid').stderr).toBe('error: unable to match a printer suitable for the output format "wid", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml\n')
  })
})

describe('-o custom-columns', () => {
  it('a column per path, <none> where a field is missing', () => {
    const out = sh(c, 'kubectl get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP,TIER:.metadata.labels.tier').stdout.split('\n')
    expect(out[0]).toMatch(/^NAME\s+IP\s+TIER$/)
    expect(out.find((l) => l.startsWith('client'))).toMatch(/^client\s+10\.244\.\d+\.\d+\s+<none>$/)
    expect(out.filter((l) => l.startsWith('web-')).every((l) => l.endsWith('front'))).toBe(true)
  })
  it('several values join with commas; --no-headers drops the header', () => {
    const out = sh(c, 'kubectl get endpointslices -l kubernetes.io/service-name=web -o custom-columns=ADDRESSES:.endpoints[*].addresses[0] --no-headers').stdout
    expect(out).toMatch(/^10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\n$/)
  })
  it('a spec without a colon', () => {
    expect(sh(c, 'kubectl get pods -o custom-columns=NAME')).toMatchObject({ exitCode: 1, stderr: 'error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n' })
  })
})

describe('labels as columns', () => {
  it('-L adds a column per key, headed by its last segment in capitals, before LABELS', () => {
    const out = sh(c, 'kubectl get pods -L app,team.example.com/owner --show-labels').stdout.split('\n')
    expect(out[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+APP\s+OWNER\s+LABELS$/)
    expect(out.find((l) => l.startsWith('client'))).toMatch(/\s+client\s+ops\s+app=client,team\.example\.com\/owner=ops$/)
  })
  it('-L repeated, and an absent label leaves the cell empty', () => {
    const out = sh(c, 'kubectl get pods -L tier -L app').stdout.split('\n')
    expect(out[0]).toMatch(/AGE\s+TIER\s+APP$/)
    expect(out.find((l) => l.startsWith('client'))).toMatch(/5m\s+client$/)
  })
  it('--no-headers drops the header line of a table', () => {
    expect(sh(c, 'kubectl get svc web --no-headers').stdout).toMatch(/^web\s+ClusterIP/)
  })
  it('-o name', () => {
    expect(sh(c, 'kubectl get svc,deploy -o name').stdout).toBe('service/kubernetes\nservice/web\ndeployment.apps/web\n')
  })
})

describe('list order', () => {
  it('objects come back by name, as the API server lists them, whatever their order in the manifests', () => {
    const np = (name: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}}
spec: {podSelector: {}}
`
    const k = cluster(docs(np('zeta'), np('alpha'), np('mid')))
    expect(sh(k, 'kubectl get networkpolicy -o name').stdout).toBe('networkpolicy.networking.k8s.io/alpha\nnetworkpolicy.networking.k8s.io/mid\nnetworkpolicy.networking.k8s.io/zeta\n')
    // names given on the command line keep their order
    expect(sh(k, 'kubectl get networkpolicy zeta alpha -o name').stdout).toBe('networkpolicy.networking.k8s.io/zeta\nnetworkpolicy.networking.k8s.io/alpha\n')
  })
})
