/**
 * Starting and stopping a local `wrangler dev` for the browser tests and the
 * load test: a free port on 127.0.0.1, a wait until it answers, a clean stop
 * of its whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'

export interface DevServer {
  baseURL: string
  /** stops wrangler dev and the workerd it started */
  close(): Promise<void>
}

/**
 * `wrangler dev` on a free 127.0.0.1 port with its state under `state`, in its
 * own process group (so stopping it also stops workerd), answering /api/health.
 */
export async function startWranglerDev(o: { root: string; state: string; env: NodeJS.ProcessEnv; args?: string[] }): Promise<DevServer> {
  const port = await freePort()
  const server = spawn(
    process.execPath,
    [
      join(o.root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      ...['--ip', '127.0.0.1', '--port', String(port)],
      ...['--inspector-ip', '127.0.0.1', '--inspector-port', String(await freePort())],
      ...['--persist-to', o.state, '--show-interactive-dev-session=false', '--log-level', 'warn'],
      ...(o.args ?? []),
    ],
    { cwd: o.root, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  // Should the parent itself be killed, take the server down with it.
  const killOnExit = () => server.pid && process.kill(-server.pid, 'SIGKILL')
  process.once('exit', killOnExit)
  let output = ''
  server.stdout?.on('data', (d) => (output += d))
  server.stderr?.on('data', (d) => (output += d))
  const close = async () => {
    process.off('exit', killOnExit)
    await stop(server)
  }
  const baseURL = `http://127.0.0.1:${port}`
  try {
    await waitUntilUp(server, `${baseURL}/api/health`, () => output)
  } catch (error) {
    await close()
    throw error
  }
  return { baseURL, close }
}

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
