/**
 * JSON with object keys in code-unit order at every level, so equal values always give
 * the same text (and the same hash), whatever order their keys were built in. Values
 * JSON cannot hold are treated as `JSON.stringify` treats them: `undefined` members are
 * left out, and `undefined` array items and non-finite numbers become `null`.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, undefined] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null'
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') return write(toJSON.call(value))
      if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`
      const members: string[] = []
      for (const key of Object.keys(value).sort()) {
        const text = write((value as Record<string, unknown>)[key])
        if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`)
      }
      return `{${members.join(',')}}`
    }
    default:
      // undefined, functions, symbols: left out, as JSON.stringify leaves them out
      return undefined
  }
}
