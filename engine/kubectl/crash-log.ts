/**
 * What one attempt of a container that cannot bind its port writes before it exits
 * (cluster/port-conflicts.ts decides which containers those are), for `kubectl logs` and
 * `kubectl logs --previous`. Only programs whose words are confirmed from their sources:
 *
 * - The official nginx image (nginxinc/docker-nginx, 1.25 and later):
 *   docker-entrypoint.sh echoes each script of /docker-entrypoint.d/ it runs;
 *   10-listen-on-ipv6-by-default.sh adds `listen [::]:80;` to default.conf (a restarted
 *   container is a new container with a fresh default.conf, so it says so every time);
 *   15-local-resolvers.envsh, 20-envsubst-on-templates.sh and 30-tune-worker-processes.sh
 *   stay silent without their variables or /etc/nginx/templates. Then nginx binds each
 *   listen socket (src/core/ngx_connection.c ngx_open_listening_sockets): five tries, 500 ms
 *   apart, each failure an `[emerg] bind() to ADDR failed (98: Address already in use)`,
 *   a `[notice] try again to bind() after 500ms` after each failed round, and finally
 *   `[emerg] still could not bind()`; exit code 1. Every message goes to the error log
 *   (/var/log/nginx/error.log, a link to /dev/stderr, opened as a file of its own) with
 *   nginx's cached time (not updated while it retries, so one second for all), and, while
 *   nginx is still starting, an [emerg] goes to stderr too as `nginx: [emerg] …`
 *   (src/core/ngx_log.c ngx_log_error_core: ngx_use_stderr, and the log's fd is not 2).
 *
 * A container whose `command` replaces the image's entrypoint, or whose `args` do not start
 * nginx, is left out too: what it runs is not the image's default.
 *
 * Left out (the caller says so): agnhost netexec, whose HTTP bind error races its UDP
 * server's goroutine ("Started UDP server …" may or may not come first), and the images
 * whose messages are not confirmed here (httpd, Redis, CoreDNS, …).
 *
 * The microseconds between the lines are the simulator's choice (fixed, so runs repeat).
 */
import type { Container, Pod } from '../model/types.ts'
import { addMicros } from '../text/klog.ts'
import type { LogLine } from '../text/klog.ts'
import { imageName, imageTag } from '../traffic/servers.ts'

const pad2 = (n: number) => String(n).padStart(2, '0')

/** nginx's error-log time (ngx_times.c ngx_cached_err_log_time: "%4d/%02d/%02d %02d:%02d:%02d", UTC in a container). */
function errLogTime(iso: string): string {
  const d = new Date(Date.parse(iso))
  return `${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
}

/** The official nginx image at 1.25 or later (or an unversioned tag: latest, stable, alpine, …). */
function modernNginx(image: string): boolean {
  if (imageName(image) !== 'nginx') return false
  const m = /^(\d+)\.(\d+)/.exec(imageTag(image))
  if (!m) return true
  const [major, minor] = [Number(m[1]), Number(m[2])]
  return major > 1 || (major === 1 && minor >= 25)
}

/** The entrypoint's lines, as the official image's scripts print them (before nginx starts). */
const ENTRYPOINT = [
  '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
  '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
  '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
  '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
  '/docker-entrypoint.sh: Configuration complete; ready for start up',
]

/**
 * The log of one failed attempt that started at `startISO`, or undefined when the engine does
 * not know what the container's program prints.
 *
 * @example
 * crashAttemptLog(pod, container, '2026-01-15T11:57:30Z')!.at(-1)!.text // 'nginx: [emerg] still could not bind()'
 */
export function crashAttemptLog(pod: Pod, c: Container, startISO: string): LogLine[] | undefined {
  if (!c.crash || !modernNginx(c.image)) return undefined
  // the image's ENTRYPOINT and CMD as they are: a `command` replaces docker-entrypoint.sh, and
  // `args` other than nginx's own make it skip its scripts (and may run another program)
  const raw = (pod.raw as { spec?: { containers?: { name?: string; command?: unknown; args?: unknown }[] } }).spec?.containers?.find((x) => x.name === c.name)
  const args = Array.isArray(raw?.args) ? raw.args : undefined
  if (raw?.command !== undefined || (args && args[0] !== 'nginx' && args[0] !== 'nginx-debug')) return undefined
  const port = c.crash.port.port
  const out: LogLine[] = []
  const at = (micros: number, text: string) => out.push({ time: addMicros(startISO, micros), text })
  ENTRYPOINT.forEach((text, i) => at(3_000 + i * 2_500, text))
  // nginx starts; its cached time is set once, before the listen sockets are opened
  const nginxStart = 28_000
  const stamp = `${errLogTime(addMicros(startISO, nginxStart))} `
  const emerg = (t: number, msg: string) => {
    at(t, `${stamp}[emerg] 1#1: ${msg}`)
    at(t + 20, `nginx: [emerg] ${msg}`)
  }
  let t = nginxStart + 1_200
  for (let round = 0; round < 5; round++) {
    // default.conf's two listen sockets, in their order: listen 80; listen [::]:80;
    emerg(t, `bind() to 0.0.0.0:${port} failed (98: Address already in use)`)
    emerg(t + 60, `bind() to [::]:${port} failed (98: Address already in use)`)
    at(t + 100, `${stamp}[notice] 1#1: try again to bind() after 500ms`)
    t += 500_000 + 150
  }
  emerg(t, 'still could not bind()')
  return out
}
