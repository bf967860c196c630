import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../engine/index.ts'
import { COMMANDS, SCENARIO } from '../fixtures/determinism/scenario.ts'
import expected from '../fixtures/determinism/expected.json'

describe('the engine inside workerd', () => {
  it('answers byte for byte as it does in Node', () => {
    const { cluster } = loadScenario(SCENARIO)
    const got = COMMANDS.map((c) => runCommand(cluster, c)).map(({ command, exitCode, stdout, stderr }) => ({ command, exitCode, stdout, stderr }))
    expect(got).toEqual(expected)
  })
})
