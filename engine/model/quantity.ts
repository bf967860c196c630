/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go): the
 * numbers of requests, limits, capacity and allocatable. A value is kept
 * exactly, as a count of nano-units (ParseQuantity rounds anything finer up to
 * 1n), with the format its suffix chose: DecimalSI (m, k, M...), BinarySI (Ki,
 * Mi...) or DecimalExponent (e3). String() prints the canonical form: the
 * largest suffix of the format that loses nothing.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent'

export interface Quantity {
  readonly nanos: bigint
  readonly format: QuantityFormat
  /** the text as parsed, which String() reprints when ParseQuantity judged it canonical (Quantity.s) */
  readonly text?: string
}

const NANO = 1_000_000_000n
const MAX_INT64 = (1n << 63n) - 1n
/** Not upstream: a longer text or a larger exponent is refused, so that hostile input cannot make huge BigInts. */
const MAX_TEXT = 64
const MAX_EXPONENT = 1000

const DECIMAL = new Map([['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18]])
const BINARY = new Map([['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60]])
const DECIMAL_SUFFIX = new Map([...DECIMAL].map(([s, e]) => [e, s]))
const BINARY_SUFFIX = new Map([...BINARY].map(([s, e]) => [e / 10, s]))

export const ZERO: Quantity = { nanos: 0n, format: 'DecimalSI' }

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'

/** parseQuantityString: sign, digits, fraction and suffix, as loosely as upstream reads them ("1.", ".5", "+1") */
function split(str: string): { positive: boolean; num: string; denom: string; suffix: string } | undefined {
  const end = str.length
  let pos = 0
  let positive = true
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+'
    pos++
  }
  while (pos < end && str[pos] === '0') pos++
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' }
  let i = pos
  while (isDigit(str[i])) i++
  const num = str.slice(pos, i) || '0'
  pos = i
  let denom = ''
  if (str[pos] === '.') {
    i = ++pos
    while (isDigit(str[i])) i++
    denom = str.slice(pos, i)
    pos = i
  }
  const suffixStart = pos
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++
  if (str[pos] === '-' || str[pos] === '+') pos++
  while (isDigit(str[pos])) pos++
  if (pos < end) return undefined
  return { positive, num, denom, suffix: str.slice(suffixStart) }
}

/** suffixer.interpret: base, exponent and format of a suffix */
function interpret(suffix: string): { base: 10 | 2; exp: number; format: QuantityFormat } | undefined {
  const d = DECIMAL.get(suffix)
  if (d !== undefined) return { base: 10, exp: d, format: 'DecimalSI' }
  const b = BINARY.get(suffix)
  if (b !== undefined) return { base: 2, exp: b, format: 'BinarySI' }
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exp = Number(suffix.slice(1))
    if (Math.abs(exp) <= MAX_EXPONENT) return { base: 10, exp, format: 'DecimalExponent' }
  }
  return undefined
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b

/** ParseQuantity; undefined where the API server would refuse the text */
export function parseQuantity(str: string): Quantity | undefined {
  if (str.length === 0 || str.length > MAX_TEXT) return undefined
  if (str === '0') return { nanos: 0n, format: 'DecimalSI', text: str }
  const p = split(str)
  const s = p && interpret(p.suffix)
  if (!p || !s) return undefined
  const digits = BigInt(p.num + p.denom)
  const d = p.denom.length
  const shift = 9 + s.exp - d
  let nanos =
    s.base === 2 ? ceilDiv(digits * (1n << BigInt(s.exp)) * NANO, 10n ** BigInt(d))
    : shift >= 0 ? digits * 10n ** BigInt(shift)
    : ceilDiv(digits, 10n ** BigInt(-shift))
  let format = s.format
  if (format === 'BinarySI' && nanos > MAX_INT64 * NANO) nanos = MAX_INT64 * NANO // the max is a simple cap
  if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI'
  return { nanos: p.positive ? nanos : -nanos, format, text: reusedText(str, p.num, p.denom, s.base, s.exp) }
}

/**
 * ParseQuantity's fast path keeps the text it was given when it looks canonical,
 * and String() prints it back as written ("+1", "1.500k" and "1E3" stay so).
 */
function reusedText(str: string, num: string, denom: string, base: 10 | 2, exp: number): string | undefined {
  let precision: number
  let mantissa = 1n
  if (base === 10) precision = 18 - (num.length + denom.length)
  else if (denom.length === 0) {
    mantissa = 1n << BigInt(exp)
    precision = 15 - num.length - Math.trunc((exp * 3) / 10) - 1
  } else return undefined
  const scale = (base === 10 ? exp : 0) - denom.length
  if (precision < 0 || scale < -9) return undefined
  const shifted = num + denom
  const value = BigInt(shifted)
  if (value * mantissa > MAX_INT64) return undefined
  if (base === 2) return (value & 7n) !== 0n ? str : undefined
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0' ? str : undefined
}

/** A quantity from a manifest: a string, or a number YAML read (JSON numbers parse as their text). */
export function quantityOf(v: unknown): Quantity | undefined {
  if (typeof v === 'string') return parseQuantity(v)
  if (typeof v === 'number' && Number.isFinite(v)) return parseQuantity(String(v))
  return undefined
}

/** Quantity.String(): CanonicalizeBytes and its suffix */
export function formatQuantity(q: Quantity): string {
  if (q.text !== undefined) return q.text
  if (q.nanos === 0n) return '0'
  const sign = q.nanos < 0n ? '-' : ''
  const abs = q.nanos < 0n ? -q.nanos : q.nanos
  // BinarySI only for whole numbers of at least 1024; anything else prints as DecimalSI
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let m = abs / NANO
    let e = 0
    for (; m % 1024n === 0n; e++) m /= 1024n
    return `${sign}${m}${BINARY_SUFFIX.get(e) ?? ''}`
  }
  // base 10: all factors of ten into the exponent, then down to a multiple of 3
  let m = abs
  let e = -9
  for (; m % 10n === 0n; e++) m /= 10n
  for (; e % 3 !== 0; e--) m *= 10n
  // upstream prints no suffix past E (1000E prints "1"); kept as it is
  const suffix = q.format === 'DecimalExponent' ? (e === 0 ? '' : `e${e}`) : (DECIMAL_SUFFIX.get(e) ?? '')
  return `${sign}${m}${suffix}`
}

/** Quantity.Add: the sum keeps the receiver's format, unless the receiver is zero */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format }
}

/** Quantity.Sub, with the same format rule */
export function subQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format }
}

/** Quantity.ScaledValue: Value() (scale 0) and MilliValue() (scale -3), rounded up */
export function scaledValue(q: Quantity, scale: 0 | -3): bigint {
  const unit = scale === 0 ? NANO : NANO / 1000n
  return q.nanos >= 0n ? ceilDiv(q.nanos, unit) : -ceilDiv(-q.nanos, unit)
}

/** resource.NewQuantity(value, format) */
export function newQuantity(value: bigint, format: QuantityFormat): Quantity {
  return { nanos: value * NANO, format }
}
