/**
 * Which container of a Pod a command reaches, as kubectl and the kubelet pick it.
 *
 * - By name (kubectl's -c): kubectl looks in spec.containers, then spec.initContainers
 *   (kubectl/pkg/cmd/util/podcmd/podcmd.go FindContainerByName). Of the init containers
 *   only sidecars (restartPolicy Always, KEP-753, GA in 1.33) still run once the Pod runs:
 *   a regular init container has exited, and the kubelet finds no running container of
 *   that name to exec into or to stream from.
 * - Without a name: the kubectl.kubernetes.io/default-container annotation when it names a
 *   container of the Pod (any kind, FindContainerByName), else the first app container
 *   (podcmd.go FindOrDefaultContainerByName).
 */
import type { Container, Pod } from './types.ts'

/** The containers that run beside each other for the Pod's life: app containers, then sidecars. */
export function runningContainers(pod: Pod): Container[] {
  const sidecars = pod.initContainers.filter((c) => c.sidecar)
  return sidecars.length ? [...pod.containers, ...sidecars] : pod.containers
}

/**
 * A running container of the Pod by name: an app container, else a sidecar.
 *
 * @example
 * containerOf(pod, 'mesh-proxy')?.sidecar // true
 */
export function containerOf(pod: Pod, name: string): Container | undefined {
  return pod.containers.find((c) => c.name === name) ?? pod.initContainers.find((c) => c.sidecar && c.name === name)
}

/** Any container the Pod spec names (app, then init, as FindContainerByName), running or not. */
export function specContainerOf(pod: Pod, name: string): Container | undefined {
  return pod.containers.find((c) => c.name === name) ?? pod.initContainers.find((c) => c.name === name)
}

/** The container a command without -c reaches: the default-container annotation's, else the first. */
export function defaultContainerOf(pod: Pod): Container | undefined {
  const wanted = pod.meta.annotations['kubectl.kubernetes.io/default-container']
  return (wanted ? specContainerOf(pod, wanted) : undefined) ?? pod.containers[0]
}

/**
 * The container a command in `pod` runs in: the one named (app or sidecar), else the default.
 * A name that is neither falls back to the default, for callers that validated it already.
 */
export function placeContainer(pod: Pod, name: string | undefined): Container | undefined {
  return (name !== undefined ? containerOf(pod, name) : undefined) ?? defaultContainerOf(pod)
}

/**
 * kubectl's note on stderr when it picks the first container of a Pod that has others
 * (podcmd.go FindOrDefaultContainerByName; allContainerNames lists the app containers, then
 * the init containers, sidecars included, each marked " (init)"); none when the
 * default-container annotation picked it, or when there is nothing else to pick.
 *
 * @example
 * defaultedNote(pod) // 'Defaulted container "app" out of: app, mesh-proxy (init)\n'
 */
export function defaultedNote(pod: Pod): string {
  const wanted = pod.meta.annotations['kubectl.kubernetes.io/default-container']
  if (wanted && specContainerOf(pod, wanted)) return ''
  const first = pod.containers[0]
  if (!first || (pod.containers.length <= 1 && pod.initContainers.length === 0)) return ''
  const names = [...pod.containers.map((c) => c.name), ...pod.initContainers.map((c) => `${c.name} (init)`)]
  return `Defaulted container "${first.name}" out of: ${names.join(', ')}\n`
}
