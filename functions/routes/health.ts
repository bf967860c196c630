import { Hono } from 'hono'
import { ENGINE_VERSION } from '../../engine/version.ts'
import type { AppEnv } from '../app.ts'

/** GET /api/health: the Worker is up, and which engine answers. */
export const health = new Hono<AppEnv>().get('/health', (c) =>
  c.json({ ok: true, engineVersion: ENGINE_VERSION }, 200, { 'Cache-Control': 'no-store' }),
)
