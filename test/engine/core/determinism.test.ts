import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { COMMANDS, SCENARIO } from '../../fixtures/determinism/scenario.ts'
import expected from '../../fixtures/determinism/expected.json' with { type: 'json' }

describe('byte-identical answers', () => {
  it('Node gives the reviewed answers (the Worker test checks workerd against the same file)', () => {
    const { cluster } = loadScenario(SCENARIO)
    const got = COMMANDS.map((c) => runCommand(cluster, c)).map(({ command, exitCode, stdout, stderr }) => ({ command, exitCode, stdout, stderr }))
    expect(got).toEqual(expected)
  })
})
