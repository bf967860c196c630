/**
 * CoreDNS's `log` plugin: its Corefile rules (plugin/log/setup.go) and its
 * lines (plugin/log/log.go CommonLogFormat, plugin/pkg/replacer,
 * plugin/pkg/log "[INFO] "). Sizes are checked against lines real CoreDNS
 * printed (kubernetes/kubernetes#72826, coredns/coredns#2494).
 */
import { describe, expect, it } from 'vitest'
import { corednsLogLines, dnsView, formatLogLine, kubeadmCorefile, parseCorefile, resolveAddresses, sendQuery, servedQueries, COMMON_LOG_FORMAT } from '../../../engine/dns/index.ts'
import type { ServedQuery } from '../../../engine/dns/index.ts'
import { clientPod, pod, scenario, sh } from './helpers.ts'

const withLog = (log: string) => kubeadmCorefile('cluster.local').replace('    errors\n', `    errors\n${log}`)
const cm = (corefile: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
${corefile
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}`

describe('Corefile: log', () => {
  it('kubeadm’s Corefile has no log plugin', () => {
    expect(parseCorefile(kubeadmCorefile('cluster.local')).servers[0].log).toBeUndefined()
  })
  it('bare `log`: every name, the common format, all classes', () => {
    const s = parseCorefile(withLog('    log\n')).servers[0]
    expect(s.log).toEqual([{ scope: '.', format: COMMON_LOG_FORMAT, classes: ['all'] }])
  })
  it('names, a format and a class block', () => {
    const { servers, errors } = parseCorefile(withLog('    log cluster.local example.com "{combined}" {\n       class denial error\n    }\n'))
    expect(errors).toEqual([])
    expect(servers[0].log?.map((r) => r.scope)).toEqual(['cluster.local.', 'example.com.'])
    expect(servers[0].log?.[0].format).toBe(`${COMMON_LOG_FORMAT} "{>opcode}"`)
    expect(servers[0].log?.[0].classes).toEqual(['denial', 'error'])
  })
  it('an unknown class or property makes CoreDNS refuse the Corefile', () => {
    expect(parseCorefile(withLog('    log {\n       class nope\n    }\n')).errors.join()).toContain('invalid Class: nope')
    expect(parseCorefile(withLog('    log {\n       level debug\n    }\n')).errors.join()).toContain("unknown property 'level'")
  })
})

describe('log lines', () => {
  const c = scenario(clientPod(), cm(withLog('    log\n')))
  const client = pod(c, 'client')
  const ask = (name: string, type: 'A' | 'AAAA' = 'A'): ServedQuery => {
    const d = sendQuery(c, { kind: 'pod', pod: client, container: 'c' }, '10.96.0.10', { name, type })
    if (d.kind !== 'answer') throw new Error('no answer')
    return { client: client.podIPs[0], port: 44974, id: 3995, question: { name, type }, reply: d.message }
  }
  it('the common format, with the sizes real CoreDNS logs for the same names', () => {
    // kubernetes/kubernetes#72826: "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR … 106
    expect(formatLogLine(COMMON_LOG_FORMAT, ask('kubernetes.default.svc.cluster.local.'))).toBe(
      `${client.podIPs[0]}:44974 - 3995 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.0001s`,
    )
    // … "A IN kubernetes.default.default.svc.cluster.local. udp 62 false 512" NXDOMAIN … 155
    expect(formatLogLine(COMMON_LOG_FORMAT, ask('kubernetes.default.default.svc.cluster.local.'))).toContain('"A IN kubernetes.default.default.svc.cluster.local. udp 62 false 512" NXDOMAIN qr,aa,rd 155 ')
  })
  it('an EDNS0 request shows its buffer size and gets an OPT record back', () => {
    const q = { ...ask('kubernetes.default.svc.cluster.local.'), edns: { bufsize: 1232, do: false } }
    expect(formatLogLine(COMMON_LOG_FORMAT, q)).toContain('"A IN kubernetes.default.svc.cluster.local. udp 65 false 1232" NOERROR qr,aa,rd 117 ')
  })
  it('an IPv6 client is bracketed; unknown placeholders stay as written', () => {
    const q = { ...ask('kubernetes.default.svc.cluster.local.'), client: 'fd00::5' }
    expect(formatLogLine('{remote}:{port} {when} {/log/type}', q)).toBe('[fd00::5]:44974 {when} -')
  })
  it('one "[INFO] " line per query, for the rules that match', () => {
    const lines = corednsLogLines(dnsView(c).corefile.servers, [ask('kubernetes.default.svc.cluster.local.'), ask('nosuch.default.svc.cluster.local.', 'AAAA')])
    expect(lines).toHaveLength(2)
    expect(lines[0].startsWith('[INFO] ')).toBe(true)
    expect(lines[1]).toContain('"AAAA IN nosuch.default.svc.cluster.local. udp 50 false 512" NXDOMAIN qr,aa,rd 143 ')
  })
  it('class denial logs NXDOMAIN and NODATA only; a scope logs its names only', () => {
    const denial = parseCorefile(withLog('    log . {\n       class denial\n    }\n')).servers
    expect(corednsLogLines(denial, [ask('kubernetes.default.svc.cluster.local.'), ask('kubernetes.default.svc.cluster.local.', 'AAAA'), ask('nosuch.default.svc.cluster.local.')])).toHaveLength(2)
    const scoped = parseCorefile(withLog('    log example.com\n')).servers
    expect(corednsLogLines(scoped, [ask('kubernetes.default.svc.cluster.local.')])).toEqual([])
  })
  it('no log plugin, no lines; the trace shows them only when the Corefile has one', () => {
    const plain = scenario(clientPod())
    expect(corednsLogLines(dnsView(plain).corefile.servers, [ask('kubernetes.default.svc.cluster.local.')])).toEqual([])
    expect(sh(plain, 'kubectl exec client -- trace kubernetes:443').stdout).not.toContain('[INFO]')
    const out = sh(c, 'kubectl exec client -- trace kubernetes:443').stdout
    expect(out).toMatch(/\[INFO\] 10\.244\.\d+\.\d+:\d+ - \d+ "A IN kubernetes\.default\.svc\.cluster\.local\. udp 54 false 512" NOERROR qr,aa,rd 106 0\.0001s/)
    expect(out).toMatch(/\[INFO\] .*"AAAA IN kubernetes\.default\.svc\.cluster\.local\. udp 54 false 512" NOERROR qr,aa,rd 147 0\.0001s/)
  })
  it('servedQueries: the queries of a lookup as CoreDNS saw them, one socket per name', () => {
    const { lookup } = resolveAddresses(c, { kind: 'pod', pod: client, container: 'c' }, 'kubernetes.default')
    const served = servedQueries(lookup, client.podIPs[0], (i) => 40000 + i, (name, type) => (type === 'A' ? 1 : 2))
    expect(served.map((q) => `${q.port} ${q.id} ${q.question.type} ${q.question.name} ${q.reply.rcode}`)).toEqual([
      '40000 1 A kubernetes.default.default.svc.cluster.local. NXDOMAIN',
      '40000 2 AAAA kubernetes.default.default.svc.cluster.local. NXDOMAIN',
      '40001 1 A kubernetes.default.svc.cluster.local. NOERROR',
      '40001 2 AAAA kubernetes.default.svc.cluster.local. NOERROR',
    ])
    expect(corednsLogLines(dnsView(c).corefile.servers, served)[2]).toBe(`[INFO] ${client.podIPs[0]}:40001 - 1 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.0001s`)
  })
})
