import { flagNotSimulated } from './not-simulated.ts'

/** The flags kubectl get/describe take here, parsed as kubectl (cobra/pflag) does. */
export interface KubectlFlags {
  verb: string
  args: string[]
  namespace: string
  allNamespaces: boolean
  selector?: string
  /** --field-selector */
  fieldSelector?: string
  output?: string
  showLabels: boolean
  /** -L/--label-columns, each flag's comma-separated keys in order */
  labelColumns: string[]
  noHeaders: boolean
  /** --sort-by (kubectl get only) */
  sortBy?: string
}

export function parseKubectlFlags(argv: string[]): KubectlFlags | { error: string } {
  const f: KubectlFlags = { verb: '', args: [], namespace: 'default', allNamespaces: false, showLabels: false, labelColumns: [], noHeaders: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (name: string): string | { error: string } => {
      const eq = a.indexOf('=')
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1)
      // pflag's shorthand forms: -oVALUE and -o=VALUE
      if (!a.startsWith('--') && a.length > 2) return a[2] === '=' ? a.slice(3) : a.slice(2)
      const v = argv[++i]
      if (v === undefined) return { error: `error: flag needs an argument: ${a.startsWith('--') ? `--${name}` : `'${a[1]}' in ${a}`}` }
      return v
    }
    const take = (name: string, set: (v: string) => void): { error: string } | undefined => {
      const v = value(name)
      if (typeof v !== 'string') return v
      set(v)
      return undefined
    }
    let e: { error: string } | undefined
    if (a === '-n' || a.startsWith('--namespace') || (a.startsWith('-n') && !a.startsWith('--'))) e = take('namespace', (v) => (f.namespace = v))
    else if (a === '-A' || a === '--all-namespaces' || a === '--all-namespaces=true') f.allNamespaces = true
    else if (a === '-l' || a.startsWith('--selector') || (a.startsWith('-l') && !a.startsWith('--'))) e = take('selector', (v) => (f.selector = v))
    else if (a === '-o' || a.startsWith('--output') || (a.startsWith('-o') && !a.startsWith('--'))) e = take('output', (v) => (f.output = v))
    else if (a === '--show-labels' || a === '--show-labels=true') f.showLabels = true
    else if (a === '--field-selector' || a.startsWith('--field-selector=')) e = take('field-selector', (v) => (f.fieldSelector = v))
    else if (a === '-L' || a.startsWith('--label-columns') || (a.startsWith('-L') && !a.startsWith('--'))) e = take('label-columns', (v) => f.labelColumns.push(...v.split(',').filter((k) => k !== '')))
    else if (a === '--no-headers' || a === '--no-headers=true') f.noHeaders = true
    else if (a === '--sort-by' || a.startsWith('--sort-by=')) e = take('sort-by', (v) => (f.sortBy = v))
    else if (a.startsWith('-') && a !== '-') return { error: flagNotSimulated(a) ?? `error: unknown flag: ${a}\nSee 'kubectl ${f.verb ? `${f.verb} --help` : '--help'}' for usage.` }
    else if (!f.verb) f.verb = a
    else f.args.push(a)
    if (e) return e
  }
  return f
}
