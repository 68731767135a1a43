-- Key scheduling (consumers/README.md, "Retries that park a key"): the events of parked keys and
-- the dead events, next to the processed keys, shared by the groups like them. Every row names its
-- consumer_group; records are stored as consumed (key, value, headers) so that they can be run
-- again. Suffixes stay within 15 characters: table names are at most 48.

-- Events of parked keys, per key in offset order. The head (lowest offset) of a key is the only
-- row with next_attempt_at set, unless the key waits behind a dead event (then none is).
CREATE TABLE "${processed_keys_schema}"."${processed_keys_table}_retry_set" (
    consumer_group   varchar(255) COLLATE "C" NOT NULL,
    topic            varchar(249) COLLATE "C" NOT NULL,
    kafka_partition  int          NOT NULL,
    kafka_offset     bigint       NOT NULL,
    record_key       bytea        NOT NULL,  -- empty for a record without key
    record_value     bytea,                  -- null for a tombstone
    headers          bytea        NOT NULL,  -- every header, in order (RecordCodec)
    record_timestamp bigint       NOT NULL,  -- epoch milliseconds
    event_id         uuid,                   -- the id header, for operators
    attempt          int          NOT NULL,  -- attempts started, claimed before each
    next_attempt_at  timestamptz,            -- the head's next attempt; null behind it
    last_error       text,
    first_failure_at timestamptz,
    parked_at        timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, kafka_partition, kafka_offset)
);
CREATE INDEX "${processed_keys_table}_retry_key_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_retry_set"
       (consumer_group, topic, kafka_partition, record_key, kafka_offset);
-- The heads: one row per parked key, so finding and fixing a key's head never scans its queue.
CREATE INDEX "${processed_keys_table}_retry_head_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_retry_set"
       (consumer_group, topic, kafka_partition, record_key) WHERE next_attempt_at IS NOT NULL;

-- Events given up on (permanent failure, retries exhausted, undecodable), until an operator
-- redrives or discards them; resolved rows stay as the record of who did what and when.
CREATE TABLE "${processed_keys_schema}"."${processed_keys_table}_dead_set" (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer_group   varchar(255) COLLATE "C" NOT NULL,
    topic            varchar(249) COLLATE "C" NOT NULL,
    kafka_partition  int          NOT NULL,
    kafka_offset     bigint       NOT NULL,
    record_key       bytea        NOT NULL,
    record_value     bytea,
    headers          bytea        NOT NULL,
    record_timestamp bigint       NOT NULL,
    event_id         uuid,
    reason           text         NOT NULL
        CHECK (reason IN ('undecodable', 'permanent', 'retries-exhausted')),
    blocks_key       boolean      NOT NULL,  -- DeadKeyPolicy.PARK_KEY: the key waits while dead
    attempts         int          NOT NULL,
    error_class      text         NOT NULL,
    error_message    text         NOT NULL,
    first_failure_at timestamptz  NOT NULL,
    died_at          timestamptz  NOT NULL DEFAULT now(),
    dlq_published_at timestamptz,            -- the <group>.dlq copy was acknowledged
    state            text         NOT NULL DEFAULT 'dead'
        CHECK (state IN ('dead', 'redriven', 'discarded')),
    resolved_by      text,
    resolved_at      timestamptz
);
CREATE INDEX "${processed_keys_table}_dead_list_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_dead_set" (consumer_group, state, id);
CREATE INDEX "${processed_keys_table}_dead_key_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_dead_set"
       (consumer_group, topic, kafka_partition, record_key) WHERE state = 'dead' AND blocks_key;
CREATE INDEX "${processed_keys_table}_dead_off_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_dead_set"
       (consumer_group, topic, kafka_partition, kafka_offset);
CREATE INDEX "${processed_keys_table}_dead_pub_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_dead_set" (consumer_group, id)
    WHERE dlq_published_at IS NULL;
