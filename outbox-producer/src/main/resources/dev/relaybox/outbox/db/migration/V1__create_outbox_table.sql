-- The outbox table of docs/architecture.md; column names are Debezium EventRouter's defaults.
-- ${outbox_schema} and ${outbox_table} are Flyway placeholders, validated identifiers.
CREATE TABLE "${outbox_schema}"."${outbox_table}" (
    id            uuid         PRIMARY KEY,
    aggregatetype varchar(255) NOT NULL,
    aggregateid   varchar(255) NOT NULL,
    type          varchar(255) NOT NULL,
    payload       bytea,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    headers       jsonb
);

-- For the retention sweeper (CleanupMode.RETAIN).
CREATE INDEX "${outbox_table}_created_at_idx" ON "${outbox_schema}"."${outbox_table}" (created_at);
