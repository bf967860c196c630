/**
 * The network tools as readers see them: curl (8.x wording and exit codes,
 * -v, -i, -w, --resolve, -H Host), BusyBox wget, ping (BusyBox and iputils;
 * a ClusterIP answers only in IPVS mode), nc -z (BusyBox and OpenBSD),
 * traceroute, and the simulated servers' answers.
 */
import { describe, expect, it } from 'vitest'
import { build, pod, sh, shop } from './helpers.ts'

describe('curl', () => {
  const c = build(shop({ extra: [pod('cache', 'node-3', { app: 'cache' }, 'redis:7.4'), pod('mysql', 'node-3', { app: 'db' }, 'mysql:8.4')] }))
  const exec = (cmd: string) => sh(c, `kubectl exec -n prod tools -- ${cmd}`)

  it('/hostname answers with the Pod name, /clientip with the address and port the server saw', () => {
    expect(exec('curl -s web-3.prod.svc.cluster.local/hostname').exitCode).toBe(6) // no such Service
    const hostname = exec('curl -s http://10.244.3.2:8080/hostname')
    expect(hostname).toMatchObject({ exitCode: 0, stdout: 'web-3', stderr: '' })
    expect(exec('curl -s http://10.244.3.2:8080/clientip').stdout).toMatch(/^10\.244\.2\.3:\d{5}$/)
  })

  it('-v prints the connection lines on stderr and the body on stdout', () => {
    const r = exec('curl -v web/hostname')
    expect(r.stdout).toMatch(/^web-\d$/)
    const ip = c.index.service.get('prod/web')!.clusterIPs[0]
    expect(r.stderr.split('\n').slice(0, 11)).toEqual([
      '* Host web:80 was resolved.',
      '* IPv6: (none)',
      `* IPv4: ${ip}`,
      `*   Trying ${ip}:80...`,
      `* Connected to web (${ip}) port 80`,
      '* using HTTP/1.x',
      '> GET /hostname HTTP/1.1',
      '> Host: web',
      '> User-Agent: curl/8.11.1',
      '> Accept: */*',
      '> ',
    ])
    expect(r.stderr).toContain('< HTTP/1.1 200 OK\n')
    expect(r.stderr).toContain('< Content-Type: text/plain; charset=utf-8\n')
    expect(r.stderr.endsWith('* Connection #0 to host web left intact\n')).toBe(true)
  })

  it('refused and -v show the source address and port of the failed connect', () => {
    const r = exec('curl -v empty')
    expect(r.exitCode).toBe(7)
    expect(r.stderr).toMatch(/\* connect to \S+ port 80 from 10\.244\.2\.3 port \d+ failed: Connection refused\n/)
    expect(r.stderr.endsWith("curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server\ncommand terminated with exit code 7\n")).toBe(true)
  })

  it('a port nothing listens on is refused by the Pod', () => {
    expect(exec('curl http://10.244.3.2:9090/').stderr).toBe("curl: (7) Failed to connect to 10.244.3.2 port 9090 after 1 ms: Couldn't connect to server\ncommand terminated with exit code 7\n")
  })

  it('nginx answers its welcome page; -i shows nginx\'s headers', () => {
    const r = exec('curl -si http://10.244.2.4/')
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.27\.5\r\n/)
    expect(r.stdout).toContain('<title>Welcome to nginx!</title>')
    expect(exec('curl -s -o /dev/null -w "%{http_code}" http://10.244.2.4/missing').stdout).toBe('404')
  })

  it('agnhost answers other paths with the time, as netexec\'s root handler does', () => {
    expect(exec('curl -s web/').stdout).toMatch(/^NOW: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 UTC m=\+\d+\.\d{9}$/)
  })

  it('servers that are not HTTP: Redis closes (52), MySQL greets first (1)', () => {
    expect(exec('curl http://10.244.3.3:6379/')).toMatchObject({ exitCode: 52, stderr: 'curl: (52) Empty reply from server\ncommand terminated with exit code 52\n' })
    expect(exec('curl http://10.244.3.4:3306/')).toMatchObject({ exitCode: 1, stderr: 'curl: (1) Received HTTP/0.9 when not allowed\ncommand terminated with exit code 1\n' })
  })

  it('HTTPS to a plain HTTP server fails the TLS handshake (35)', () => {
    expect(exec('curl -k https://10.244.3.2:8080/').exitCode).toBe(35)
  })

  it('-f turns HTTP errors into exit 22; -sS shows errors despite -s', () => {
    expect(exec('curl -sf http://10.244.2.4/missing')).toMatchObject({ exitCode: 22, stdout: '', stderr: 'command terminated with exit code 22\n' })
    expect(exec('curl -sSf http://10.244.2.4/missing').stderr).toBe('curl: (22) The requested URL returned error: 404\ncommand terminated with exit code 22\n')
  })

  it('unknown options are refused as curl does', () => {
    expect(exec('curl --frobnicate web')).toMatchObject({ exitCode: 2, stderr: "curl: option --frobnicate: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\ncommand terminated with exit code 2\n" })
  })

  it('-w reports the local address and port of the connection', () => {
    const r = exec('curl -s -o /dev/null -w "%{local_ip} %{remote_ip}" http://10.244.3.2:8080/')
    expect(r.stdout).toBe('10.244.2.3 10.244.3.2')
  })

  it('on a node, the node is the client', () => {
    expect(sh(c, 'ssh node-3 curl -s http://10.244.3.2:8080/clientip').stdout).toMatch(/^10\.244\.3\.1:\d+$/)
  })
})

describe('wget (BusyBox)', () => {
  const c = build(shop())
  const exec = (cmd: string) => sh(c, `kubectl exec -n prod client -- ${cmd}`)

  it('-qO- prints the body only', () => {
    expect(exec('wget -qO- http://web/hostname')).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^web-\d$/), stderr: '' })
  })

  it('without -q it says where it connects and what it writes', () => {
    const ip = c.index.service.get('prod/web')!.clusterIPs[0]
    expect(exec('wget -O- http://web/hostname').stderr).toMatch(new RegExp(`^Connecting to web \\(${ip.replace(/\./g, '\\.')}:80\\)\\nwriting to stdout\\n-\\s+100% \\|\\*+\\|\\s+5  0:00:00 ETA\\nwritten to stdout\\n$`))
  })

  it('refused and timed out, in BusyBox words', () => {
    const ip = c.index.service.get('prod/empty')!.clusterIPs[0]
    expect(exec('wget http://empty/').stderr).toBe(`Connecting to empty (${ip}:80)\nwget: can't connect to remote host (${ip}): Connection refused\ncommand terminated with exit code 1\n`)
    expect(exec('wget -T 5 http://web:8080/').stderr).toMatch(/wget: download timed out\ncommand terminated with exit code 1\n$/)
  })
})

describe('ping', () => {
  it('a Pod answers; across nodes the TTL shows the two routers', () => {
    const c = build(shop())
    const r = sh(c, 'kubectl exec -n prod client -- ping -c 2 10.244.3.2')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^PING 10\.244\.3\.2 \(10\.244\.3\.2\): 56 data bytes\n64 bytes from 10\.244\.3\.2: seq=0 ttl=62 time=/)
    expect(r.stdout).toContain('2 packets transmitted, 2 packets received, 0% packet loss')
    // the same node, over the bridge: no router
    expect(sh(c, 'kubectl exec -n prod client -- ping -c 1 10.244.1.2').stdout).toContain('ttl=64')
  })

  it('a ClusterIP does not answer in iptables mode (kube-proxy has no ICMP rule, no host owns the address)', () => {
    const c = build(shop())
    const r = sh(c, 'kubectl exec -n prod tools -- ping -c 3 web')
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toMatch(/^PING web\.prod\.svc\.cluster\.local \(\S+\) 56\(84\) bytes of data\.\n\n--- web\.prod\.svc\.cluster\.local ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time \d+ms\n$/)
  })

  it('answers in IPVS mode: the address is bound to kube-ipvs0 on every node', () => {
    const c = build(shop({ cluster: '{proxyMode: ipvs}' }))
    const r = sh(c, 'kubectl exec -n prod tools -- ping -c 1 web')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain('1 packets transmitted, 1 received, 0% packet loss')
  })

  it('is rejected in nftables mode: port unreachable from the node', () => {
    const c = build(shop({ cluster: '{proxyMode: nftables}' }))
    const r = sh(c, 'kubectl exec -n prod tools -- ping -c 1 web')
    expect(r.stdout).toContain('From 10.244.2.1 icmp_seq=1 Destination Port Unreachable')
    expect(r.stdout).toContain('1 packets transmitted, 0 received, +1 errors, 100% packet loss')
  })

  it('an unknown name', () => {
    const c = build(shop())
    expect(sh(c, 'kubectl exec -n prod tools -- ping nowhere')).toMatchObject({ exitCode: 2, stderr: 'ping: nowhere: Name or service not known\ncommand terminated with exit code 2\n' })
    expect(sh(c, 'kubectl exec -n prod client -- ping nowhere')).toMatchObject({ exitCode: 1, stderr: "ping: bad address 'nowhere'\ncommand terminated with exit code 1\n" })
  })
})

describe('nc -z', () => {
  const c = build(shop())

  it('BusyBox: "open" with -v; a refusal is only reported with -vv', () => {
    const ip = c.index.service.get('prod/web')!.clusterIPs[0]
    expect(sh(c, 'kubectl exec -n prod client -- nc -zv web 80')).toMatchObject({ exitCode: 0, stderr: `web (${ip}:80) open\n` })
    expect(sh(c, 'kubectl exec -n prod client -- nc -zv empty 80')).toMatchObject({ exitCode: 1, stderr: 'command terminated with exit code 1\n' })
    expect(sh(c, 'kubectl exec -n prod client -- nc -zvv empty 80').stderr).toMatch(/^nc: empty \(\S+:80\): Connection refused\ncommand terminated with exit code 1\n$/)
  })

  it('OpenBSD netcat: succeeded / failed: Connection refused / timed out', () => {
    const ip = c.index.service.get('prod/web')!.clusterIPs[0]
    expect(sh(c, 'kubectl exec -n prod tools -- nc -zv web 80').stderr).toBe(`Connection to web (${ip}) 80 port [tcp/http] succeeded!\n`)
    expect(sh(c, 'kubectl exec -n prod tools -- nc -zv empty 80').stderr).toBe('nc: connect to empty port 80 (tcp) failed: Connection refused\ncommand terminated with exit code 1\n')
    expect(sh(c, 'kubectl exec -n prod tools -- nc -zv -w 2 web 81').stderr).toBe('nc: connect to web port 81 (tcp) timed out: Operation now in progress\ncommand terminated with exit code 1\n')
  })
})

describe('traceroute', () => {
  it('shows the node gateway, the far node\'s tunnel address and the Pod', () => {
    const c = build(shop())
    const r = sh(c, 'kubectl exec -n prod client -- traceroute 10.244.3.2')
    const hops = r.stdout.split('\n').slice(1, -1).map((l) => l.trim().split(/\s+/)[1])
    expect(r.stdout.split('\n')[0]).toBe('traceroute to 10.244.3.2 (10.244.3.2), 30 hops max, 46 byte packets')
    expect(hops).toEqual(['10.244.1.1', '10.244.3.0', '10.244.3.2'])
  })

  it('to a ClusterIP: the first node, then nothing', () => {
    const c = build(shop())
    const r = sh(c, 'kubectl exec -n prod tools -- traceroute -m 4 web')
    expect(r.stdout.split('\n').slice(1, -1)).toEqual([expect.stringMatching(/^ 1 {2}10\.244\.2\.1 \(10\.244\.2\.1\) /), ' 2  * * *', ' 3  * * *', ' 4  * * *'])
  })
})

describe('from the workstation', () => {
  it('curl reaches NodePorts on node addresses; ping and nc too', () => {
    const c = build(shop())
    expect(sh(c, 'curl -s http://192.168.1.11:30080/hostname').stdout).toMatch(/^web-\d$/)
    expect(sh(c, 'nc -zv 192.168.1.11 30080').stderr).toBe('Connection to 192.168.1.11 30080 port [tcp/*] succeeded!\n')
    expect(sh(c, 'ping -c 1 192.168.1.11').exitCode).toBe(0)
  })
})
