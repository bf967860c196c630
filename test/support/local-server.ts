/**
 * Starting and stopping a local `wrangler dev` for the browser tests and the
 * load test: a free port on 127.0.0.1, a wait until it answers, a clean stop
 * of its whole process group.
 */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

const STARTUP_MS = 60_000

export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

export async function waitUntilUp(server: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_MS
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with ${server.exitCode}:\n${output()}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`wrangler dev did not answer ${url} within ${STARTUP_MS} ms:\n${output()}`)
}

export async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return
  const exited = new Promise((r) => server.once('exit', r))
  process.kill(-server.pid, 'SIGTERM')
  const timeout = setTimeout(() => process.kill(-server.pid!, 'SIGKILL'), 5_000)
  await exited
  clearTimeout(timeout)
}
