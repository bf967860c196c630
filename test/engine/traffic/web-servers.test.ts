/**
 * What the official nginx and httpd images answer, header for header, as captures of
 * nginx:1.27 (1.27.5) and httpd:2.4 show them: nginx's header filter order (Server, Date,
 * Content-Type, Content-Length, Last-Modified, Connection, then ETag and Accept-Ranges) and
 * httpd's stock index.html (2007's mtime, ETag "2d-432a5e4a73a80").
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const c = cluster(`apiVersion: v1
kind: Pod
metadata: {name: tools}
spec:
  containers: [{name: t, image: nicolaka/netshoot:v0.13, command: [sleep, infinity]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: apache}
spec:
  containers: [{name: httpd, image: httpd:2.4, ports: [{containerPort: 80}]}]
`)
const ip = (name: string) => c.pods.find((p) => p.meta.name === name)!.podIPs[0]
const head = (url: string) => sh(c, `kubectl exec tools -- curl -sI ${url}`).stdout.split('\r\n').map((l) => l.replace(/^Date: .*/, 'Date: *'))

describe('nginx:1.27', () => {
  it('answers its welcome page with the headers in nginx order and its version', () => {
    expect(head(`http://${ip('web')}/`)).toEqual(['HTTP/1.1 200 OK', 'Server: nginx/1.27.5', 'Date: *', 'Content-Type: text/html', 'Content-Length: 615', 'Last-Modified: Wed, 16 Apr 2025 12:01:11 GMT', 'Connection: keep-alive', 'ETag: "67ff9c07-267"', 'Accept-Ranges: bytes', '', ''])
  })
  it('and a missing page with its 153-byte error page naming the version', () => {
    const r = sh(c, `kubectl exec tools -- curl -si http://${ip('web')}/nope`).stdout
    expect(r).toContain('Content-Length: 153\r\nConnection: keep-alive\r\n\r\n')
    expect(r).toContain('<hr><center>nginx/1.27.5</center>')
  })
})

describe('httpd', () => {
  it('answers "It works!" with the stock file\'s Last-Modified and ETag', () => {
    expect(head(`http://${ip('apache')}/`)).toEqual(['HTTP/1.1 200 OK', 'Date: *', 'Server: Apache/2.4.63 (Unix)', 'Last-Modified: Mon, 11 Jun 2007 18:53:14 GMT', 'ETag: "2d-432a5e4a73a80"', 'Accept-Ranges: bytes', 'Content-Length: 45', 'Content-Type: text/html', '', ''])
  })
})
