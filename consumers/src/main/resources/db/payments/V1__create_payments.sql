-- The payments service's record of every gateway call it made, one row per consumed event
-- (OrderPlaced -> a charge, RefundRequested -> a refund). Flyway runs this with the service's
-- schema as default schema, so the name is unqualified.
CREATE TABLE payments (
    event_id     uuid         PRIMARY KEY,
    order_id     varchar(255) NOT NULL,
    kind         varchar(16)  NOT NULL CHECK (kind IN ('CHARGE', 'REFUND')),
    status       varchar(16)  NOT NULL CHECK (status IN ('CAPTURED', 'DECLINED', 'REFUNDED')),
    provider_id  varchar(255) NOT NULL,
    amount_minor bigint       NOT NULL,
    currency     char(3)      NOT NULL,
    detail       varchar(255),
    recorded_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX payments_order_id_idx ON payments (order_id);
