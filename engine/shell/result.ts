/** The answer to one command line: the contract between the engine, the API, the site and tests. */
export interface CommandResult {
  command: string
  exitCode: number
  stdout: string
  stderr: string
  /** the structured answer, when the command has one */
  data?: unknown
}

/** What a program gives back; the shell adds the command line. */
export type Output = Omit<CommandResult, 'command'>
