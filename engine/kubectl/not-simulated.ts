/**
 * What real kubectl has that the simulator does not: its other verbs and flags. A reader who
 * types one is told it exists but is not simulated here, and what to do instead, rather than
 * kubectl's "unknown command", which would teach that it does not exist.
 * (Verbs and flags from kubectl 1.37's `kubectl --help` and `kubectl options`.)
 */

/** Verbs that change the cluster: the scenario's manifests are the cluster here. */
const MUTATING = ['apply', 'create', 'delete', 'edit', 'patch', 'replace', 'label', 'annotate', 'scale', 'autoscale', 'rollout', 'set', 'expose', 'run', 'cordon', 'uncordon', 'drain', 'taint', 'certificate', 'kustomize', 'diff', 'wait']
/** Verbs that need a live process or the API server's machinery. */
const LIVE = ['attach', 'proxy', 'cp', 'explain', 'api-resources', 'api-versions', 'config', 'auth', 'plugin', 'completion', 'alpha', 'options']

/** The message for a real kubectl verb the simulator does not run, or undefined for a verb kubectl does not have. */
export function verbNotSimulated(verb: string, simulated: string[]): string | undefined {
  const list = `simulated: ${simulated.join(', ')}`
  // the shell takes `kubectl [-n NS] run …` itself (kubectl/run.ts); other flags before the verb end here
  if (verb === 'run') return 'error: kubectl run is simulated as a one-off Pod, with its flags after the verb: kubectl run NAME --rm -i --restart=Never --image=IMAGE -- COMMAND'
  if (MUTATING.includes(verb)) return `error: kubectl ${verb} is not simulated here: the manifests you edit are the cluster, so change them and run again (${list})`
  if (LIVE.includes(verb)) return `error: kubectl ${verb} is not simulated here (${list})`
  return undefined
}

/** kubectl's global flags and get's flags that the simulator does not model. */
const FLAGS = [
  'context', 'kubeconfig', 'cluster', 'user', 'server', 's', 'token', 'as', 'as-group', 'as-uid', 'certificate-authority', 'client-certificate', 'client-key', 'insecure-skip-tls-verify', 'tls-server-name', 'request-timeout', 'v', 'vmodule', 'profile', 'profile-output', 'match-server-version', 'warnings-as-errors', 'cache-dir', 'disable-compression', 'log-flush-frequency', 'password', 'username',
  'watch', 'w', 'watch-only', 'output-watch-events', 'chunk-size', 'ignore-not-found', 'raw', 'show-kind', 'show-managed-fields', 'template', 'allow-missing-template-keys', 'subresource', 'server-print', 'filename', 'f', 'kustomize', 'k', 'recursive', 'R', 'selector-columns',
]

/** The message for a real kubectl flag the simulator does not model, or undefined for a flag kubectl does not have. */
export function flagNotSimulated(flag: string): string | undefined {
  const name = flag.replace(/^-+/, '').replace(/=.*$/, '')
  const long = flag.startsWith('--')
  if (!FLAGS.includes(name) || (!long && name.length > 1)) return undefined
  return `error: flag ${flag.replace(/=.*$/, '')} is a real kubectl flag, but it is not simulated here`
}
