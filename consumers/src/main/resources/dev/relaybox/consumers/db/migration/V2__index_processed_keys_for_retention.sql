-- The retention sweeper deletes one group's oldest keys: WHERE consumer_group = ? AND
-- processed_at < ? ORDER BY processed_at. With V1's index on processed_at alone, every batch walks
-- the old keys of all the other groups sharing the table (kept forever, or with a longer retention)
-- before reaching its own; this index starts at the group's oldest key.
--
-- A plain CREATE INDEX blocks inserts into the table, hence every consumer of it, while it builds.
-- On a large table build it by hand first, with the same name, and this statement does nothing:
--   CREATE INDEX CONCURRENTLY <table>_retention_idx ON <schema>.<table> (consumer_group, processed_at);
-- (Flyway runs CONCURRENTLY outside a transaction and can hang on its own lock; hence not here.)
CREATE INDEX IF NOT EXISTS "${processed_keys_table}_retention_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}" (consumer_group, processed_at);

-- Nothing else reads by processed_at alone: V1's index would only cost every insert a second
-- index update.
DROP INDEX IF EXISTS "${processed_keys_schema}"."${processed_keys_table}_processed_at_idx";
