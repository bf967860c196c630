import type { Context } from 'hono'
import { ApiError } from './errors.ts'
import {
  describe,
  readScenarioContent,
  type ScenarioContent,
} from './shared/scenario-content.ts'

const JSON_TYPE = /^application\/json\s*(;|$)/i

/**
 * The request body as a JSON object with no members but `fields`, or an ApiError a person
 * can act on: 415 without a JSON Content-Type, 400 for anything that is not such an object.
 */
export async function readJsonObject(
  c: Context,
  fields: readonly string[],
): Promise<Record<string, unknown>> {
  if (!JSON_TYPE.test(c.req.header('Content-Type') ?? '')) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the body as JSON, with Content-Type: application/json.',
    )
  }
  const text = await c.req.text()
  const example = `{${fields.map((f) => `"${f}": …`).join(', ')}}`
  if (text.trim() === '') {
    throw new ApiError(400, 'invalid_json', `The request body is empty: send a JSON object like ${example}.`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    const reason = (e as Error).message
    throw new ApiError(400, 'invalid_json', `The request body is not valid JSON: ${reason}.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const message = `The request body must be a JSON object like ${example}, not ${describe(value)}.`
    throw new ApiError(400, 'invalid_request', message)
  }
  const unknown = Object.keys(value).filter((k) => !fields.includes(k))
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((k) => `\`${k.slice(0, 40)}\``).join(', ')
    const known = fields.map((f) => `\`${f}\``).join(', ')
    const message = `Unknown field${unknown.length > 1 ? 's' : ''} ${names}: this route reads ${known}.`
    throw new ApiError(400, 'invalid_request', message)
  }
  return value as Record<string, unknown>
}

/** The scenario fields of a body, or a 400 (wrong shape) or 422 (over a limit). */
export function scenarioContent(body: Record<string, unknown>): ScenarioContent {
  const read = readScenarioContent(body)
  if ('content' in read) return read.content
  const { kind, message } = read.problem
  if (kind === 'too-large') throw new ApiError(422, 'limit_exceeded', message)
  throw new ApiError(400, 'invalid_request', message)
}
