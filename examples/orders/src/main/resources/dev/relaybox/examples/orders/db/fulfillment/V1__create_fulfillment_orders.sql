-- The fulfillment service's view of each order: its lines (from OrderPlaced), the payment (from
-- PaymentCaptured) and where the order stands in fulfillment and its compensation.
-- Flyway runs this with the service's schema as default schema.
CREATE TABLE fulfillment_orders (
    order_id       varchar(255) PRIMARY KEY,
    customer_email varchar(320) NOT NULL,
    lines          text         NOT NULL,
    status         varchar(32)  NOT NULL CHECK (status IN
                       ('PLACED', 'SHIPMENT_REQUESTED', 'REFUND_REQUESTED', 'CANCELLED')),
    payment_id     varchar(255),
    amount_minor   bigint,
    currency       char(3),
    shipment_id    varchar(255),
    refused_sku    varchar(255),
    updated_at     timestamptz  NOT NULL DEFAULT now()
);
