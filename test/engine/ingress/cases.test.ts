/**
 * The acceptance cases of test/fixtures/cases/ingress, one describe per case:
 * every `ingress` check is asked twice, through routeIngress (the trace
 * module's entry) and through the `ingress route` command (the reader's), and
 * both must give the expected Service and port, or 404.
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import { routeIngress, validateIngresses } from '../../../engine/ingress/index.ts'
import { loadCase, readCases } from './helpers.ts'
import type { IngressCheck } from './helpers.ts'

/** Checks this suite does not run, with the reason (none: every check passes). */
const cases = readCases('ingress')

describe('ingress cases', () => {
  it('includes the shared cases and the documentation and conformance ones added here', () => {
    const names = cases.map((c) => c.file)
    for (const f of [
      'conformance-path-rules.yaml',
      'conformance-host-rules.yaml',
      'conformance-default-backend.yaml',
      'conformance-ingress-class.yaml',
      'docs-path-examples-table.yaml',
      'docs-host-wildcard.yaml',
      'docs-default-backend-only.yaml',
      'ingress-nginx-merge.yaml',
    ]) {
      expect(names).toContain(f)
    }
  })

  for (const c of cases) {
    describe(`${c.file}: ${c.name}`, () => {
      const { cluster, errors } = loadCase(c)
      it('loads without errors, and the API server would accept every Ingress', () => {
        expect(errors).toEqual([])
        expect(validateIngresses(cluster).filter((p) => p.severity === 'error')).toEqual([])
      })
      c.checks.forEach((raw, i) => {
        if (!('ingress' in raw)) return
        const ch = raw as IngressCheck
        const { host, path } = ch.ingress
        const want = 'status' in ch.expect ? '404' : `${ch.expect.service}:${ch.expect.port}`
        it(`#${i} ${host}${path} → ${want}`, () => {
          const r = routeIngress(cluster, { host, path })
          if (!r.ok) throw new Error(r.error)
          const cmd = runCommand(cluster, `ingress route '${host}' '${path}'`)
          if ('status' in ch.expect) {
            expect(r.status, r.reason).toBe(404)
            expect(r.backend).toBeUndefined()
            expect(cmd.data).toEqual({ status: 404 })
            expect(cmd.exitCode).toBe(1)
          } else {
            expect(r.status, `${r.reason}; ${r.notes.join('; ')}`).toBe(200)
            expect({ service: r.backend?.serviceName, port: r.backend?.port }).toEqual(ch.expect)
            expect(r.backend?.service?.meta.name).toBe(ch.expect.service)
            expect(cmd.data).toMatchObject({ backend: ch.expect })
            expect(cmd.exitCode).toBe(0)
          }
        })
      })
    })
  }
})
