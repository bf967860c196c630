/**
 * The CoreDNS release builds the simulator knows: for each version, the Go
 * toolchain it was built with (the tag's .go-version, which Makefile.release
 * exports as GOTOOLCHAIN) and the short commit of the tag (GITCOMMIT). They
 * appear in the startup banner (coremain/version.go showVersion) and in the
 * `coredns_build_info` metric.
 *
 * The default is what kubeadm v1.37 installs: v1.14.4 (kubernetes PR #139735,
 * in v1.37.0-alpha.2; CHANGELOG-1.38's "since v1.37.0" then bumps it to v1.14.7).
 */
export interface CorednsBuild {
  version: string
  go: string
  commit: string
}

const BUILDS: CorednsBuild[] = [
  { version: '1.12.1', go: 'go1.24.1', commit: '707c7c1' },
  { version: '1.14.4', go: 'go1.26.3', commit: '232d7ca' },
]

export const DEFAULT_COREDNS_VERSION = '1.14.4'
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
