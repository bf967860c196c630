import { canonicalJson } from './shared/canonical-json.ts'
import { base62, sha256 } from './shared/digest.ts'
import type { ScenarioContent } from './shared/scenario-content.ts'

/** A row of the `scenarios` table (functions/migrations). */
export interface StoredScenario {
  id: string
  /** the content as canonical JSON: the bytes the id derives from */
  body: string
  engine_version: string
  answers_hash: string | null
  created_at: string
}

/**
 * The stored form of a scenario and the id it derives: canonical JSON of the content, and
 * the first 12 base62 digits of its SHA-256. Same content, same id, whoever stores it.
 */
export async function storedForm(content: ScenarioContent): Promise<{ id: string; body: string }> {
  const body = canonicalJson(content)
  return { id: base62(await sha256(body), 12), body }
}

export function findScenario(db: D1Database, id: string): Promise<StoredScenario | null> {
  return db.prepare('SELECT * FROM scenarios WHERE id = ?').bind(id).first<StoredScenario>()
}

/**
 * Stores a row unless its id is taken; never replaces one. True when this call stored it.
 */
export async function insertScenario(db: D1Database, row: StoredScenario): Promise<boolean> {
  const result = await db
    .prepare(
      'INSERT OR IGNORE INTO scenarios (id, body, engine_version, answers_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(row.id, row.body, row.engine_version, row.answers_hash, row.created_at)
    .run()
  return result.meta.changes === 1
}
