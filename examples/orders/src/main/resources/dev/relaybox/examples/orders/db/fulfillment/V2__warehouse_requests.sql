-- The order workflow runs on the saga facility (the order-fulfilment saga's table): the status
-- column choreography of fulfillment_orders is gone. The fulfillment service keeps one row per
-- warehouse command it executed, in the transaction of the command's processed key and its reply.
DROP TABLE IF EXISTS fulfillment_orders;

CREATE TABLE warehouse_requests (
    event_id    uuid         PRIMARY KEY,
    order_id    varchar(255) NOT NULL,
    request_id  uuid         NOT NULL,
    command     varchar(32)  NOT NULL,
    reference   varchar(255),
    refusal     varchar(255),
    recorded_at timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX warehouse_requests_order_id_idx ON warehouse_requests (order_id);
