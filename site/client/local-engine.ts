/**
 * The engine in the reader's browser: imported (dynamically) only when the API cannot answer.
 * It is the very code the API and the build run, so its answers are the same.
 */
import { runScenario } from '../examples/run-scenario.ts'
import type { RunAnswer } from '../examples/types.ts'
import type { RunRequest } from './run-request.ts'

export function answerLocally(request: RunRequest): RunAnswer {
  return runScenario(request.scenario, request.commands, request.diagram, request.previous ?? null)
}
