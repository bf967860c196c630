/**
 * kubectl wait --for=condition=NAME[=VALUE] (TYPE NAME… | TYPE/NAME… | TYPE -l SELECTOR | TYPE --all)
 * [-n NS] [--timeout=DURATION], as kubectl pkg/cmd/wait: each object's status.conditions is read
 * (type and status compared case-insensitively, VALUE "true" by default); a met one prints
 * "PREFIX/NAME condition met". The simulated cluster does not change while kubectl waits, so an
 * unmet condition is never met: kubectl gives up after --timeout (30s by default) with
 * "timed out waiting for the condition on RESOURCE/NAME", and so does --for=delete.
 */
import type { Cluster } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { read } from '../cluster/context.ts'
import { matchesRequirements, parseSelectorText } from '../cluster/selector.ts'
import { adapterFor } from './catalog.ts'
import { resourceType } from './resources.ts'

export function kubectlWait(c: Cluster, argv: string[]): Output {
  let namespace = 'default'
  let forText: string | undefined
  let selector: string | undefined
  let all = false
  const args: string[] = []
  const rest = argv.slice(1)
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i])
    if (a === '-n' || a === '--namespace' || a.startsWith('--namespace=')) namespace = value() ?? ''
    else if (/^-n.+/.test(a)) namespace = a.slice(2)
    else if (a === '--for' || a.startsWith('--for=')) forText = value()
    else if (a === '-l' || a === '--selector' || a.startsWith('--selector=')) selector = value()
    else if (a === '--all' || a === '--all=true') all = true
    else if (a === '--timeout' || a.startsWith('--timeout=')) value()
    else if (a.startsWith('-')) return fail(`error: unknown flag: ${a.replace(/=.*$/, '')}`)
    else args.push(a)
  }
  if (!namespace) return fail('error: flag needs an argument: --namespace')
  if (forText === undefined) return fail('error: --for must be set')
  let condition: { name: string; value: string } | undefined
  if (forText.startsWith('condition=')) {
    const body = forText.slice('condition='.length)
    const eq = body.indexOf('=')
    condition = eq < 0 ? { name: body, value: 'true' } : { name: body.slice(0, eq), value: body.slice(eq + 1) }
  } else if (forText.toLowerCase() !== 'delete') {
    if (forText.startsWith('jsonpath=') || forText.startsWith('create')) return fail(`error: kubectl wait --for=${forText.split('=')[0]} is not simulated here (simulated: --for=condition=…, --for=delete)`)
    return fail(`error: unrecognized condition: "${forText}"`)
  }
  // the objects: TYPE/NAME…, or TYPE then names, a selector or --all
  const targets: { typeText: string; name?: string }[] = []
  if (args.length && args[0].includes('/')) {
    if (!args.every((x) => x.includes('/'))) return fail('error: arguments in resource/name form must have a single resource and name')
    for (const x of args) targets.push({ typeText: x.slice(0, x.indexOf('/')), name: x.slice(x.indexOf('/') + 1) })
  } else if (args.length) {
    if (args.length === 1 && selector === undefined && !all) return fail(`error: resource(s) were provided, but no name was specified`)
    for (const name of args.slice(1)) targets.push({ typeText: args[0], name })
    if (args.length === 1) targets.push({ typeText: args[0] })
  } else return fail('error: You must provide one or more resources by argument or filename.')
  let reqs: ReturnType<typeof parseSelectorText> = []
  if (selector !== undefined) {
    reqs = parseSelectorText(selector)
    if (typeof reqs === 'string') return fail(`error: ${reqs}`)
  }
  let stdout = ''
  let visited = 0
  for (const t of targets) {
    const rt = resourceType(t.typeText)
    if (!rt) return { exitCode: 1, stdout, stderr: `error: the server doesn't have a resource type "${t.typeText}"\n` }
    const ad = adapterFor(rt)
    const inScope = ad.items(c).filter((x) => !rt.namespaced || ad.meta(x).namespace === namespace)
    const group = rt.prefix.includes('.') ? `.${rt.prefix.split('.').slice(1).join('.')}` : ''
    const picked = t.name !== undefined ? inScope.filter((x) => ad.meta(x).name === t.name) : inScope.filter((x) => typeof reqs !== 'string' && matchesRequirements(reqs, ad.meta(x).labels))
    if (t.name !== undefined && picked.length === 0) return { exitCode: 1, stdout, stderr: `Error from server (NotFound): ${rt.resource}${group} "${t.name}" not found\n` }
    const sorted = [...picked].sort((x, y) => (ad.meta(x).name < ad.meta(y).name ? -1 : 1))
    for (const x of sorted) {
      visited++
      const name = ad.meta(x).name
      const o = ad.json(x, c)
      const met =
        condition !== undefined &&
        read
          .arr(read.fields(o.status).conditions)
          .map(read.fields)
          .some((k) => String(k.type ?? '').toLowerCase() === condition.name.toLowerCase() && String(k.status ?? '').toLowerCase() === condition.value.toLowerCase())
      // a condition whose type is absent is not met either: kubectl keeps waiting for it
      if (!met) return { exitCode: 1, stdout, stderr: `error: timed out waiting for the condition on ${rt.resource}/${name}\n` }
      stdout += `${rt.prefix}/${name} condition met\n`
    }
  }
  if (visited === 0) return { exitCode: 1, stdout, stderr: 'error: no matching resources found\n' }
  return { exitCode: 0, stdout, stderr: '' }
}
