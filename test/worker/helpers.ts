import { exports } from 'cloudflare:workers'

export const ORIGIN = 'http://knet.test'

export interface PostOptions {
  /** CF-Connecting-IP: give each test its own, so write limits never cross tests */
  ip?: string
  headers?: Record<string, string>
}

/** POSTs `body` (JSON-encoded unless it is a string) to the Worker, as the site would. */
export function post(path: string, body: unknown, { ip = freshIp(), headers = {} }: PostOptions = {}) {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** Any request to the Worker, by path. */
export function fetchWorker(path: string, init?: RequestInit) {
  return exports.default.fetch(`${ORIGIN}${path}`, init)
}

/** The `{ error: { code, message } }` of an error answer, after checking it is JSON. */
export async function errorOf(res: Response) {
  if (!res.headers.get('Content-Type')?.startsWith('application/json')) {
    throw new Error(`expected a JSON error, got ${res.headers.get('Content-Type')}: ${await res.text()}`)
  }
  const body = (await res.json()) as { error: { code: string; message: string } }
  return body.error
}

/** A client address no other test uses: a random /64 in the documentation range. */
export function freshIp() {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2))
  return `2001:db8:${a.toString(16)}:${b.toString(16)}::1`
}
