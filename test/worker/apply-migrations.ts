import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

// Give the local D1 the same schema production has (functions/migrations). Already applied
// migrations are skipped, so running this before every test file is cheap.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
