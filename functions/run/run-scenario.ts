import { ENGINE_VERSION, loadScenario, runCommand, Session, topologyDiagram } from '../../engine/index.ts'
import type { CommandResult, Diagnostic, Diagram } from '../../engine/index.ts'
import { ApiError } from '../errors.ts'
import type { ApiLimits } from '../limits.ts'
import { answersHash } from '../shared/answers-hash.ts'
import { count } from '../shared/scenario-content.ts'
import { scenarioSize } from './scenario-size.ts'

/** What `POST /api/run` runs: checked request fields, nothing else. */
export interface RunRequest {
  scenario: string
  commands: string[]
  /** `topology` adds the topology diagram to the answer */
  diagram?: 'topology'
}

/** What `POST /api/run` answers (200). */
export interface RunAnswer {
  /** ENGINE_VERSION of the engine that answered */
  engineVersion: string
  /** problems in the manifests, with their places, for the editor to underline */
  diagnostics: Diagnostic[]
  /** one per command, in order */
  results: CommandResult[]
  diagram?: Diagram
  /** see shared/answers-hash.ts */
  answersHash: string
}

/**
 * Runs a scenario through the engine within `limits`: refuses it before building when it
 * would be too big (422 limit_exceeded), and stops when the run outgrows its time budget
 * (422 over_budget). Problems in the manifests are not errors: they are the diagnostics.
 */
export async function runScenario(request: RunRequest, limits: ApiLimits): Promise<RunAnswer> {
  const budget = startBudget(limits.budgetMs)
  checkSize(request.scenario, limits)
  const { cluster, diagnostics } = loadScenario(request.scenario)
  await budget.check('building the cluster')
  const results: CommandResult[] = []
  // one request is one run: its commands share state (engine/shell/session.ts), no other request sees it
  const session = new Session(cluster)
  const size = startAnswerSize(limits.maxAnswerChars)
  for (const [i, line] of request.commands.entries()) {
    const result = runCommand(cluster, line, session)
    size.add(answerChars(result), `command ${i + 1} of ${request.commands.length}`)
    results.push(result)
    await budget.check(`running command ${i + 1} of ${request.commands.length}`)
  }
  let diagram: Diagram | undefined
  if (request.diagram === 'topology') {
    diagram = topologyDiagram(cluster)
    size.add(diagram.svg.length + diagram.alt.length, 'the topology diagram')
    await budget.check('drawing the topology diagram')
  }
  const hash = await answersHash({ diagnostics, results })
  const answer: RunAnswer = { engineVersion: ENGINE_VERSION, diagnostics, results, answersHash: hash }
  if (diagram) answer.diagram = diagram
  return answer
}

function checkSize(scenario: string, limits: ApiLimits) {
  const size = scenarioSize(scenario)
  const over = (
    [
      ['YAML documents and List items', size.objects, limits.maxObjects],
      ['nodes', size.nodes, limits.maxNodes],
      ['Pods', size.pods, limits.maxPods],
      ['Services', size.services, limits.maxServices],
    ] as const
  ).find(([, n, max]) => n > max)
  if (over) {
    const [what, n, max] = over
    throw new ApiError(
      422,
      'limit_exceeded',
      `This scenario has ${count(n)} ${what}; scenarios run here may have at most ${count(max)}.` +
        (what === 'Pods' ? ' (Each replica and each DaemonSet Pod on each node counts.)' : ''),
    )
  }
}

/** The characters a command's answer adds to the answer's JSON, give or take its punctuation. */
function answerChars(r: CommandResult): number {
  return r.command.length + r.stdout.length + r.stderr.length + (r.data === undefined ? 0 : (JSON.stringify(r.data)?.length ?? 0))
}

/**
 * The answers' size so far, checked after each step: a run whose answers outgrow the limit
 * stops there (422 limit_exceeded), before the Worker holds them twice more as JSON.
 */
function startAnswerSize(maxChars: number) {
  let total = 0
  return {
    add(chars: number, step: string) {
      total += chars
      if (total > maxChars) {
        throw new ApiError(
          422,
          'limit_exceeded',
          `The answers to this run come to more than the ${count(maxChars)} characters one request may return here: ` +
            `${count(total)} by ${step}. Try fewer commands, or narrower ones (one namespace, one Pod).`,
        )
      }
    },
  }
}

/**
 * Wall time since the run began, checked between steps. Deployed Workers only advance
 * their clocks across I/O, so each check first yields to the event loop; a step that
 * runs long is caught when it ends, and the limits above keep every single step small.
 */
function startBudget(budgetMs: number) {
  const start = performance.now()
  return {
    async check(step: string) {
      await new Promise((resolve) => setTimeout(resolve, 0))
      const spent = Math.round(performance.now() - start)
      if (spent > budgetMs) {
        throw new ApiError(
          422,
          'over_budget',
          `This run needs more than the ${count(budgetMs)} ms one request may take here: ` +
            `it was stopped after ${count(spent)} ms, while ${step}. ` +
            'Try fewer commands, or fewer Pods and Services.',
        )
      }
    },
  }
}
