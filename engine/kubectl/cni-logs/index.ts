/** The CNI agents whose logs `kubectl logs` writes (each file names its sources). */
import type { LogSource } from '../log-source.ts'
import { calicoLogSource } from './calico.ts'
import { flannelLogSource } from './flannel.ts'

export const CNI_LOG_SOURCES: LogSource[] = [flannelLogSource, calicoLogSource]
