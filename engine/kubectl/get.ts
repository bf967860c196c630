/**
 * kubectl get TYPE[,TYPE…] [NAME…] [-n NS | -A] [-l SELECTOR] [-L KEY,…] [--show-labels] [--no-headers]
 *   [-o wide|yaml|json|name|jsonpath=…|jsonpath-as-json=…|custom-columns=…]
 */
import type { Cluster, JsonObject, ObjectMeta } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { matchesRequirements, parseSelectorText, formatLabels } from '../cluster/selector.ts'
import type { Requirement } from '../cluster/selector.ts'
import { table } from '../text/tabwriter.ts'
import { ALL_CATEGORY, resourceType, unknownTypeMessage } from './resources.ts'
import type { ResourceType } from './resources.ts'
import { adapterFor } from './catalog.ts'
import { listObject, toJsonText, toYamlText } from './output-formats.ts'
import type { KubectlFlags } from './flags.ts'
import { fieldFilter } from './field-selector.ts'
import { printerFor, printGeneric } from './output-printers.ts'
import { sortOrder } from './sort-by.ts'
import type { Printer } from './output-printers.ts'
import { refuseUnsimulated } from './unsimulated-data.ts'
import { noticesFirst } from '../shell/result.ts'
import { ENDPOINTS_DEPRECATED } from './api-warnings.ts'

export function kubectlGet(cluster: Cluster, f: KubectlFlags): Output {
  // warnings come before the output, as in a terminal
  return noticesFirst(getRun(cluster, f))
}

function getRun(cluster: Cluster, f: KubectlFlags): Output {
  if (f.args.length === 0) return noResourceType()
  // TYPE/NAME forms, or TYPE[,TYPE] NAME...
  const wanted: { rt: ResourceType; names: string[] }[] = []
  if (f.args[0].includes('/')) {
    const r = slashForms(f.args)
    if (!Array.isArray(r)) return r
    wanted.push(...r)
  } else {
    // SplitResourceArgument (cli-runtime builder.go) drops a repeated word
    for (const t of new Set(f.args[0].split(','))) {
      // `all` is the category: the types in it that are simulated (resources.ts)
      const types = t === 'all' ? ALL_CATEGORY.map((r) => resourceType(r)!) : [resourceType(t)]
      for (const rt of types) {
        if (!rt) return fail(unknownTypeMessage(t))
        wanted.push({ rt, names: f.args.slice(1) })
      }
    }
  }
  let reqs: Requirement[] = []
  if (f.selector !== undefined) {
    const r = parseSelectorText(f.selector)
    if (typeof r === 'string') return fail(`error: ${r}`)
    reqs = r
  }
  const printer = printerFor(f.output ?? '')
  if ('error' in printer) return fail(printer.error)
  const output = printer.kind === 'table' ? printer.format : ''
  // get.go: MultipleTypesRequested (`all`, or a list of two types or more) prints TYPE/NAME
  const multi = wanted.length > 1 || f.args[0].split(',').includes('all')
  const sections: string[] = []
  const errors: string[] = []
  const objects: JsonObject[] = []
  const names: string[] = []
  let any = false
  for (const { rt, names: wantedNames } of wanted) {
    const ad = adapterFor(rt)
    const unlisted = ad.unlisted?.(f.allNamespaces ? undefined : f.namespace)
    if (unlisted) return fail(unlisted)
    const byField = f.fieldSelector === undefined ? undefined : fieldFilter(rt, f.fieldSelector)
    if (byField && 'error' in byField) return fail(byField.error)
    let items = ad.items(cluster).filter((x) => {
      const m: ObjectMeta = ad.meta(x)
      if (rt.namespaced && !f.allNamespaces && m.namespace !== f.namespace) return false
      if (byField && !byField.test(x)) return false
      return matchesRequirements(reqs, m.labels)
    })
    if (wantedNames.length) {
      const picked: unknown[] = []
      for (const n of wantedNames) {
        const x = items.find((i) => ad.meta(i).name === n)
        if (x) picked.push(x)
        else errors.push(`Error from server (NotFound): ${rt.resource}${rt.prefix.includes('.') ? '.' + rt.prefix.split('.').slice(1).join('.') : ''} "${n}" not found`)
      }
      items = picked
    }
    // the API server lists by storage key (/registry/RESOURCE/NAMESPACE/NAME): namespace, then name
    if (wantedNames.length === 0) {
      items = [...items].sort((a, b) => {
        const x = ad.meta(a)
        const y = ad.meta(b)
        return x.namespace < y.namespace ? -1 : x.namespace > y.namespace ? 1 : x.name < y.name ? -1 : x.name > y.name ? 1 : 0
      })
    }
    if (items.length === 0) continue
    // --sort-by on a table: each type's Table is sorted by its rows' objects, twice (get.go
    // RuntimeSorter, then SortingPrinter); named objects come one Table each, so only checked
    if (f.sortBy !== undefined && printer.kind === 'table') {
      const sorted = sortItems(items, (x) => ad.json(x, cluster), f.sortBy, wantedNames.length ? 'check' : 2)
      if ('error' in sorted) return fail(sorted.error)
      items = sorted.items
    }
    any = true
    for (const x of items) {
      objects.push(ad.json(x, cluster))
      names.push(`${rt.prefix}/${ad.meta(x).name}`)
    }
    if (printer.kind === 'table') {
      const showNs = f.allNamespaces && rt.namespaced
      const whole = output === 'wide' && ad.table.wideRow ? ad.table.wideRow.bind(ad.table) : undefined
      // printers.go formatLabelHeaders: a -L column is headed by the key's last path segment in capitals
      const labelHeaders = f.labelColumns.map((k) => k.split('/').pop()!.toUpperCase())
      const header = [...(showNs ? ['NAMESPACE'] : []), ...(whole ? ad.table.wideHeaders : [...ad.table.headers, ...(output === 'wide' ? ad.table.wideHeaders : [])]), ...labelHeaders, ...(f.showLabels ? ['LABELS'] : [])]
      const rows = items.map((x) => {
        const m = ad.meta(x)
        if (whole) return [...(showNs ? [m.namespace] : []), ...whole(x, cluster), ...f.labelColumns.map((k) => m.labels[k] ?? ''), ...(f.showLabels ? [formatLabels(m.labels)] : [])]
        const cells = ad.table.row(x, cluster)
        if (multi) cells[0] = `${rt.prefix}/${cells[0]}`
        return [...(showNs ? [m.namespace] : []), ...cells, ...(output === 'wide' ? ad.table.wide(x, cluster) : []), ...f.labelColumns.map((k) => m.labels[k] ?? ''), ...(f.showLabels ? [formatLabels(m.labels)] : [])]
      })
      sections.push(table(f.noHeaders ? rows : [header, ...rows]))
    }
  }
  // the API server's warning on every request for v1 Endpoints (api-warnings.ts)
  const deprecated = wanted.some((w) => w.rt.kind === 'Endpoints') ? ENDPOINTS_DEPRECATED : ''
  const stderr = deprecated + errors.map((e) => `${e}\n`).join('')
  const data = { items: objects }
  // the other printers: compiled only when asked for (issue 20)
  if (printer.kind !== 'table') {
    // printGeneric: the objects as one List, sorted once by the SortingPrinter (a single named object is not a list)
    const single = objects.length === 1 && wanted.length === 1 && wanted[0].names.length === 1
    if (f.sortBy !== undefined && !single && objects.length > 0) {
      const order = sortOrder(objects, f.sortBy, 1)
      if (!Array.isArray(order)) return fail(order.error)
      const o = order.map((i) => objects[i])
      const n = order.map((i) => names[i])
      objects.splice(0, objects.length, ...o)
      names.splice(0, names.length, ...n)
    }
    return printObjects(printer, objects, names, wanted, errors, stderr, data, f.noHeaders)
  }
  if (!any) return nothingFound(f, wanted, errors, stderr, data)
  return { ...ok(sections.join('\n'), data), stderr, exitCode: errors.length ? 1 : 0 }
}

function noResourceType(): Output {
  return fail('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples')
}

/** Nothing to print: the NotFound errors, or "No resources found". */
function nothingFound(f: KubectlFlags, wanted: { rt: ResourceType; names: string[] }[], errors: string[], stderr: string, data: { items: JsonObject[] }): Output {
  if (errors.length) return { exitCode: 1, stdout: '', stderr, data }
  // cmd/get/get.go: "No resources found in NS namespace." when every type is namespaced and
  // no -A, else "No resources found" (Fprintln, no full stop)
  const namespaced = !f.allNamespaces && wanted.every((w) => w.rt.namespaced)
  // (stderr holds the API server's warnings, if any)
  return { exitCode: 0, stdout: '', stderr: stderr + (namespaced ? `No resources found in ${f.namespace} namespace.\n` : 'No resources found\n'), data }
}

/** TYPE/NAME arguments, grouped by type (kubectl get pod/a svc/b). */
function slashForms(args: string[]): { rt: ResourceType; names: string[] }[] | Output {
  const wanted: { rt: ResourceType; names: string[] }[] = []
  for (const a of args) {
    const [t, n] = a.split('/', 2)
    const rt = resourceType(t)
    if (!rt) return fail(unknownTypeMessage(t))
    if (!a.includes('/')) return fail('error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. \'kubectl get resource/<resource_name>\' instead of \'kubectl get resource resource/<resource_name>\'')
    const existing = wanted.find((w) => w.rt === rt)
    if (existing) existing.names.push(n)
    else wanted.push({ rt, names: [n] })
  }
  return wanted
}

/** -o json, yaml, name, jsonpath, custom-columns: the objects printed whole, or their names, or the template's text. */
function printObjects(printer: Exclude<Printer, { kind: 'table' }>, objects: JsonObject[], names: string[], wanted: { rt: ResourceType; names: string[] }[], errors: string[], stderr: string, data: { items: JsonObject[] }, noHeaders: boolean): Output {
  if (printer.kind === 'json' || printer.kind === 'yaml') {
    const single = objects.length === 1 && wanted.length === 1 && wanted[0].names.length === 1
    const doc = single ? objects[0] : listObject(objects)
    if (objects.length === 0 && errors.length) return { exitCode: 1, stdout: '', stderr, data }
    const text = printer.kind === 'json' ? toJsonText(doc) : toYamlText(doc)
    // an object whose values are not simulated is refused rather than printed with stand-ins
    return refuseUnsimulated(text, objects) ?? { exitCode: errors.length ? 1 : 0, stdout: text, stderr, data }
  }
  if (printer.kind === 'name') return { exitCode: errors.length ? 1 : 0, stdout: names.map((n) => `${n}\n`).join(''), stderr, data }
  // jsonpath, custom-columns (get.go printGeneric): one named object is printed as itself, anything else as a List
  const single = objects.length === 1 && wanted.length === 1 && wanted[0].names.length === 1
  if (objects.length === 0 && errors.length && single) return { exitCode: 1, stdout: '', stderr, data }
  const r = printGeneric(printer as Extract<Printer, { kind: 'jsonpath' | 'custom-columns' }>, single ? objects[0] : listObject(objects), noHeaders)
  const refused = refuseUnsimulated(r.stdout, objects)
  if (refused) return refused
  return { exitCode: errors.length || r.error ? 1 : 0, stdout: r.stdout, stderr: stderr + (r.error ?? ''), data }
}

/** Sorts one type's rows for --sort-by, or checks each named object has the field ('check'). */
function sortItems<T>(items: T[], json: (x: T) => JsonObject, sortBy: string, passes: 2 | 'check'): { items: T[] } | { error: string } {
  if (passes === 'check') {
    for (const x of items) {
      const r = sortOrder([json(x)], sortBy, 2)
      if (!Array.isArray(r)) return r
    }
    return { items }
  }
  const order = sortOrder(items.map(json), sortBy, 2)
  return Array.isArray(order) ? { items: order.map((i) => items[i]) } : order
}
