/**
 * What the example's element and its editor (loaded later, by dynamic import) say to each
 * other: the editor's session, and the part of the element the editor uses. Here, so that
 * neither module has to import the other's types.
 */
import type { ScenarioState } from '../examples/scenario-link.ts'
import type { ExampleSource } from '../examples/types.ts'

export interface EditorSession {
  /** the scenario and commands as they are now */
  state(): ScenarioState
  run(): Promise<void>
  /** back to the example as written (or the playground's starting scenario), and run */
  reset(): Promise<void>
  /** replace the scenario and commands (the playground's picker and links), and run */
  load(state: Pick<ScenarioState, 'scenario' | 'commands'>): Promise<void>
  focus(): void
  /** what Reset returns to from now on (the playground: a shared example's own scenario) */
  setOrigin(state: Pick<ScenarioState, 'scenario' | 'commands'>): void
}

/** The guide page and example a playground's scenario came from (a link shared from a chapter). */
export type Provenance = Required<Pick<ScenarioState, 'page' | 'example'>>

export type ExampleData = ExampleSource & { goalMet: boolean | null }

/** The <knet-example> element as the editor sees it (knet-example.ts implements it). */
export interface ExampleHost extends HTMLElement {
  readonly data: ExampleData
  provenance?: Provenance
  /** puts the controls of its <template data-knet-template="…"> in place */
  place(name: 'share' | 'prompt'): void
}
