import { canonicalJson } from './canonical-json.ts'
import { hex, sha256 } from './digest.ts'

/** What a run answered, as far as the hash is concerned. */
export interface Answers {
  diagnostics: readonly unknown[]
  results: readonly { command: string; exitCode: number; stdout: string; stderr: string; data?: unknown }[]
}

/**
 * A fingerprint of what the engine answered for a scenario: the SHA-256 (hex) of the
 * canonical JSON of `{ diagnostics, results }`, diagram left out. `POST /api/scenarios`
 * stores it and `POST /api/run` returns it, so a page that reopens a stored scenario can
 * tell whether today's engine still answers the same.
 *
 * @example
 * if (run.answersHash !== stored.answersHash) note('The engine has changed since this link was made.')
 */
export async function answersHash({ diagnostics, results }: Answers): Promise<string> {
  const picked = results.map(({ command, exitCode, stdout, stderr, data }) => ({ command, exitCode, stdout, stderr, data }))
  return hex(await sha256(canonicalJson({ diagnostics, results: picked })))
}
