-- Taints on nodes (placement): a JSON array of {"key", "value", "effect"} objects, effect
-- "NoSchedule" or "NoExecute". Portable between SQLite and PostgreSQL.
ALTER TABLE nodes ADD COLUMN taints TEXT NOT NULL DEFAULT '[]';
