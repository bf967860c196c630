/**
 * The CoreDNS release builds the simulator knows: for each version, the Go
 * toolchain it was built with (the tag's .go-version, which Makefile.release
 * exports as GOTOOLCHAIN) and the short commit of the tag (GITCOMMIT). They
 * appear in the startup banner (coremain/version.go showVersion) and in the
 * `coredns_build_info` metric.
 *
 * The default is what kubeadm v1.37 installs: v1.14.6 (kubernetes PR #140497,
 * "bump coredns to v1.14.6", approved 2026-07-17, before the v1.37 code freeze
 * of 2026-07-23; PR #141462 then moved master "from v1.14.6 to v1.14.7" after
 * the thaw, which CHANGELOG-1.38 lists "since v1.37.0"). v1.14.4 (PR #139735,
 * v1.37.0-alpha.2) is kept for scenarios that pin it.
 */
export interface CorednsBuild {
  version: string
  go: string
  commit: string
}

const BUILDS: CorednsBuild[] = [
  { version: '1.12.1', go: 'go1.24.1', commit: '707c7c1' },
  { version: '1.14.4', go: 'go1.26.3', commit: '232d7ca' },
  { version: '1.14.6', go: 'go1.26.5', commit: '424d125' },
]

export const DEFAULT_COREDNS_VERSION = '1.14.6'
export const DEFAULT_COREDNS_IMAGE = `registry.k8s.io/coredns/coredns:v${DEFAULT_COREDNS_VERSION}`

/**
 * The build of a CoreDNS version (`1.14.4` or `v1.14.4`), when the simulator knows it.
 *
 * @example
 * corednsBuild('v1.14.4')?.go // 'go1.26.3'
 */
export function corednsBuild(version: string): CorednsBuild | undefined {
  const v = version.replace(/^v/, '')
  return BUILDS.find((b) => b.version === v)
}
