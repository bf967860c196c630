import type { Cluster } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
export function convertProgram(_c: Cluster, _args: string[]): Output {
  return fail('gateway convert: not written yet', 2)
}
