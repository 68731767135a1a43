-- Sagas (consumers/README.md, "Sagas"): one row per saga, next to the processed keys so that a
-- saga's new state commits in the transaction that records the processed key of the reply that
-- moved it. The poller finds due work through the two partial indexes.
CREATE TABLE "${processed_keys_schema}"."${processed_keys_table}_sagas" (
    saga_type        varchar(100) COLLATE "C" NOT NULL,
    saga_id          varchar(255) COLLATE "C" NOT NULL,
    status           text         NOT NULL
        CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'PARKED')),
    parked_from      text CHECK (parked_from IN ('RUNNING', 'COMPENSATING')),
    current_step     varchar(100) COLLATE "C" NOT NULL,  -- run forward or compensated
    pending          text         NOT NULL CHECK (pending IN ('action', 'reply', 'none')),
    completed_steps  text[]       NOT NULL DEFAULT '{}',
    compensated_steps text[]      NOT NULL DEFAULT '{}',
    attempt          int          NOT NULL DEFAULT 0,  -- runs of the current action so far
    next_attempt_at  timestamptz,  -- pending = 'action': when it runs
    deadline_at      timestamptz,  -- pending = 'reply': when the step times out (null: never)
    data             bytea        NOT NULL,
    last_error       text,
    operator_note    text,         -- the last operator action: "retry by alice@ops"
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_type, saga_id)
);
CREATE INDEX "${processed_keys_table}_saga_next_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_sagas" (next_attempt_at)
    WHERE pending = 'action';
CREATE INDEX "${processed_keys_table}_saga_dl_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_sagas" (deadline_at)
    WHERE pending = 'reply' AND deadline_at IS NOT NULL;
CREATE INDEX "${processed_keys_table}_saga_st_idx"
    ON "${processed_keys_schema}"."${processed_keys_table}_sagas" (saga_type, status, updated_at);
