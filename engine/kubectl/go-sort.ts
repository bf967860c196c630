/**
 * Go's sort.Sort, step for step (src/sort/zsortinterface.go, Go 1.24 and later: pattern-defeating
 * quicksort, insertion sort under 13 elements, heapsort after too many bad pivots). It is not a
 * stable sort, and kubectl's --sort-by uses it: to print equal keys in the order kubectl prints
 * them, the simulator must swap exactly as Go does. breakPatterns' generator is the 64-bit
 * xorshift (13, 7, 17) Go has used since golang/go#70144.
 */
export interface GoSortable {
  len: number
  less(i: number, j: number): boolean
  swap(i: number, j: number): void
}

/** bits.Len: the number of bits needed to represent x (0 for 0). */
function bitsLen(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x)
}

export function goSort(data: GoSortable): void {
  const n = data.len
  if (n <= 1) return
  pdqsort(data, 0, n, bitsLen(n))
}

function insertionSort(d: GoSortable, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && d.less(j, j - 1); j--) d.swap(j, j - 1)
  }
}

function siftDown(d: GoSortable, lo: number, hi: number, first: number): void {
  let root = lo
  for (;;) {
    let child = 2 * root + 1
    if (child >= hi) return
    if (child + 1 < hi && d.less(first + child, first + child + 1)) child++
    if (!d.less(first + root, first + child)) return
    d.swap(first + root, first + child)
    root = child
  }
}

function heapSort(d: GoSortable, a: number, b: number): void {
  const hi = b - a
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, a)
  for (let i = hi - 1; i >= 0; i--) {
    d.swap(a, a + i)
    siftDown(d, 0, i, a)
  }
}

const INCREASING = 1
const DECREASING = 2

function pdqsort(d: GoSortable, a: number, b: number, limit: number): void {
  let wasBalanced = true
  let wasPartitioned = true
  for (;;) {
    const length = b - a
    if (length <= 12) {
      insertionSort(d, a, b)
      return
    }
    if (limit === 0) {
      heapSort(d, a, b)
      return
    }
    if (!wasBalanced) {
      breakPatterns(d, a, b)
      limit--
    }
    let [pivot, hint] = choosePivot(d, a, b)
    if (hint === DECREASING) {
      reverseRange(d, a, b)
      pivot = b - 1 - (pivot - a)
      hint = INCREASING
    }
    if (wasBalanced && wasPartitioned && hint === INCREASING && partialInsertionSort(d, a, b)) return
    if (a > 0 && !d.less(a - 1, pivot)) {
      a = partitionEqual(d, a, b, pivot)
      continue
    }
    const [mid, already] = partition(d, a, b, pivot)
    wasPartitioned = already
    const left = mid - a
    const right = b - mid
    const threshold = Math.floor(length / 8)
    if (left < right) {
      wasBalanced = left >= threshold
      pdqsort(d, a, mid, limit)
      a = mid + 1
    } else {
      wasBalanced = right >= threshold
      pdqsort(d, mid + 1, b, limit)
      b = mid
    }
  }
}

function partition(d: GoSortable, a: number, b: number, pivot: number): [number, boolean] {
  d.swap(a, pivot)
  let i = a + 1
  let j = b - 1
  while (i <= j && d.less(i, a)) i++
  while (i <= j && !d.less(j, a)) j--
  if (i > j) {
    d.swap(j, a)
    return [j, true]
  }
  d.swap(i, j)
  i++
  j--
  for (;;) {
    while (i <= j && d.less(i, a)) i++
    while (i <= j && !d.less(j, a)) j--
    if (i > j) break
    d.swap(i, j)
    i++
    j--
  }
  d.swap(j, a)
  return [j, false]
}

function partitionEqual(d: GoSortable, a: number, b: number, pivot: number): number {
  d.swap(a, pivot)
  let i = a + 1
  let j = b - 1
  for (;;) {
    while (i <= j && !d.less(a, i)) i++
    while (i <= j && d.less(a, j)) j--
    if (i > j) break
    d.swap(i, j)
    i++
    j--
  }
  return i
}

function partialInsertionSort(d: GoSortable, a: number, b: number): boolean {
  let i = a + 1
  for (let step = 0; step < 5; step++) {
    while (i < b && !d.less(i, i - 1)) i++
    if (i === b) return true
    if (b - a < 50) return false
    d.swap(i, i - 1)
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!d.less(j, j - 1)) break
        d.swap(j, j - 1)
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!d.less(j, j - 1)) break
        d.swap(j, j - 1)
      }
    }
  }
  return false
}

const MASK64 = (1n << 64n) - 1n

function breakPatterns(d: GoSortable, a: number, b: number): void {
  const length = b - a
  if (length < 8) return
  let r = BigInt(length)
  const modulus = 1 << bitsLen(length)
  const base = a + Math.floor(length / 4) * 2
  for (let idx = base - 1; idx <= base + 1; idx++) {
    r ^= (r << 13n) & MASK64
    r ^= r >> 7n
    r ^= (r << 17n) & MASK64
    let other = Number(r & BigInt(modulus - 1))
    if (other >= length) other -= length
    d.swap(idx, a + other)
  }
}

function choosePivot(d: GoSortable, a: number, b: number): [number, number] {
  const l = b - a
  const swaps = { n: 0 }
  let i = a + Math.floor(l / 4)
  let j = a + Math.floor(l / 4) * 2
  let k = a + Math.floor(l / 4) * 3
  if (l >= 8) {
    if (l >= 50) {
      i = median(d, i - 1, i, i + 1, swaps)
      j = median(d, j - 1, j, j + 1, swaps)
      k = median(d, k - 1, k, k + 1, swaps)
    }
    j = median(d, i, j, k, swaps)
  }
  return [j, swaps.n === 0 ? INCREASING : swaps.n === 12 ? DECREASING : 0]
}

function median(d: GoSortable, a: number, b: number, c: number, swaps: { n: number }): number {
  const order = (x: number, y: number): [number, number] => {
    if (d.less(y, x)) {
      swaps.n++
      return [y, x]
    }
    return [x, y]
  }
  ;[a, b] = order(a, b)
  ;[b, c] = order(b, c)
  ;[a, b] = order(a, b)
  return b
}

function reverseRange(d: GoSortable, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) d.swap(i, j)
}
