-- Shared scenarios: a scenario's YAML body, kept with the engine version that first ran it,
-- so a reopened link can tell when today's engine answers differently.
CREATE TABLE scenarios (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  created_at TEXT NOT NULL
);
