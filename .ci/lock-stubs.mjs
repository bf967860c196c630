// Works around npm/cli#9846 on this project's registry, which does not serve every platform's
// optional binaries (e.g. @pagefind/darwin-arm64): `npm install` leaves them out of
// package-lock.json, and `npm ci` then rejects the lock as out of sync. This adds a platform-
// tagged entry for each package that `npm ci` reports missing; npm skips them on other
// platforms and keeps them on later installs. After a dependency bump, if `npm ci` reports
// "Missing: NAME@ from lock file": node .ci/lock-stubs.mjs && npm install --package-lock-only
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const LOCK = 'package-lock.json'

function missingFromLock() {
  try {
    execFileSync('npm', ['ci', '--dry-run', '--ignore-scripts'], { stdio: 'pipe' })
    return []
  } catch (error) {
    const output = String(error.stderr)
    return [...output.matchAll(/^npm error Missing: (.+)@ from lock file$/gm)].map((m) => m[1])
  }
}

// The os/cpu/libc a platform package is for, read off its name (darwin-arm64, win32-x64-msvc...).
function platformOf(name) {
  const tail = name.split('/').pop()
  const os = [
    ['darwin', /darwin/],
    ['win32', /win32|windows/],
    ['android', /android/],
    ['freebsd', /freebsd/],
    ['linux', /linux/],
  ].find(([, pattern]) => pattern.test(tail))?.[0]
  const cpu = [
    ['arm64', /arm64/],
    ['wasm32', /wasm32/],
    ['x64', /x64|-64$/],
  ].find(([, pattern]) => pattern.test(tail))?.[0]
  const libc = /musl/.test(tail) ? 'musl' : /gnu/.test(tail) ? 'glibc' : undefined
  return { ...(os && { os: [os] }), ...(cpu && { cpu: [cpu] }), ...(libc && { libc: [libc] }) }
}

const missing = new Set(missingFromLock())
const lock = JSON.parse(readFileSync(LOCK, 'utf8'))
const packages = lock.packages
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (!missing.has(name)) continue
    // Resolution walks up from the parent's folder: the stub goes beside the parent.
    const at = `${path.slice(0, path.lastIndexOf('node_modules/'))}node_modules/${name}`
    if (packages[at]) continue
    packages[at] = { version, ...(entry.dev && { dev: true }), optional: true, ...platformOf(name) }
    console.log(`stubbed ${at}@${version}`)
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`)
