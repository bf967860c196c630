/**
 * kubectl describe configmap (describe.go ConfigMapDescriber) and describe's long annotations
 * (printAnnotationsMultiline: over 140 bytes with the key, or several lines, go below the key,
 * each line cut at 138 bytes with "...").
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const c = cluster(`apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  annotations: {note: "first line\\nsecond line", short: ok}
data:
  b.txt: two
  a.txt: one
`)

describe('kubectl describe configmap', () => {
  it('prints the keys sorted, each value between ---- and a blank line, then BinaryData and Events', () => {
    expect(sh(c, 'kubectl describe cm app').stdout).toBe([
      'Name:         app',
      'Namespace:    default',
      'Labels:       <none>',
      'Annotations:  note:',
      '                first line',
      '                second line',
      '              short: ok',
      '',
      'Data',
      '====',
      'a.txt:',
      '----',
      'one',
      '',
      'b.txt:',
      '----',
      'two',
      '',
      '',
      'BinaryData',
      '====',
      '',
      'Events:  <none>',
      '',
    ].join('\n'))
  })
  it('a long annotation is cut at 138 bytes below its key (kube-root-ca.crt\'s description)', () => {
    const out = sh(c, 'kubectl describe cm kube-root-ca.crt').stdout
    expect(out).toContain('Annotations:  kubernetes.io/description:\n                Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubern...\n')
  })
  it('a ConfigMap whose values are not reproduced is refused, as -o yaml refuses it', () => {
    const r = sh(c, 'kubectl describe cm -n kube-system extension-apiserver-authentication')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/^error: the data of configmap kube-system\/extension-apiserver-authentication is not simulated here: /)
  })
})
