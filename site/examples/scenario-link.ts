/**
 * The state a /play link carries, and its codec: the Worker's, in functions/shared/, so that
 * the site and the API read links the same way. Site modules import it from here.
 */
export {
  decodeScenarioFragment,
  encodeScenarioFragment,
  MAX_FRAGMENT_CHARS,
  storedScenarioId,
  type ScenarioState,
} from '../../functions/shared/scenario-link.ts'
export { SCENARIO_LIMITS } from '../../functions/shared/scenario-content.ts'
