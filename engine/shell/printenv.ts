/**
 * `printenv NAME…` and `env` inside a container, and the lookup a shell's `$NAME` uses there
 * (container-env.ts says where each variable comes from). Single variables are exact; the
 * whole list is refused: kubelet assembles it from Go maps, so its order changes from one
 * container to the next, and the image's own ENV is not simulated. GNU coreutils and BusyBox
 * printenv agree: each value on its own line, exit status 1 when a name is not set.
 */
import type { Output, Place, Program } from './types.ts'
import type { Cluster } from '../model/types.ts'
import { fail } from './types.ts'
import { simulatorAnswer } from './container-shell.ts'
import type { VariableLookup } from './container-shell.ts'
import { containerEnv, isServiceLinkName } from './container-env.ts'
import { placeContainer } from '../model/containers.ts'

const WHOLE_LIST =
  'the whole environment is not simulated: kubelet builds it from Go maps, so its order changes from container to container, and the image\'s own variables (PATH, HOME, …) are not reproduced; ask for names, e.g. printenv KUBERNETES_SERVICE_HOST'

/** The variables of the container a command runs in; undefined on a node or the workstation. */
export function variableLookup(cluster: Cluster, place: Place): VariableLookup | undefined {
  if (place.kind !== 'pod') return undefined
  const name = placeContainer(place.pod, place.container)?.name
  if (!name) return undefined
  let env: ReturnType<typeof containerEnv> | undefined
  return (v) => {
    // built on the first variable asked for: most scripts have none
    env ??= containerEnv(cluster, place.pod, name)
    const value = env.vars.get(v)
    if (value !== undefined) return value
    const why = env.unknown.get(v)
    if (why) return { refused: `${v} is declared by the container, but ${why}` }
    // only kubelet sets these (or the container declares it, from an optional source that is missing): not set means not set
    if (isServiceLinkName(v) || env.declared.has(v)) return undefined
    return { refused: `${v} is not a variable kubelet or the runtime sets, and the image's own environment (its ENV) is not simulated` }
  }
}

function refuse(message: string): Output {
  return simulatorAnswer(fail(`knet: ${message}`, 2))
}

export const printenvProgram: Program = {
  places: ['pod', 'node'],
  summary: "print a container's environment variables: the Service variables kubelet sets, the container's env, HOSTNAME",
  usage: ['printenv NAME [NAME…]'],
  run(inv) {
    const names = inv.argv.slice(1)
    const lookup = variableLookup(inv.cluster, inv.place)
    if (!lookup) return refuse("a node's login environment is not simulated: printenv runs in a Pod's containers")
    const option = names.find((n) => n.startsWith('-'))
    if (option) return refuse(`printenv ${option} is not simulated here (printenv NAME… is)`)
    if (names.length === 0) return refuse(WHOLE_LIST)
    let stdout = ''
    let missing = false
    for (const n of names) {
      const v = lookup(n)
      if (typeof v === 'object') return refuse(v.refused)
      if (v === undefined) missing = true
      else stdout += `${v}\n`
    }
    return { exitCode: missing ? 1 : 0, stdout, stderr: '' }
  },
}

export const envProgram: Program = {
  places: ['pod', 'node'],
  summary: 'env: the whole environment is not simulated (printenv NAME is)',
  usage: ['env   (refused: use printenv NAME)'],
  run(inv) {
    if (inv.place.kind !== 'pod') return refuse("a node's login environment is not simulated")
    if (inv.argv.length > 1) return refuse('env with options or a command is not simulated here; printenv NAME prints one variable')
    return refuse(WHOLE_LIST)
  },
}
