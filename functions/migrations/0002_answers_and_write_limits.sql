-- What the engine answered when a scenario was stored: SHA-256 (hex) of the canonical JSON of
-- its diagnostics and command results (functions/shared/answers-hash.ts), so a reopened link
-- can tell whether today's engine still answers the same. `body` holds the stored content as
-- canonical JSON ({commands, example?, page?, scenario}); the id derives from those bytes.
ALTER TABLE scenarios ADD COLUMN answers_hash TEXT;

-- Writes per client (a hash of its address) in a fixed window that starts with its first write:
-- functions/middleware/rate-limit.ts. Rows of windows that have ended are deleted as new ones start.
CREATE TABLE write_limits (
  client TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX write_limits_window_start ON write_limits (window_start);
