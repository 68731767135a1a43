-- One row per event a consumer group has applied; the primary key is the deduplication.
-- ${processed_keys_schema} and ${processed_keys_table} are Flyway placeholders, validated identifiers.
CREATE TABLE "${processed_keys_schema}"."${processed_keys_table}" (
    -- "C" collation: byte-wise comparison keeps the primary-key inserts cheap.
    consumer_group varchar(255) COLLATE "C" NOT NULL,
    event_id       uuid         NOT NULL,
    processed_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id)
);

-- For retention sweeps of old keys.
CREATE INDEX "${processed_keys_table}_processed_at_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}" (processed_at);
