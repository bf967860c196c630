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

const MAX_ANNOTATION_LEN = 140
const utf8 = new TextEncoder()

/** Go's len(): bytes, not characters */
function byteLen(s: string): number {
  return utf8.encode(s).length
}

/** describe.go shorten: the first maxLength bytes and "..." */
function shorten(s: string, maxLength: number): string {
  const b = utf8.encode(s)
  return b.length > maxLength ? `${new TextDecoder().decode(b.subarray(0, maxLength))}...` : s
}

/**
 * printAnnotationsMultiline, without kubectl's last-applied-configuration: an annotation
 * longer than 140 bytes with its key, or of several lines, goes below its key, each line
 * indented and cut at 138 bytes with "..." (describe.go maxAnnotationLen, shorten).
 */
export function annotations(m: Record<string, string>): string {
  const keys = Object.keys(m).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort()
  if (keys.length === 0) return 'Annotations:\t<none>\n'
  return keys.map((k, i) => {
    const lead = i === 0 ? 'Annotations:\t' : '\t'
    const value = m[k].endsWith('\n') ? m[k].slice(0, -1) : m[k]
    if (byteLen(value) + byteLen(k) + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      return `${lead}${k}:\n${value.split('\n').map((line) => `\t  ${shorten(line, MAX_ANNOTATION_LEN - 2)}\n`).join('')}`
    }
    return `${lead}${k}: ${value}\n`
  }).join('')
}
