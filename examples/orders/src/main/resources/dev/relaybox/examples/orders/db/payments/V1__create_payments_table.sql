-- One row per OrderPlaced the payments service charged (captured or declined).
CREATE TABLE "${payments_schema}"."payments" (
    event_id     uuid         PRIMARY KEY,
    order_id     varchar(255) NOT NULL,
    charge_id    varchar(255),
    status       varchar(16)  NOT NULL CHECK (status IN ('captured', 'declined')),
    reason       varchar(255),
    amount_minor bigint       NOT NULL,
    currency     char(3)      NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX "payments_order_id_idx" ON "${payments_schema}"."payments" (order_id);
