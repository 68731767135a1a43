-- The email service's record of every message it sent (or found already sent), one row per
-- consumed event. Flyway runs this with the service's schema as default schema.
CREATE TABLE emails (
    event_id    uuid         PRIMARY KEY,
    message_id  varchar(255) NOT NULL UNIQUE,
    order_id    varchar(255) NOT NULL,
    recipient   varchar(320) NOT NULL,
    template    varchar(64)  NOT NULL,
    subject     varchar(255) NOT NULL,
    outcome     varchar(16)  NOT NULL CHECK (outcome IN ('SENT', 'ALREADY_SENT')),
    recorded_at timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX emails_order_id_idx ON emails (order_id);
