/**
 * ConfigMaps whose existence and keys are known but whose values the simulator
 * cannot write exactly. Each value holds a marker: the listing counts the keys
 * as `kubectl get cm` does, and a printer whose output reaches a marked value
 * (-o yaml, -o json, a jsonpath or custom-columns template that reads the data)
 * is refused with a notice instead of printing a guess.
 */
import type { Output } from '../shell/types.ts'

const MARK = 'knet-value-not-simulated'
const why = new Map<string, string>()

/** The data of `namespace/name`: its true keys, each holding the marker, and the reason kept for the notice. */
export function unsimulatedData(namespace: string, name: string, keys: string[], reason: string): Record<string, string> {
  why.set(`${namespace}/${name}`, reason)
  return Object.fromEntries(keys.map((k) => [k, MARK]))
}

/** The refusal when printed text holds a marked value, naming each such object in `objects`. */
export function refuseUnsimulated(text: string, objects: { metadata?: unknown; data?: unknown }[]): Output | undefined {
  if (!text.includes(MARK)) return undefined
  const lines: string[] = []
  for (const o of objects) {
    if (!o.data || !Object.values(o.data as Record<string, unknown>).includes(MARK)) continue
    const m = o.metadata as { namespace?: string; name?: string }
    const key = `${m.namespace}/${m.name}`
    lines.push(`error: the data of configmap ${key} is not simulated here: ${why.get(key) ?? 'its values are not reproduced'} (kubectl get cm -n ${m.namespace} ${m.name} shows its keys counted under DATA)`)
  }
  return { exitCode: 1, stdout: '', stderr: lines.map((l) => `${l}\n`).join('') }
}
