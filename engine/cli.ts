/// <reference types="node" />
/**
 * The engine's command line — the one file in engine/ that uses Node APIs
 * (files, stdin, exit codes); everything it calls is the pure engine.
 *
 *   npm run -s knet -- -f scenario.yaml [-f more.yaml] [--json] 'COMMAND' ['COMMAND' …]
 *
 * Builds the cluster once and runs the commands in order, printing as a
 * terminal would, or one JSON result per line with --json. Like
 * `kubectl apply -f`, an object with an error is refused (its diagnostic is
 * printed) and the commands run on everything else. Exit code: 2 when the
 * manifests have errors, otherwise the last command's.
 */
import { readFileSync } from 'node:fs'
import { formatDiagnostic, loadScenario, runCommand, Session } from './index.ts'
import { policyMatrixDiff } from './policy/matrix-diff-command.ts'

function usage(): never {
  process.stderr.write("usage: knet -f scenario.yaml [-f more.yaml] [--json] 'COMMAND' ['COMMAND' …]\n       (-f - reads the scenario from standard input)\n")
  process.exit(2)
}

function main(argv: string[]): number {
  const files: string[] = []
  const commands: string[] = []
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-f' || a === '--filename') {
      const f = argv[++i]
      if (f === undefined) usage()
      files.push(f)
    } else if (a.startsWith('--filename=')) files.push(a.slice(11))
    else if (a === '--json') json = true
    else if (a === '-h' || a === '--help') usage()
    else commands.push(a)
  }
  const sources = files.map((name) => {
    try {
      return { name: name === '-' ? '<stdin>' : name, text: readFileSync(name === '-' ? 0 : name, 'utf8') }
    } catch (e) {
      process.stderr.write(`knet: cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
      process.exit(2)
    }
  })
  const { cluster, diagnostics } = loadScenario(sources.length ? sources : '')
  const names = sources.map((s) => s.name)
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, names)}\n`)
  let code = 0
  // the commands of one invocation are one run: they share its state (a namespace made by ip netns add …)
  const session = new Session(cluster)
  for (const c of commands) {
    // `policy matrix --diff OTHER.yaml` reads a second scenario: only here are there files
    const r = policyMatrixDiff(cluster, c, loadOther) ?? runCommand(cluster, c, session)
    if (json) process.stdout.write(`${JSON.stringify(r)}\n`)
    else {
      // kubectl's notices were written before the output (CommandResult.stderrFirst)
      const first = r.stderr.slice(0, r.stderrFirst ?? 0)
      process.stderr.write(first)
      process.stdout.write(r.stdout)
      process.stderr.write(r.stderr.slice(first.length))
    }
    code = r.exitCode
  }
  return diagnostics.some((d) => d.severity === 'error') ? 2 : code
}

function loadOther(file: string): ReturnType<typeof loadScenario>['cluster'] | { error: string } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    return { error: `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }
  }
  const { cluster, diagnostics } = loadScenario([{ name: file, text }])
  const errors = diagnostics.filter((d) => d.severity === 'error')
  return errors.length ? { error: `it has errors:\n${errors.map((d) => formatDiagnostic(d, [file])).join('\n')}` } : cluster
}

process.exitCode = main(process.argv.slice(2))
