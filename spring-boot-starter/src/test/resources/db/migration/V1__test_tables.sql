CREATE TABLE test_orders (order_id text PRIMARY KEY, note text NOT NULL);
CREATE TABLE test_labels (order_id text NOT NULL, event_id uuid NOT NULL);
CREATE TABLE test_audit (order_id text NOT NULL, event_id uuid NOT NULL, topic text NOT NULL);
CREATE TABLE test_notices (order_id text NOT NULL, event_id uuid NOT NULL, receipt text NOT NULL);
