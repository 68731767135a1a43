-- The example order service's business tables. Flyway runs this with the configured schema as its
-- default schema (search_path), so the names are unqualified.
CREATE TABLE orders (
    id             uuid         PRIMARY KEY,
    customer_id    varchar(255) NOT NULL,
    customer_email varchar(320) NOT NULL,
    currency       char(3)      NOT NULL,
    amount_minor   bigint       NOT NULL CHECK (amount_minor >= 0),
    status         varchar(32)  NOT NULL DEFAULT 'PLACED',
    created_at     timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    order_id         uuid        NOT NULL REFERENCES orders (id),
    line_no          int         NOT NULL,
    sku              varchar(64) NOT NULL,
    quantity         int         NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint      NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (order_id, line_no)
);
