/**
 * Every program the simulated shell knows. Each module that adds commands
 * exports its programs; this table is the one place they are joined.
 */
import type { Program } from './types.ts'
import { kubectlProgram } from '../kubectl/program.ts'
import { helpProgram } from './help.ts'

export const PROGRAMS: Record<string, Program> = {
  kubectl: kubectlProgram,
  help: helpProgram,
}
