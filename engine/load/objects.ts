/**
 * Checks each raw object the way kubectl apply and the API server would
 * (kind and version known, fields known and well typed, names valid, no
 * duplicates) and files the good ones by kind for the build steps.
 */
import type { JsonObject } from '../model/types.ts'
import { BuildContext, read } from '../cluster/context.ts'
import type { Loaded } from '../cluster/context.ts'
import { KINDS, kindInfo, objectSchema } from './kinds.ts'
import { builtinUnmodelled } from './builtin-kinds.ts'
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
    const info = kind && apiVersion ? kindInfo(kind) : undefined
    if (!kind || !apiVersion || !info || !info.apiVersions.includes(apiVersion)) {
      // the error paths in functions of their own, compiled only when a run takes them (issue 20)
      unknownKind(ctx, stub, kind, apiVersion)
      continue
    }
    const problems = checkSchema(v, objectSchema(info))
    if (problems.length) {
      schemaProblems(ctx, stub, kind, apiVersion, problems)
      continue
    }
    if (!name) {
      if (kind !== 'Cluster') {
        ctx.report('error', 'required', stub, ['metadata'], 'metadata.name: Required value: name or generateName is required')
        continue
      }
    }
    const nameProblemsFound = name ? nameProblems(name, NAME_RULES[kind] ?? 'dns1123-subdomain') : []
    let fatal = nameProblemsFound.length > 0 && badName(ctx, stub, name, nameProblemsFound)
    const labels = read.obj(read.path(v, 'metadata', 'labels')) ?? {}
    for (const [k, val] of Object.entries(labels)) {
      const keyProblems = labelKeyProblems(k)
      const valueProblems = labelValueProblems(String(val))
      if (keyProblems.length || valueProblems.length) fatal = badLabel(ctx, stub, k, String(val), keyProblems, valueProblems)
    }
    if (fatal) continue
    let namespace = ''
    if (info.namespaced) {
      namespace = read.str(read.path(v, 'metadata', 'namespace')) ?? 'default'
      const problems = nameProblems(namespace, 'dns1123-label')
      if (problems.length) {
        badNamespace(ctx, stub, namespace, problems)
        continue
      }
    }
    const key = `${kind}/${namespace}/${name}`
    if (seen.has(key) && kind !== 'Cluster') {
      duplicate(ctx, stub, info.resource, namespace)
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

type Stub = { kind: string; name: string; namespace: string; ref: RawObject['ref'] }

/** No kind or apiVersion, or a kind (or version of it) the simulator does not know. */
function unknownKind(ctx: BuildContext, stub: Stub, kind: string | undefined, apiVersion: string | undefined): void {
  if (!kind || !apiVersion) {
    const missing = [!apiVersion && 'apiVersion not set', !kind && 'kind not set'].filter(Boolean).join(', ')
    ctx.report('error', 'missing-kind', stub, [], `error validating data: [${missing}]`)
    return
  }
  const info = kindInfo(kind)
  const builtin = info ? undefined : builtinUnmodelled(kind)
  if (builtin?.apiVersions.includes(apiVersion)) {
    // a real cluster would create it: accepted, and said to be ignored (builtin-kinds.ts)
    const then = builtin.consequence ? `; ${builtin.consequence}` : ''
    ctx.report('warning', 'not-simulated', stub, ['kind'], `${kind} (${apiVersion}) is a built-in kind a real cluster accepts, but the simulator does not model it: this object is ignored here${then}`)
    return
  }
  const near = info || builtin ? undefined : closest(kind, KINDS.map((k) => k.kind))
  const served = info?.apiVersions ?? builtin?.apiVersions
  const hint = served
    ? `${kind} is served at ${served.join(', ')}`
    : near
      ? `did you mean kind: ${near}?`
      : `the simulator knows ${KINDS.map((k) => k.kind).join(', ')}`
  ctx.report('error', 'unknown-kind', stub, [served ? 'apiVersion' : 'kind'], `no matches for kind "${kind}" in version "${apiVersion}"`, { hint })
}

function schemaProblems(ctx: BuildContext, stub: Stub, kind: string, apiVersion: string, problems: ReturnType<typeof checkSchema>): void {
  for (const p of problems) {
    // the API server's decoding error, for unknown fields and wrong types alike
    const message = `${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: ${p.message}`
    ctx.report('error', p.code, stub, p.path, message, { key: p.code === 'unknown-field', hint: p.hint })
  }
}

/** Reports the name's problems; whether there were any. */
function badName(ctx: BuildContext, stub: Stub, name: string, problems: string[]): boolean {
  for (const problem of problems) ctx.report('error', 'invalid-value', stub, ['metadata', 'name'], `metadata.name: Invalid value: "${name}": ${problem}`)
  return problems.length > 0
}

function badLabel(ctx: BuildContext, stub: Stub, k: string, val: string, keyProblems: string[], valueProblems: string[]): true {
  for (const problem of keyProblems) {
    ctx.report('error', 'invalid-value', stub, ['metadata', 'labels', k], `metadata.labels: Invalid value: "${k}": ${problem}`, { key: true })
  }
  for (const problem of valueProblems) {
    ctx.report('error', 'invalid-value', stub, ['metadata', 'labels', k], `metadata.labels: Invalid value: "${val}": ${problem}`)
  }
  return true
}

function badNamespace(ctx: BuildContext, stub: Stub, namespace: string, problems: string[]): void {
  for (const problem of problems) {
    ctx.report('error', 'invalid-value', stub, ['metadata', 'namespace'], `metadata.namespace: Invalid value: "${namespace}": ${problem}`)
  }
}

function duplicate(ctx: BuildContext, stub: Stub, resource: string, namespace: string): void {
  const where = namespace ? ` in namespace "${namespace}"` : ''
  ctx.report('error', 'duplicate', { ...stub, namespace }, ['metadata', 'name'], `${resource} "${stub.name}" already exists${where}`, {
    hint: 'each object needs a unique name within its kind and namespace',
  })
}
