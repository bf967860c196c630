/**
 * `bridge fdb show`: the forwarding entries of the VXLAN devices (which node's
 * address each peer's tunnel MAC lives behind), in iproute2's layout
 * (bridge/fdb.c print_fdb: MAC, "dev" only without a device filter, dst,
 * flags, state) and in the kernel's dump order.
 *
 * Order (Linux 6.8 drivers/net/vxlan/vxlan_core.c): the table is FDB_HASH_SIZE
 * (256) lists indexed by eth_hash(mac) — the six MAC bytes read as a
 * little-endian u64 shifted left 16, times GOLDEN_RATIO_64, top 8 bits — and
 * vxlan_fdb_dump walks them from 0, each list newest first (hlist_add_head).
 * A bridge's own entries and its ports' (multicast addresses, learned Pod
 * MACs) are not simulated.
 */
import type { FdbEntry, NetNS } from './model.ts'

const GOLDEN_RATIO_64 = 0x61c8864680b583ebn
const MASK_64 = (1n << 64n) - 1n

/** eth_hash(): the bucket of a MAC in a VXLAN device's FDB. */
export function ethHash(mac: string): number {
  const bytes = mac.split(':').map((h) => BigInt(parseInt(h, 16)))
  let value = 0n
  for (let i = 0; i < 6; i++) value |= bytes[i] << BigInt(8 * i)
  value = (value << 16n) & MASK_64
  return Number(((value * GOLDEN_RATIO_64) & MASK_64) >> 56n)
}

/** The entries in dump order: by bucket, the newest first within one. */
export function fdbDumpOrder(entries: FdbEntry[]): FdbEntry[] {
  return entries
    .map((e, i) => ({ e, i, h: ethHash(e.mac) }))
    .sort((a, b) => a.h - b.h || b.i - a.i)
    .map((x) => x.e)
}

/** `bridge fdb [show] [dev DEV]` */
export function formatFdb(ns: NetNS, dev: string | undefined): { text: string; entries: FdbEntry[] } {
  const byDev = new Map<string, FdbEntry[]>()
  for (const e of ns.fdb ?? []) byDev.set(e.dev, [...(byDev.get(e.dev) ?? []), e])
  // devices in ifindex order, as the dump walks them
  const devices = ns.links.filter((l) => byDev.has(l.name) && (!dev || l.name === dev))
  const entries = devices.flatMap((l) => fdbDumpOrder(byDev.get(l.name)!))
  const text = entries.map((e) => `${e.mac} ${dev ? '' : `dev ${e.dev} `}dst ${e.dst} self permanent\n`).join('')
  return { text, entries }
}
