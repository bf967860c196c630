/**
 * The SHA-512 CoreDNS's reload plugin logs at startup: sha512 of
 * json.Marshal(caddyfile.Parse(Corefile)) (coredns/coredns plugin/reload,
 * coredns/caddy caddyfile). The two expected digests are the ones real
 * kubeadm clusters print for kubeadm's Corefile with and without the
 * `cache 30 { disable success/denial … }` block (kubernetes/kubernetes#128359).
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sha512Hex } from '../../../engine/kubectl/coredns-digest.ts'
import { corefileDigest, corefileDirectives } from '../../../engine/kubectl/coredns-digest.ts'
import { kubeadmCorefile } from '../../../engine/dns/corefile.ts'

describe('sha512', () => {
  it('matches node:crypto across block boundaries (FIPS 180-4 padding at 111/112 bytes)', () => {
    for (const m of ['', 'abc', 'x'.repeat(111), 'x'.repeat(112), 'é'.repeat(200)]) {
      expect(sha512Hex(m)).toBe(createHash('sha512').update(m).digest('hex'))
    }
  })
})

describe('the reload plugin\'s Corefile digest', () => {
  it('is what kubeadm clusters log for kubeadm\'s current Corefile', () => {
    expect(corefileDigest(kubeadmCorefile('cluster.local'))).toBe(
      '1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b',
    )
  })

  it('is what older kubeadm clusters log for the Corefile with a bare `cache 30`', () => {
    const older = kubeadmCorefile('cluster.local').replace(/cache 30 \{[^}]*\}/, 'cache 30')
    expect(corefileDigest(older)).toBe(
      '591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908',
    )
  })

  it('ignores what the parser ignores (comments, blank lines, carriage returns) but not what it keeps (line numbers)', () => {
    const base = kubeadmCorefile('cluster.local')
    expect(corefileDigest(base.replace('    errors\n', '    errors # log errors\n').replace(/\n/g, '\r\n'))).toBe(corefileDigest(base))
    expect(corefileDigest(`\n${base}`)).not.toBe(corefileDigest(base))
  })

  it('gives no digest for what it does not expand (import, snippets, environment variables)', () => {
    expect(corefileDigest('.:53 {\n    import common\n}\n')).toBeUndefined()
    expect(corefileDigest('.:53 {\n    forward . {$UPSTREAM}\n}\n')).toBeUndefined()
    expect(corefileDirectives(kubeadmCorefile('cluster.local'))?.has('reload')).toBe(true)
  })
})
