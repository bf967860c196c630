/** What the engine knows of a kind it accepts: the API's answer to discovery, and its fields. */
import type { Schema } from './schema.ts'

export interface KindInfo {
  kind: string
  /** group/version strings the API serves the kind at */
  apiVersions: string[]
  namespaced: boolean
  /** the fields beside apiVersion/kind/metadata */
  fields: Record<string, Schema>
  /** plural resource name, as kubectl and error messages use it */
  resource: string
}
