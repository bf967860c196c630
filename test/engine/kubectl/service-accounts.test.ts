/**
 * ServiceAccounts as a v1.37 cluster has them: the ServiceAccount admission plugin's token
 * volume (plugin/pkg/admission/serviceaccount/admission.go), the `default` account of every
 * namespace, kube-root-ca.crt in every namespace (rootcacertpublisher), and the refusal of a
 * Pod whose account does not exist.
 */
import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cluster, deployment, diagnostics, docs, service, sh } from '../core/helpers.ts'

const pod = (name: string, spec: string, ns = 'default') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}`

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount'
const yamlOf = (c: ReturnType<typeof cluster>, what: string) => parse(sh(c, `kubectl get ${what} -o yaml`).stdout)

describe('the token volume the admission plugin adds', () => {
  const c = cluster(docs(
    pod('plain', '  containers: [{name: app, image: nginx:1.27, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumes: [{name: data, emptyDir: {}}]'),
    pod('with-init', `  initContainers:
  - {name: setup, image: busybox}
  - {name: proxy, image: envoyproxy/envoy:v1.34.0, restartPolicy: Always}
  containers: [{name: app, image: nginx:1.27}, {name: side, image: busybox}]`),
    pod('own-mount', `  containers:
  - {name: app, image: nginx:1.27, volumeMounts: [{name: mine, mountPath: ${MOUNT}}]}
  - {name: other, image: busybox}
  volumes: [{name: mine, emptyDir: {}}]`),
    pod('all-own', `  containers: [{name: app, image: nginx:1.27, volumeMounts: [{name: mine, mountPath: ${MOUNT}}]}]
  volumes: [{name: mine, emptyDir: {}}]`),
    pod('opt-out', '  automountServiceAccountToken: false\n  containers: [{name: app, image: nginx:1.27}]'),
    deployment('web', 1, { app: 'web' }),
  ))

  it('describe pod: the mount in each container, and the projected volume as describe.go prints it', () => {
    const j = yamlOf(c, 'pod plain')
    const vol = j.spec.volumes[1].name
    expect(vol).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    const out = sh(c, 'kubectl describe pod plain').stdout
    expect(out).toContain(`    Mounts:\n      /data from data (rw)\n      ${MOUNT} from ${vol} (ro)\nConditions:\n`)
    expect(out).toContain(
      [
        'Volumes:',
        '  data:',
        "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
        '    Medium:     ',
        '    SizeLimit:  <unset>',
        `  ${vol}:`,
        '    Type:                    Projected (a volume that contains injected data from multiple sources)',
        '    TokenExpirationSeconds:  3607',
        '    ConfigMapName:           kube-root-ca.crt',
        '    Optional:                false',
        '    DownwardAPI:             true',
        'QoS Class:                   BestEffort',
        '',
      ].join('\n'),
    )
  })

  it('-o yaml: the volume appended last, TokenVolumeSource exactly, the mount appended read-only', () => {
    const text = sh(c, 'kubectl get pod plain -o yaml').stdout
    const j = parse(text)
    const vol = j.spec.volumes[1].name
    expect(text).toContain(
      [
        `  - name: ${vol}`,
        '    projected:',
        '      defaultMode: 420',
        '      sources:',
        '      - serviceAccountToken:',
        '          expirationSeconds: 3607',
        '          path: token',
        '      - configMap:',
        '          items:',
        '          - key: ca.crt',
        '            path: ca.crt',
        '          name: kube-root-ca.crt',
        '      - downwardAPI:',
        '          items:',
        '          - fieldRef:',
        '              apiVersion: v1',
        '              fieldPath: metadata.namespace',
        '            path: namespace',
        'status:',
      ].join('\n'),
    )
    expect(j.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }, { mountPath: MOUNT, name: vol, readOnly: true }])
    expect([j.spec.serviceAccount, j.spec.serviceAccountName]).toEqual(['default', 'default'])
    // kubelet reports each created container's mounts, a read-only one with recursiveReadOnly (RecursiveReadOnlyMounts)
    expect(j.status.containerStatuses[0].volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }, { mountPath: MOUNT, name: vol, readOnly: true, recursiveReadOnly: 'Disabled' }])
  })

  it('every init container (a sidecar too) and every container mounts it', () => {
    const j = yamlOf(c, 'pod with-init')
    const vol = j.spec.volumes.at(-1).name
    for (const ct of [...j.spec.initContainers, ...j.spec.containers]) expect(ct.volumeMounts).toEqual([{ mountPath: MOUNT, name: vol, readOnly: true }])
    expect(j.spec.volumes).toHaveLength(1)
  })

  it('a container that already mounts the path is left alone; with no container left to mount it, no volume', () => {
    const j = yamlOf(c, 'pod own-mount')
    const vol = j.spec.volumes.at(-1).name
    expect(j.spec.containers[0].volumeMounts).toEqual([{ mountPath: MOUNT, name: 'mine' }])
    expect(j.spec.containers[1].volumeMounts).toEqual([{ mountPath: MOUNT, name: vol, readOnly: true }])
    const all = yamlOf(c, 'pod all-own')
    expect(all.spec.volumes).toEqual([{ emptyDir: {}, name: 'mine' }])
  })

  it('automountServiceAccountToken: false on the Pod: no volume, no mount', () => {
    const j = yamlOf(c, 'pod opt-out')
    expect(j.spec.volumes).toBeUndefined()
    expect(j.spec.containers[0].volumeMounts).toBeUndefined()
    expect(sh(c, 'kubectl describe pod opt-out').stdout).toContain('    Mounts:         <none>\n')
  })

  it('a workload template is not admitted: no volume in kubectl get deploy -o yaml', () => {
    const t = yamlOf(c, 'deploy web').spec.template.spec
    expect(t.volumes).toBeUndefined()
    expect(t.containers[0].volumeMounts).toBeUndefined()
    expect(t.serviceAccountName).toBeUndefined()
    const podName = c.pods.find((p) => p.meta.labels.app === 'web')!.meta.name
    expect(yamlOf(c, `pod ${podName}`).spec.volumes[0].name).toMatch(/^kube-api-access-/)
  })

  it('the add-ons: kube-proxy and CoreDNS get it; the static control-plane Pods (mirror Pods) get neither it nor an account', () => {
    const proxy = c.pods.find((p) => p.meta.labels['k8s-app'] === 'kube-proxy')!
    const kp = yamlOf(c, `pod -n kube-system ${proxy.meta.name}`)
    expect(kp.spec.volumes.at(-1).name).toMatch(/^kube-api-access-/)
    expect(kp.spec.serviceAccountName).toBe('kube-proxy')
    const etcd = yamlOf(c, 'pod -n kube-system etcd-control-plane')
    expect(etcd.spec.volumes).toBeUndefined()
    expect(etcd.spec.serviceAccountName).toBeUndefined()
    expect(etcd.spec.serviceAccount).toBeUndefined()
    expect(sh(c, 'kubectl describe pod -n kube-system etcd-control-plane').stdout).not.toContain('Service Account:')
  })

  it('the suffix is the Pod\'s own: editing another object does not change it', () => {
    const name = (cl: ReturnType<typeof cluster>) => yamlOf(cl, 'pod plain').spec.volumes[1].name
    const other = cluster(docs(
      service('extra', { app: 'x' }),
      pod('before', '  containers: [{name: app, image: busybox}]'),
      pod('plain', '  containers: [{name: app, image: nginx:1.27, volumeMounts: [{name: data, mountPath: /data}]}]\n  volumes: [{name: data, emptyDir: {}}]'),
    ))
    expect(name(other)).toBe(name(c))
    expect(yamlOf(c, 'pod with-init').spec.volumes[0].name).not.toBe(name(c))
  })

  it('cat in the container: the namespace and the CA; no token is issued', () => {
    expect(sh(c, `kubectl exec plain -- cat ${MOUNT}/namespace`).stdout).toBe('default')
    expect(sh(c, `kubectl exec plain -- cat ${MOUNT}/ca.crt`).stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/)
    expect(sh(c, `kubectl exec plain -- cat ${MOUNT}/token`).exitCode).toBe(1)
    expect(sh(c, `kubectl exec opt-out -- cat ${MOUNT}/namespace`).exitCode).toBe(1)
  })
})

describe('ServiceAccount objects', () => {
  const sa = (name: string, extra = '', ns = 'default') => `apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: ${ns}}
${extra}`
  const c = cluster(docs(
    sa('quiet', 'automountServiceAccountToken: false'),
    sa('puller', 'imagePullSecrets: [{name: regcred}]\nsecrets: [{name: old-token}]'),
    pod('quiet-pod', '  serviceAccountName: quiet\n  containers: [{name: app, image: busybox}]'),
    pod('loud-pod', '  serviceAccountName: quiet\n  automountServiceAccountToken: true\n  containers: [{name: app, image: busybox}]'),
    pod('pulling', '  serviceAccountName: puller\n  containers: [{name: app, image: busybox}]'),
    pod('shop-pod', '  containers: [{name: app, image: busybox}]', 'shop'),
  ))

  it('the account\'s automountServiceAccountToken: false, unless the Pod says true', () => {
    expect(yamlOf(c, 'pod quiet-pod').spec.volumes).toBeUndefined()
    expect(yamlOf(c, 'pod loud-pod').spec.volumes[0].name).toMatch(/^kube-api-access-/)
  })

  it('a Pod without imagePullSecrets gets its account\'s', () => {
    expect(yamlOf(c, 'pod pulling').spec.imagePullSecrets).toEqual([{ name: 'regcred' }])
  })

  it('kubectl get sa: default in every namespace, the reader\'s, SECRETS counting the references', () => {
    expect(sh(c, 'kubectl get sa').stdout).toBe('NAME      SECRETS   AGE\ndefault   0         10d\npuller    1         5m\nquiet     0         5m\n')
    expect(sh(c, 'kubectl get serviceaccounts -n shop').stdout).toBe('NAME      SECRETS   AGE\ndefault   0         5m\n')
    expect(sh(c, 'kubectl get serviceaccount -n kube-flannel').stdout).toBe('NAME      SECRETS   AGE\ndefault   0         10d\nflannel   0         10d\n')
  })

  it('-o yaml: the default account is metadata only', () => {
    const y = yamlOf(c, 'sa default')
    expect(y.kind).toBe('ServiceAccount')
    expect(Object.keys(y).sort()).toEqual(['apiVersion', 'kind', 'metadata'])
    expect(Object.keys(y.metadata).sort()).toEqual(['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid'])
    expect(yamlOf(c, 'sa quiet').automountServiceAccountToken).toBe(false)
  })

  it('kube-system\'s accounts are not listed, rather than listed in part', () => {
    for (const line of ['kubectl get sa -n kube-system', 'kubectl get sa -A', 'kubectl describe sa -n kube-system coredns']) {
      const r = sh(c, line)
      expect(r.exitCode).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^error: the ServiceAccounts of namespace kube-system are not simulated here/)
    }
  })

  it('describe sa, as describeServiceAccount prints it', () => {
    expect(sh(c, 'kubectl describe sa default').stdout).toBe(
      'Name:                default\nNamespace:           default\nLabels:              <none>\nAnnotations:         <none>\nImage pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n',
    )
    expect(sh(c, 'kubectl describe sa puller').stdout).toContain('Image pull secrets:  regcred (not found)\nMountable secrets:   old-token (not found)\nTokens:              <none>\n')
  })
})

describe('a Pod naming an account that does not exist is refused', () => {
  it('a bare Pod: the plugin\'s Forbidden error, on spec.serviceAccountName', () => {
    const text = pod('lost', '  serviceAccountName: ghost\n  containers: [{name: app, image: busybox}]')
    const d = diagnostics(text).filter((x) => x.severity === 'error')
    expect(d).toHaveLength(1)
    expect(d[0].message).toBe('pods "lost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found')
    expect([d[0].line, d[0].column]).toEqual([5, 23])
    const c = cluster(text, { allowErrors: true })
    expect(sh(c, 'kubectl get pods').stderr).toBe('No resources found in default namespace.\n')
  })

  it('a Deployment: a ReplicaSet with no Pods, and the controller\'s FailedCreate warning', () => {
    const c = cluster(docs(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web-sa
      containers: [{name: app, image: nginx:1.27}]`))
    expect(c.pods.filter((p) => p.meta.namespace === 'default')).toHaveLength(0)
    expect(sh(c, 'kubectl get deploy web').stdout).toMatch(/^NAME {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE\nweb {4}0\/2 {5}0 {12}0 {11}5m\n$/)
    const rs = sh(c, 'kubectl get rs -o name').stdout.trim().replace('replicaset.apps/', '')
    const events = sh(c, 'kubectl get events --field-selector reason=FailedCreate').stdout
    expect(events).toContain(`Warning   FailedCreate   replicaset/${rs}   Error creating: pods "${rs}-" is forbidden: error looking up service account default/web-sa: serviceaccount "web-sa" not found\n`)
    const d = sh(c, `kubectl describe rs ${rs}`).stdout
    expect(d).toContain('Replicas:       0 current / 2 desired\n')
    expect(d).toMatch(/Warning {2}FailedCreate {2}\S+ \(x\d+ over 5m\) {2}replicaset-controller {2}Error creating: pods/)
    expect(sh(c, 'kubectl describe deploy web').stdout).toContain('  Available        False   MinimumReplicasUnavailable\n')
    expect(sh(c, 'kubectl describe deploy web').stdout).toContain('  ReplicaFailure   True    FailedCreate\n')
  })

  it('the account added: the Pods are created', () => {
    const c = cluster(docs('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ghost}', pod('lost', '  serviceAccountName: ghost\n  containers: [{name: app, image: busybox}]')))
    expect(yamlOf(c, 'pod lost').spec.serviceAccountName).toBe('ghost')
  })
})

describe('kube-root-ca.crt', () => {
  const c = cluster(pod('p', '  containers: [{name: app, image: busybox}]', 'shop'))

  it('one in every namespace, DATA 1', () => {
    const out = sh(c, 'kubectl get cm -A').stdout
    for (const ns of ['default', 'kube-flannel', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']) expect(out).toMatch(new RegExp(`^${ns} +kube-root-ca\\.crt +1 +\\S+$`, 'm'))
    expect(sh(c, 'kubectl get cm').stdout).toBe('NAME               DATA   AGE\nkube-root-ca.crt   1      10d\n')
    expect(sh(c, 'kubectl get cm -n shop').stdout).toBe('NAME               DATA   AGE\nkube-root-ca.crt   1      5m\n')
  })

  it('-o yaml folds the long annotation as go-yaml does (past column 80, at the next space), and keeps the PEM a literal block', () => {
    const text = sh(c, 'kubectl get cm -n shop kube-root-ca.crt -o yaml').stdout
    expect(text).toContain(
      [
        '  annotations:',
        '    kubernetes.io/description: Contains a CA bundle that can be used to verify the',
        '      kube-apiserver when using internal endpoints such as the internal service IP',
        '      or kubernetes.default.svc. No other usage is guaranteed across distributions',
        '      of Kubernetes clusters.',
        '',
      ].join('\n'),
    )
    expect(text).toMatch(/^data:\n {2}ca\.crt: \|\n {4}-----BEGIN CERTIFICATE-----\n( {4}[A-Za-z0-9+/=]{64}\n)+ {4}[A-Za-z0-9+/=]+\n {4}-----END CERTIFICATE-----\nkind: ConfigMap\n/m)
    // in a List, two levels deeper: the breaks move with the column
    expect(sh(c, 'kubectl get cm -n shop -o yaml').stdout).toContain('      kubernetes.io/description: Contains a CA bundle that can be used to verify the\n        kube-apiserver when using internal endpoints such as the internal service\n        IP or kubernetes.default.svc.')
  })

  it('-o yaml: the publisher\'s annotation and kubeadm\'s CA: CN=kubernetes, RSA-2048, ten years, a CA', () => {
    const y = yamlOf(c, 'cm kube-root-ca.crt')
    expect(y.metadata.annotations).toEqual({ 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' })
    const cert = new X509Certificate(y.data['ca.crt'])
    expect([cert.subject, cert.issuer, cert.ca, cert.subjectAltName]).toEqual(['CN=kubernetes', 'CN=kubernetes', true, 'DNS:kubernetes'])
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect([new Date(cert.validFrom).toISOString(), new Date(cert.validTo).toISOString()]).toEqual(['2026-01-05T11:55:00.000Z', '2036-01-03T12:00:00.000Z'])
    expect(cert.verify(cert.publicKey)).toBe(true)
  })
})
