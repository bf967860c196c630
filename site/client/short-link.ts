/**
 * Stored links: POST /api/scenarios keeps a state on the server and answers its id (/s/<id>);
 * GET /api/scenarios/:id gives it back.
 */
import type { ScenarioState } from '../examples/scenario-link.ts'

/** A stored state, with what the server knew when it stored it. */
export interface StoredScenario {
  state: ScenarioState
  /** the engine that first ran it, when the server says */
  engineVersion?: string
  answersHash?: string
}

export async function requestShortLink(state: ScenarioState): Promise<string> {
  // The server records the engine itself, and reads nothing but the content.
  const { scenario, commands, page, example } = state
  const response = await fetch('/api/scenarios', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario, commands, page, example }),
  })
  const body = (await response.json().catch(() => ({}))) as { id?: unknown; error?: { message?: string } }
  if (!response.ok || typeof body.id !== 'string') {
    throw new Error(body.error?.message ?? `the server answered ${response.status}`)
  }
  return body.id
}

export async function fetchStoredScenario(id: string): Promise<StoredScenario> {
  const response = await fetch(`/api/scenarios/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } })
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message?: string } }
  if (!response.ok) throw new Error(body.error?.message ?? `the server answered ${response.status}`)
  // The content's fields sit next to the server's own (id, engineVersion, answersHash...).
  const source = body as Partial<ScenarioState>
  if (typeof source.scenario !== 'string') throw new Error('the stored link has no scenario')
  const state: ScenarioState = {
    v: 1,
    // the engine that first ran it stands for the one the link was made with
    engine: String(body.engineVersion ?? ''),
    scenario: source.scenario,
    commands: Array.isArray(source.commands) ? source.commands.map(String) : [],
    ...(typeof source.page === 'string' ? { page: source.page } : {}),
    ...(typeof source.example === 'string' ? { example: source.example } : {}),
  }
  return {
    state,
    ...(typeof body.engineVersion === 'string' ? { engineVersion: body.engineVersion } : {}),
    ...(typeof body.answersHash === 'string' ? { answersHash: body.answersHash } : {}),
  }
}
