-- The payments service's refunds, one row per RefundRequested it executed at the gateway (charges
-- live in the payments table of PaymentsHandler's own migration). Flyway runs this with the
-- service's schema as default schema, so the name is unqualified.
CREATE TABLE refunds (
    event_id     uuid         PRIMARY KEY,
    order_id     varchar(255) NOT NULL,
    refund_id    varchar(255) NOT NULL,
    payment_id   varchar(255) NOT NULL,
    amount_minor bigint       NOT NULL,
    currency     char(3)      NOT NULL,
    reason       varchar(255) NOT NULL,
    recorded_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX refunds_order_id_idx ON refunds (order_id);
