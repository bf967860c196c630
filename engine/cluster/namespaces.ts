/**
 * Namespaces: the system ones, the declared ones, and (with a warning) the
 * ones objects use without declaring; a real API server would refuse those
 * objects with `namespaces "x" not found`. Every Namespace carries the
 * immutable label kubernetes.io/metadata.name (set by the API server since 1.21).
 */
import type { Namespace } from '../model/types.ts'
import { BuildContext } from './context.ts'
import { makeMeta } from './meta.ts'
import { ADDON_NAMESPACE_LABELS } from './addon-manifests.ts'

export function buildNamespaces(ctx: BuildContext, system: string[], used: Map<string, { kind: string; name: string; namespace: string; ref?: import('../model/types.ts').SourceRef }>): Namespace[] {
  const out = new Map<string, Namespace>()
  for (const name of system) {
    out.set(name, {
      // an add-on's own Namespace carries its manifest's labels (addon-manifests.ts)
      meta: makeMeta({ kind: 'Namespace', name, namespace: '', system: true, labels: { ...ADDON_NAMESPACE_LABELS[name], 'kubernetes.io/metadata.name': name } }),
      implicit: false,
      system: true,
    })
  }
  // the reader's own Namespace manifests: read only when there are some (issue 20)
  if (ctx.objects('Namespace').length > 0) declaredNamespaces(ctx, out)
  for (const [ns, user] of used) {
    if (out.has(ns)) continue
    ctx.report('warning', 'implicit-namespace', user, ['metadata', 'namespace'], `namespace "${ns}" is not declared; the simulator creates it (a real API server would answer: namespaces "${ns}" not found)`, {
      hint: `add a Namespace manifest: apiVersion: v1, kind: Namespace, metadata: {name: ${ns}}`,
    })
    out.set(ns, {
      meta: makeMeta({ kind: 'Namespace', name: ns, namespace: '', labels: { 'kubernetes.io/metadata.name': ns } }),
      implicit: true,
      system: false,
    })
  }
  return [...out.values()].sort((a, b) => (a.meta.name < b.meta.name ? -1 : 1))
}

/** Namespace manifests: their labels, with kubernetes.io/metadata.name set by the API server. */
function declaredNamespaces(ctx: BuildContext, out: Map<string, Namespace>): void {
  for (const n of ctx.objects('Namespace')) {
    const meta = makeMeta({ kind: 'Namespace', name: n.name, namespace: '', raw: n.value })
    const given = meta.labels['kubernetes.io/metadata.name']
    if (given !== undefined && given !== n.name) {
      ctx.warn(n, ['metadata', 'labels', 'kubernetes.io/metadata.name'], `the API server sets kubernetes.io/metadata.name to the namespace's name ("${n.name}"); "${given}" is replaced`, 'overridden')
    }
    meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': n.name }
    const prev = out.get(n.name)
    out.set(n.name, { meta: prev ? { ...meta, creationTimestamp: prev.meta.creationTimestamp } : meta, implicit: false, system: !!prev, source: n.ref })
  }
}
