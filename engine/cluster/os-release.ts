/**
 * /etc/os-release of the nodes' operating system, for `cat` on a node: the
 * file Ubuntu 24.04.3 ships (base-files, /usr/lib/os-release), as published
 * outputs of `cat /etc/os-release` on that release show it. A node whose
 * osImage the simulator does not know has no such file here.
 */
import type { Cluster } from '../model/types.ts'
import type { Place } from '../shell/types.ts'

const OS_RELEASE: Record<string, string> = {
  'Ubuntu 24.04.3 LTS': [
    'PRETTY_NAME="Ubuntu 24.04.3 LTS"',
    'NAME="Ubuntu"',
    'VERSION_ID="24.04"',
    'VERSION="24.04.3 LTS (Noble Numbat)"',
    'VERSION_CODENAME=noble',
    'ID=ubuntu',
    'ID_LIKE=debian',
    'HOME_URL="https://www.ubuntu.com/"',
    'SUPPORT_URL="https://help.ubuntu.com/"',
    'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"',
    'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"',
    'UBUNTU_CODENAME=noble',
    'LOGO=ubuntu-logo',
    '',
  ].join('\n'),
}

/** The node's /etc/os-release; undefined in a Pod (images differ) or for an OS the simulator does not know. */
export function nodeOsRelease(cluster: Cluster, place: Place): string | undefined {
  if (place.kind !== 'node') return undefined
  const image = cluster.index.node.get(place.node.meta.name)?.nodeInfo.osImage
  return image ? OS_RELEASE[image] : undefined
}
