/**
 * Checks each raw object the way kubectl apply and the API server would
 * (kind and version known, fields known and well typed, names valid, no
 * duplicates) and files the good ones by kind for the build steps.
 */
import type { JsonObject } from '../model/types.ts'
import { BuildContext, read } from '../cluster/context.ts'
import type { Loaded } from '../cluster/context.ts'
import { KINDS, kindInfo, objectSchema } from './kinds.ts'
import { checkSchema, closest } from './schema.ts'
import { NAME_RULES, labelKeyProblems, labelValueProblems, nameProblems } from './names.ts'
import type { RawObject } from './parse.ts'
import { warnUnmodelled } from './unmodelled.ts'

export function fileObjects(ctx: BuildContext, raws: RawObject[]): void {
  const seen = new Set<string>()
  for (const raw of raws) {
    const v = raw.value
    const kind = read.str(v.kind)
    const apiVersion = read.str(v.apiVersion)
    const name = read.str(read.path(v, 'metadata', 'name')) ?? ''
    const stub = { kind: kind ?? 'Object', name, namespace: '', ref: raw.ref }
    if (!kind || !apiVersion) {
      const missing = [!apiVersion && 'apiVersion not set', !kind && 'kind not set'].filter(Boolean).join(', ')
      ctx.report('error', 'missing-kind', stub, [], `error validating data: [${missing}]`)
      continue
    }
    const info = kindInfo(kind)
    if (!info || !info.apiVersions.includes(apiVersion)) {
      const near = info ? undefined : closest(kind, KINDS.map((k) => k.kind))
      const hint = info
        ? `${kind} is served at ${info.apiVersions.join(', ')}`
        : near
          ? `did you mean kind: ${near}?`
          : `the simulator knows ${KINDS.map((k) => k.kind).join(', ')}`
      ctx.report('error', 'unknown-kind', stub, [info ? 'apiVersion' : 'kind'], `no matches for kind "${kind}" in version "${apiVersion}"`, { hint })
      continue
    }
    const problems = checkSchema(v, objectSchema(info))
    let fatal = false
    for (const p of problems) {
      // the API server's decoding error, for unknown fields and wrong types alike
      const message = `${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: ${p.message}`
      ctx.report('error', p.code, stub, p.path, message, { key: p.code === 'unknown-field', hint: p.hint })
      fatal = true
    }
    if (fatal) continue
    if (!name) {
      if (kind !== 'Cluster') {
        ctx.report('error', 'required', stub, ['metadata'], 'metadata.name: Required value: name or generateName is required')
        continue
      }
    } else {
      for (const problem of nameProblems(name, NAME_RULES[kind] ?? 'dns1123-subdomain')) {
        ctx.report('error', 'invalid-value', stub, ['metadata', 'name'], `metadata.name: Invalid value: "${name}": ${problem}`)
        fatal = true
      }
    }
    const labels = read.obj(read.path(v, 'metadata', 'labels')) ?? {}
    for (const [k, val] of Object.entries(labels)) {
      for (const problem of labelKeyProblems(k)) {
        ctx.report('error', 'invalid-value', stub, ['metadata', 'labels', k], `metadata.labels: Invalid value: "${k}": ${problem}`, { key: true })
        fatal = true
      }
      for (const problem of labelValueProblems(String(val))) {
        ctx.report('error', 'invalid-value', stub, ['metadata', 'labels', k], `metadata.labels: Invalid value: "${String(val)}": ${problem}`)
        fatal = true
      }
    }
    if (fatal) continue
    let namespace = ''
    if (info.namespaced) {
      namespace = read.str(read.path(v, 'metadata', 'namespace')) ?? 'default'
      for (const problem of nameProblems(namespace, 'dns1123-label')) {
        ctx.report('error', 'invalid-value', stub, ['metadata', 'namespace'], `metadata.namespace: Invalid value: "${namespace}": ${problem}`)
        fatal = true
      }
      if (fatal) continue
    }
    const key = `${kind}/${namespace}/${name}`
    if (seen.has(key) && kind !== 'Cluster') {
      const where = namespace ? ` in namespace "${namespace}"` : ''
      ctx.report('error', 'duplicate', { ...stub, namespace }, ['metadata', 'name'], `${info.resource} "${name}" already exists${where}`, {
        hint: 'each object needs a unique name within its kind and namespace',
      })
      continue
    }
    seen.add(key)
    const loaded: Loaded = { kind, apiVersion, name, namespace, value: v as JsonObject, ref: raw.ref }
    const list = ctx.byKind.get(kind)
    if (list) list.push(loaded)
    else ctx.byKind.set(kind, [loaded])
  }
  // what is accepted but not modelled is said, on its field
  warnUnmodelled(ctx)
}
