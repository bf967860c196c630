// resource.Quantity as k8s.io/apimachinery/pkg/api/resource/quantity_test.go (v0.34) tests it:
// the tables below are transcribed from TestQuantityParse, TestQuantityString,
// TestQuantityParseEmit, TestQuantityAddZeroPreservesSuffix and TestAdd.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { addQuantity, formatQuantity, parseQuantity, quantityOf, scaledValue, ZERO } from '../../../engine/model/quantity.ts'
import type { Quantity, QuantityFormat } from '../../../engine/model/quantity.ts'
import { percent } from '../../../engine/kubectl/describe.ts'

/** decQuantity(i, exponent, format): i × 10^exponent */
const dec = (i: bigint | number, exponent: number, format: QuantityFormat): Quantity => {
  const shift = exponent + 9
  const n = BigInt(i)
  return { nanos: shift >= 0 ? n * 10n ** BigInt(shift) : n / 10n ** BigInt(-shift), format }
}
const KI = 1024n
const MAX_INT64 = (1n << 63n) - 1n

// TestQuantityParse
const PARSE: [string, Quantity][] = [
  ['0', dec(0, 0, 'DecimalSI')], ['0n', dec(0, 0, 'DecimalSI')], ['0u', dec(0, 0, 'DecimalSI')], ['0m', dec(0, 0, 'DecimalSI')],
  ['0Ki', dec(0, 0, 'BinarySI')], ['0k', dec(0, 0, 'DecimalSI')], ['0Mi', dec(0, 0, 'BinarySI')], ['0M', dec(0, 0, 'DecimalSI')],
  ['0Gi', dec(0, 0, 'BinarySI')], ['0G', dec(0, 0, 'DecimalSI')], ['0Ti', dec(0, 0, 'BinarySI')], ['0T', dec(0, 0, 'DecimalSI')],
  // Quantity less numbers are allowed
  ['1', dec(1, 0, 'DecimalSI')],
  // Binary suffixes
  ['1Ki', dec(KI, 0, 'BinarySI')], ['8Ki', dec(8n * KI, 0, 'BinarySI')], ['7Mi', dec(7n * KI ** 2n, 0, 'BinarySI')],
  ['6Gi', dec(6n * KI ** 3n, 0, 'BinarySI')], ['5Ti', dec(5n * KI ** 4n, 0, 'BinarySI')], ['4Pi', dec(4n * KI ** 5n, 0, 'BinarySI')],
  ['3Ei', dec(3n * KI ** 6n, 0, 'BinarySI')], ['10Ti', dec(10n * KI ** 4n, 0, 'BinarySI')], ['100Ti', dec(100n * KI ** 4n, 0, 'BinarySI')],
  // Decimal suffixes
  ['5n', dec(5, -9, 'DecimalSI')], ['4u', dec(4, -6, 'DecimalSI')], ['3m', dec(3, -3, 'DecimalSI')], ['9', dec(9, 0, 'DecimalSI')],
  ['8k', dec(8, 3, 'DecimalSI')], ['50k', dec(5, 4, 'DecimalSI')], ['7M', dec(7, 6, 'DecimalSI')], ['6G', dec(6, 9, 'DecimalSI')],
  ['5T', dec(5, 12, 'DecimalSI')], ['40T', dec(4, 13, 'DecimalSI')], ['300T', dec(3, 14, 'DecimalSI')], ['2P', dec(2, 15, 'DecimalSI')],
  ['1E', dec(1, 18, 'DecimalSI')],
  // Decimal exponents
  ['1E-3', dec(1, -3, 'DecimalExponent')], ['1e3', dec(1, 3, 'DecimalExponent')], ['1E6', dec(1, 6, 'DecimalExponent')],
  ['1e9', dec(1, 9, 'DecimalExponent')], ['1E12', dec(1, 12, 'DecimalExponent')], ['1e15', dec(1, 15, 'DecimalExponent')],
  ['1E18', dec(1, 18, 'DecimalExponent')],
  // Nonstandard but still parsable
  ['1e14', dec(1, 14, 'DecimalExponent')], ['1e13', dec(1, 13, 'DecimalExponent')], ['100.035k', dec(100035, 0, 'DecimalSI')],
  // Things that look like floating point
  ['0.001', dec(1, -3, 'DecimalSI')], ['0.0005k', dec(5, -1, 'DecimalSI')], ['0.005', dec(5, -3, 'DecimalSI')],
  ['0.05', dec(5, -2, 'DecimalSI')], ['0.5', dec(5, -1, 'DecimalSI')], ['0.00050k', dec(5, -1, 'DecimalSI')],
  ['0.00500', dec(5, -3, 'DecimalSI')], ['0.05000', dec(5, -2, 'DecimalSI')], ['0.50000', dec(5, -1, 'DecimalSI')],
  ['0.5e0', dec(5, -1, 'DecimalExponent')], ['0.5e-1', dec(5, -2, 'DecimalExponent')], ['0.5e-2', dec(5, -3, 'DecimalExponent')],
  ['10.035M', dec(10035, 3, 'DecimalSI')],
  ['1.2e3', dec(12, 2, 'DecimalExponent')], ['1.3E+6', dec(13, 5, 'DecimalExponent')], ['1.40e9', dec(14, 8, 'DecimalExponent')],
  ['1.53E12', dec(153, 10, 'DecimalExponent')], ['1.6e15', dec(16, 14, 'DecimalExponent')], ['1.7E18', dec(17, 17, 'DecimalExponent')],
  ['9.01', dec(901, -2, 'DecimalSI')], ['8.1k', dec(81, 2, 'DecimalSI')], ['7.123456M', dec(7123456, 0, 'DecimalSI')],
  ['6.987654321G', dec(6987654321, 0, 'DecimalSI')], ['5.444T', dec(5444, 9, 'DecimalSI')], ['40.1T', dec(401, 11, 'DecimalSI')],
  ['300.2T', dec(3002, 11, 'DecimalSI')], ['2.5P', dec(25, 14, 'DecimalSI')], ['1.01E', dec(101, 16, 'DecimalSI')],
  // Things that saturate/round
  ['3.001n', dec(4, -9, 'DecimalSI')], ['1.1E-9', dec(2, -9, 'DecimalExponent')], ['0.0000000001', dec(1, -9, 'DecimalSI')],
  ['0.0000000005', dec(1, -9, 'DecimalSI')], ['0.00000000050', dec(1, -9, 'DecimalSI')], ['0.5e-9', dec(1, -9, 'DecimalExponent')],
  ['0.9n', dec(1, -9, 'DecimalSI')], ['0.00000012345', dec(124, -9, 'DecimalSI')], ['0.00000012354', dec(124, -9, 'DecimalSI')],
  ['9Ei', dec(MAX_INT64, 0, 'BinarySI')], ['9223372036854775807Ki', dec(MAX_INT64, 0, 'BinarySI')], ['12E', dec(12, 18, 'DecimalSI')],
  // We'll accept fractional binary stuff, too.
  ['100.035Ki', dec(10243584, -2, 'BinarySI')], ['0.5Mi', dec(512n * KI, 0, 'BinarySI')], ['0.05Gi', dec(536870912, -1, 'BinarySI')],
  ['0.025Ti', dec(274877906944, -1, 'BinarySI')],
  // Things written by trolls
  ['0.000000000001Ki', dec(2, -9, 'DecimalSI')], // rounds up, changes format
  ['.001', dec(1, -3, 'DecimalSI')], ['.0001k', dec(100, -3, 'DecimalSI')], ['1.', dec(1, 0, 'DecimalSI')], ['1.G', dec(1, 9, 'DecimalSI')],
]

// TestQuantityString: [value, canonical text, an alternate text that canonicalizes to it]
const STRING: [Quantity, string, string][] = [
  [dec(KI ** 3n, 0, 'BinarySI'), '1Gi', '1024Mi'],
  [dec(300n * KI ** 2n, 0, 'BinarySI'), '300Mi', '307200Ki'],
  [dec(6n * KI, 0, 'BinarySI'), '6Ki', ''],
  [dec(1001n * KI ** 3n, 0, 'BinarySI'), '1001Gi', '1025024Mi'],
  [dec(KI ** 4n, 0, 'BinarySI'), '1Ti', '1024Gi'],
  [dec(5, 0, 'BinarySI'), '5', '5000m'],
  [dec(500, -3, 'BinarySI'), '500m', '0.5'],
  [dec(1, 9, 'DecimalSI'), '1G', '1000M'],
  [dec(1000, 6, 'DecimalSI'), '1G', '0.001T'],
  [dec(1000000, 3, 'DecimalSI'), '1G', ''],
  [dec(1000000000, 0, 'DecimalSI'), '1G', ''],
  [dec(1, -3, 'DecimalSI'), '1m', '1000u'],
  [dec(80, -3, 'DecimalSI'), '80m', ''],
  [dec(1080, -3, 'DecimalSI'), '1080m', '1.08'],
  [dec(108, -2, 'DecimalSI'), '1080m', '1080000000n'],
  [dec(10800, -4, 'DecimalSI'), '1080m', ''],
  [dec(300, 6, 'DecimalSI'), '300M', ''],
  [dec(1, 12, 'DecimalSI'), '1T', ''],
  [dec(1234567, 6, 'DecimalSI'), '1234567M', ''],
  [dec(1234567, -3, 'BinarySI'), '1234567m', ''],
  [dec(3, 3, 'DecimalSI'), '3k', ''],
  [dec(1025, 0, 'BinarySI'), '1025', ''],
  [dec(0, 0, 'DecimalSI'), '0', ''],
  [dec(0, 0, 'BinarySI'), '0', ''],
  [dec(1, 9, 'DecimalExponent'), '1e9', '.001e12'],
  [dec(1, -3, 'DecimalExponent'), '1e-3', '0.001e0'],
  [dec(1, -9, 'DecimalExponent'), '1e-9', '1000e-12'],
  [dec(80, -3, 'DecimalExponent'), '80e-3', ''],
  [dec(300, 6, 'DecimalExponent'), '300e6', ''],
  [dec(1, 12, 'DecimalExponent'), '1e12', ''],
  [dec(1, 3, 'DecimalExponent'), '1e3', ''],
  [dec(3, 3, 'DecimalExponent'), '3e3', ''],
  [dec(3, 3, 'DecimalSI'), '3k', ''],
  [dec(0, 0, 'DecimalExponent'), '0', '00'],
  [dec(1, -9, 'DecimalSI'), '1n', ''],
  [dec(80, -9, 'DecimalSI'), '80n', ''],
  [dec(1080, -9, 'DecimalSI'), '1080n', ''],
  [dec(108, -8, 'DecimalSI'), '1080n', ''],
  [dec(10800, -10, 'DecimalSI'), '1080n', ''],
  [dec(1, -6, 'DecimalSI'), '1u', ''],
  [dec(80, -6, 'DecimalSI'), '80u', ''],
  [dec(1080, -6, 'DecimalSI'), '1080u', ''],
]

describe('resource.Quantity', () => {
  it('parses as ParseQuantity does: value and format (TestQuantityParse), also negated and with an explicit +', () => {
    for (const [input, want] of PARSE) {
      for (const [text, sign] of [[input, 1n], [`-${input}`, -1n], [`+${input}`, 1n]] as const) {
        const got = parseQuantity(text)
        expect(got, text).toBeDefined()
        expect([text, got!.nanos, got!.format]).toEqual([text, sign * want.nanos, want.format])
      }
    }
  })

  it('refuses what ParseQuantity refuses', () => {
    for (const bad of ['', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ' 1', '1 ', 'Non-Numeric']) {
      expect(parseQuantity(bad), bad).toBeUndefined()
    }
  })

  it('prints the canonical form (TestQuantityString), negated too, and keeps a canonical text it parsed', () => {
    for (const [q, canonical, alternate] of STRING) {
      expect(formatQuantity(q)).toBe(canonical)
      if (q.nanos !== 0n) expect(formatQuantity({ ...q, nanos: -q.nanos })).toBe(`-${canonical}`)
      expect(parseQuantity(canonical)?.text).toBe(canonical)
      if (alternate) {
        const a = parseQuantity(alternate)!
        expect(a.text, alternate).toBeUndefined()
        expect(formatQuantity(a)).toBe(canonical)
      }
    }
  })

  it('parses and prints back (TestQuantityParseEmit)', () => {
    const emit = [['1Ki', '1Ki'], ['1Mi', '1Mi'], ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1000M', '1G'], ['.001Ki', '1024m'], ['.000001Ki', '1024u'], ['.000000001Ki', '1024n'], ['.000000000001Ki', '2n']]
    for (const [input, want] of emit) {
      expect(formatQuantity(parseQuantity(input)!)).toBe(want)
      expect(formatQuantity(parseQuantity(`-${input}`)!)).toBe(`-${want}`)
    }
  })

  it('a sum keeps the format of its first non-zero term (TestAdd, TestQuantityAddZeroPreservesSuffix)', () => {
    expect(addQuantity(dec(10, 0, 'DecimalSI'), dec(1, 1, 'DecimalSI'))).toEqual(dec(20, 0, 'DecimalSI'))
    expect(addQuantity(dec(10, 0, 'DecimalSI'), dec(1, 0, 'BinarySI'))).toEqual(dec(11, 0, 'DecimalSI'))
    expect(addQuantity(dec(10, 0, 'BinarySI'), dec(1, 0, 'DecimalSI'))).toEqual(dec(11, 0, 'BinarySI'))
    for (const v of ['100m', '1Gi']) {
      expect(formatQuantity(addQuantity(parseQuantity(v)!, parseQuantity('0')!))).toBe(v)
      expect(formatQuantity(addQuantity(parseQuantity('0')!, parseQuantity(v)!))).toBe(v)
    }
    expect(formatQuantity(addQuantity(parseQuantity('100m')!, parseQuantity('0.9')!))).toBe('1')
    expect(formatQuantity(addQuantity(parseQuantity('70Mi')!, parseQuantity('1Gi')!))).toBe('1094Mi')
  })

  it('the quantities of everyday manifests, strings or YAML numbers', () => {
    const show = (v: unknown) => {
      const q = quantityOf(v)
      return q && `${formatQuantity(q)} ${scaledValue(q, -3)}m ${scaledValue(q, 0)}`
    }
    expect(show('100m')).toBe('100m 100m 1')
    expect(show(0.5)).toBe('500m 500m 1')
    expect(show(1)).toBe('1 1000m 1')
    expect(show('50Mi')).toBe('50Mi 52428800000m 52428800')
    expect(show('1Gi')).toBe('1Gi 1073741824000m 1073741824')
    expect(show(128974848)).toBe('128974848 128974848000m 128974848')
    expect(show('129e6')).toBe('129e6 129000000000m 129000000')
    expect(show('1e3')).toBe('1e3 1000000m 1000')
    expect(show('1.5Gi')).toBe('1536Mi 1610612736000m 1610612736')
    expect(show('1n')).toBe('1n 1m 1') // Value and MilliValue round up
    expect(show(true)).toBeUndefined()
    expect(formatQuantity(ZERO)).toBe('0')
  })

  it('texts ParseQuantity judged canonical print back as written, quirks included', () => {
    // the fast path keeps the string when the digits neither start with 0 nor end in 000
    for (const t of ['+1', '1.500k', '1E3', '1.', '100m', '1025Ki']) expect(formatQuantity(parseQuantity(t)!)).toBe(t)
    for (const [t, want] of [['1000m', '1'], ['8Ki', '8Ki'], ['0.5', '500m'], ['1e13', '10e12'], ['1.5', '1500m']]) expect(formatQuantity(parseQuantity(t)!)).toBe(want)
  })

  it('what it prints parses back to the same value', () => {
    const format = fc.constantFrom<QuantityFormat>('DecimalSI', 'BinarySI', 'DecimalExponent')
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 27n), 10n ** 27n), format, (nanos, f) => {
        const q: Quantity = { nanos, format: f }
        const again = parseQuantity(formatQuantity(q))
        expect(again?.nanos).toBe(nanos)
      }),
      { numRuns: 500 },
    )
  })
})

describe('describe node percentages', () => {
  it('int64(float64(x) / float64(total) * 100), truncated', () => {
    expect(percent(100n, 2000n)).toBe('5')
    expect(percent(71680n * 1024n, 3907748n * 1024n)).toBe('1') // 70Mi of 3907748Ki
    expect(percent(174080n * 1024n, 3907748n * 1024n)).toBe('4') // 170Mi
    expect(percent(2000n, 2000n)).toBe('100')
    expect(percent(5000n, 2000n)).toBe('250')
    expect(percent(1n, 3n)).toBe('33')
    expect(percent(0n, 2000n)).toBe('0')
  })
  it('a Pod row on a node without the resource: Go turns NaN and Inf into the minimum int64 (amd64)', () => {
    expect(percent(0n, 0n)).toBe('-9223372036854775808')
    expect(percent(100n, 0n)).toBe('-9223372036854775808')
  })
})
