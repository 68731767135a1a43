CREATE TABLE orders (
  order_id   text PRIMARY KEY,
  customer   text NOT NULL,
  sku        text NOT NULL,
  quantity   int  NOT NULL CHECK (quantity > 0),
  placed_at  timestamptz NOT NULL DEFAULT now()
);

-- The listener's effect: one packing slip per order, written in the transaction that records the
-- event as processed.
CREATE TABLE packing_slips (
  order_id   text PRIMARY KEY,
  event_id   uuid NOT NULL,
  sku        text NOT NULL,
  quantity   int  NOT NULL,
  packed_at  timestamptz NOT NULL DEFAULT now()
);
