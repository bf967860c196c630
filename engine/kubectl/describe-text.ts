/** Pieces of k8s.io/kubectl/pkg/describe that every describer prints the same way. */

/** time.RFC1123Z, as describe prints timestamps */
export function rfc1123z(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number) => String(n).padStart(2, '0')
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

/** printLabelsMultiline: first on the labelled line, the rest on their own tabbed lines */
export function multiline(title: string, m: Record<string, string>, indent = ''): string {
  const keys = Object.keys(m).sort()
  if (keys.length === 0) return `${indent}${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${indent}${title}:` : ''}\t${k}=${m[k]}\n`).join('')
}

/** printAnnotationsMultiline, without kubectl's last-applied-configuration */
export function annotations(m: Record<string, string>): string {
  const keys = Object.keys(m).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort()
  if (keys.length === 0) return 'Annotations:\t<none>\n'
  return keys.map((k, i) => `${i === 0 ? 'Annotations:' : ''}\t${k}: ${m[k]}\n`).join('')
}
