// groupThousands stands in for toLocaleString('en-US') where the engine writes counts (issue 20:
// the first toLocaleString call builds ICU's formatter, ~10 ms in a fresh isolate). Same text.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { groupThousands } from '../../../engine/text/grouping.ts'

describe('groupThousands', () => {
  it('groups as en-US does', () => {
    expect(groupThousands(0)).toBe('0')
    expect(groupThousands(999)).toBe('999')
    expect(groupThousands(1000)).toBe('1,000')
    expect(groupThousands(1234567)).toBe('1,234,567')
    expect(groupThousands(-12345)).toBe('-12,345')
    expect(groupThousands(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991')
  })

  it('matches toLocaleString("en-US") for every safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => groupThousands(n) === n.toLocaleString('en-US')), { numRuns: 2000 })
    fc.assert(fc.property(fc.integer({ min: -1e7, max: 1e7 }), (n) => groupThousands(n) === n.toLocaleString('en-US')), { numRuns: 2000 })
  })

  it('leaves what is not a safe integer to Intl', () => {
    expect(groupThousands(1234.5)).toBe((1234.5).toLocaleString('en-US'))
    expect(groupThousands(2 ** 60)).toBe((2 ** 60).toLocaleString('en-US'))
  })
})
