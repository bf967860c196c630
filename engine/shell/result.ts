/** The answer to one command line: the contract between the engine, the API, the site and tests. */
export interface CommandResult {
  command: string
  exitCode: number
  stdout: string
  stderr: string
  /** the structured answer, when the command has one */
  data?: unknown
  /**
   * How many characters at the start of stderr the program wrote before any of its stdout
   * (kubectl's notices "Found 3 pods, using pod/…" and "Defaulted container …"): a terminal
   * shows them first. Absent: stdout comes first.
   */
  stderrFirst?: number
}

/** What a program gives back; the shell adds the command line. */
export type Output = Omit<CommandResult, 'command'>

/** kubectl's notices written to stderr before the output (polymorphichelpers logsForObject, podcmd.FindOrDefaultContainerByName, the API server's warnings). */
const KUBECTL_NOTICE = /^(Found \d+ pods, using pod\/\S+|Defaulted container "[^"]*" out of: .*|Warning: v1 Endpoints is deprecated in v1\.33\+; use discovery\.k8s\.io\/v1 EndpointSlice)\n/

/**
 * Marks the kubectl notices at the start of `out.stderr` as written before stdout.
 *
 * @example
 * noticesFirst({ exitCode: 0, stdout: 'log\n', stderr: 'Found 2 pods, using pod/web-1\n' }).stderrFirst // 29
 */
export function noticesFirst(out: Output): Output {
  let n = 0
  for (let m = KUBECTL_NOTICE.exec(out.stderr); m; m = KUBECTL_NOTICE.exec(out.stderr.slice(n))) n += m[0].length
  return n > 0 && out.stdout ? { ...out, stderrFirst: n } : out
}
