/**
 * A running container's status.image is the reference as containerd records it (fully
 * qualified, tagged), as a v1.37 cluster on containerd shows `nginx:1.27` as
 * `docker.io/library/nginx:1.27`; a container not created yet shows the spec's.
 */
import { describe, expect, it } from 'vitest'
import { normalizedImage } from '../../../engine/kubectl/api-objects.ts'
import { cluster, sh } from '../core/helpers.ts'

describe('normalizedImage (distribution/reference ParseDockerRef)', () => {
  const cases: [string, string][] = [
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nicolaka/netshoot:v0.13', 'docker.io/nicolaka/netshoot:v0.13'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['registry.k8s.io/e2e-test-images/agnhost:2.53', 'registry.k8s.io/e2e-test-images/agnhost:2.53'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['localhost/app:1', 'localhost/app:1'],
    ['Registry/app', 'Registry/app:latest'],
    ['nginx@sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d', 'docker.io/library/nginx@sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d'],
  ]
  for (const [ref, want] of cases) it(`${ref} → ${want}`, () => expect(normalizedImage(ref)).toBe(want))
})

describe('status.containerStatuses[].image', () => {
  it('is the normalized reference once the container runs; the spec keeps what was written', () => {
    const c = cluster('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: nginx, image: "nginx:1.27"}]\n')
    expect(sh(c, 'kubectl get pod web -o jsonpath={.spec.containers[0].image}/{.status.containerStatuses[0].image}').stdout).toBe('nginx:1.27/docker.io/library/nginx:1.27')
    expect(sh(c, 'kubectl describe pod web').stdout).toContain('    Image:          nginx:1.27\n')
  })
})
