/**
 * klog's text format, as Kubernetes components write it to stderr
 * (k8s.io/klog/v2 klog.go formatHeader, textlogger/KV formatting):
 *
 *   I1206 10:00:00.000000       1 server.go:228] "Successfully retrieved NodeIPs" NodeIPs=["192.168.1.11"]
 *
 * Severity letter, month and day, wall time to the microsecond (UTC in a
 * container), the thread id right-aligned in 7 columns, file:line, then the
 * message quoted (structured logging: InfoS/logr) or bare (Printf-style), then
 * key=value pairs: strings %q-quoted, numbers bare, string lists as JSON.
 */

export type Severity = 'I' | 'W' | 'E'

export type KV = [key: string, value: string | number | boolean | string[]]

/** One line of a container's log, with its time (RFC 3339 with microseconds) kept for --timestamps. */
export interface LogLine {
  time: string
  text: string
}

/** Go's %q for the ASCII text these messages hold: backslash and double quote escaped, control bytes as \n, \t, \xNN. */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}

function kvText([k, v]: KV): string {
  if (Array.isArray(v)) return `${k}=[${v.map(goQuote).join(',')}]`
  return `${k}=${typeof v === 'string' ? goQuote(v) : String(v)}`
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/**
 * A time `offsetMicros` after `baseISO`, as RFC 3339 with microseconds.
 *
 * @example
 * addMicros('2026-01-05T12:00:00Z', 412133) // '2026-01-05T12:00:00.412133Z'
 */
export function addMicros(baseISO: string, offsetMicros: number): string {
  const ms = Date.parse(baseISO)
  const base = Number.isNaN(ms) ? 0 : ms
  const totalMicros = base * 1000 + Math.round(offsetMicros)
  const d = new Date(Math.floor(totalMicros / 1000))
  const micros = ((totalMicros % 1_000_000) + 1_000_000) % 1_000_000
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}Z`
}

/** klog's header time: MMDD hh:mm:ss.uuuuuu */
function headerTime(iso: string): string {
  const m = /^\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)\.(\d{6})Z$/.exec(iso)
  return m ? `${m[1]}${m[2]} ${m[3]}.${m[4]}` : '0101 00:00:00.000000'
}

/**
 * One klog line.
 *
 * @example
 * klogLine('I', '2026-01-05T12:00:00.412133Z', 'server_linux.go:254', 'Using nftables Proxier')
 * // 'I0105 12:00:00.412133       1 server_linux.go:254] "Using nftables Proxier"'
 */
export function klogLine(sev: Severity, time: string, where: string, msg: string, kvs: KV[] = [], structured = true): LogLine {
  const head = `${sev}${headerTime(time)} ${String(1).padStart(7)} ${where}] `
  const body = structured ? [goQuote(msg), ...kvs.map(kvText)].join(' ') : msg
  return { time, text: head + body }
}

/**
 * When a container's process started writing: its Pod's creation time plus a
 * fraction of a second fixed by the Pod's name (FNV-1a), so that the Pods of a
 * DaemonSet do not all log at the same microsecond, and runs stay identical.
 */
export function processStart(creationTimestamp: string, podName: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < podName.length; i++) {
    h ^= podName.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return addMicros(creationTimestamp, h % 1_000_000)
}

/**
 * The same line written `deltaMicros` later (another run of the same program): the time moves,
 * and so does a klog header's wall time at the start of the text (other text is left as it is).
 *
 * @example
 * shiftLogLine({ time: '2026-01-05T12:00:00.412133Z', text: 'I0105 12:00:00.412133       1 x.go:1] hi' }, 30_000_000).text
 * // 'I0105 12:00:30.412133       1 x.go:1] hi'
 */
export function shiftLogLine(line: LogLine, deltaMicros: number): LogLine {
  // addMicros reads its base through Date.parse (milliseconds): carry the microseconds over by hand
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(line.time)
  const time = m ? addMicros(`${m[1]}Z`, Number((m[2] ?? '').padEnd(6, '0').slice(0, 6)) + deltaMicros) : addMicros(line.time, deltaMicros)
  const old = headerTime(line.time)
  const text = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} /.test(line.text) && line.text.slice(1, 1 + old.length) === old ? `${line.text[0]}${headerTime(time)}${line.text.slice(1 + old.length)}` : line.text
  return { time, text }
}
