package dev.relaybox.console.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The dead-set fixture of {@link ConsoleBench}: the consumer framework's table and its pages. */
final class BenchPages {

  private BenchPages() {}

  /** The retry and dead sets as the consumer framework's migration V3 creates them. */
  static String deadSetDdl() {
    return "CREATE TABLE bench.processed_keys_retry_set ("
        + " consumer_group varchar(255) COLLATE \"C\" NOT NULL,"
        + " topic varchar(249) COLLATE \"C\" NOT NULL, kafka_partition int NOT NULL,"
        + " kafka_offset bigint NOT NULL, record_key bytea NOT NULL, record_value bytea,"
        + " headers bytea NOT NULL, record_timestamp bigint NOT NULL, event_id uuid,"
        + " attempt int NOT NULL, next_attempt_at timestamptz, last_error text,"
        + " first_failure_at timestamptz, parked_at timestamptz NOT NULL DEFAULT now(),"
        + " PRIMARY KEY (consumer_group, topic, kafka_partition, kafka_offset));"
        + " CREATE INDEX processed_keys_retry_key_idx ON bench.processed_keys_retry_set"
        + " (consumer_group, topic, kafka_partition, record_key, kafka_offset);"
        + " CREATE TABLE bench.processed_keys_dead_set ("
        + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        + " consumer_group varchar(255) COLLATE \"C\" NOT NULL,"
        + " topic varchar(249) COLLATE \"C\" NOT NULL, kafka_partition int NOT NULL,"
        + " kafka_offset bigint NOT NULL, record_key bytea NOT NULL, record_value bytea,"
        + " headers bytea NOT NULL, record_timestamp bigint NOT NULL, event_id uuid,"
        + " reason text NOT NULL, blocks_key boolean NOT NULL, attempts int NOT NULL,"
        + " error_class text NOT NULL, error_message text NOT NULL,"
        + " first_failure_at timestamptz NOT NULL, died_at timestamptz NOT NULL DEFAULT now(),"
        + " dlq_published_at timestamptz, state text NOT NULL DEFAULT 'dead',"
        + " resolved_by text, resolved_at timestamptz);"
        + " CREATE INDEX processed_keys_dead_list_idx ON bench.processed_keys_dead_set"
        + " (consumer_group, state, id);"
        + " CREATE INDEX processed_keys_dead_key_idx ON bench.processed_keys_dead_set"
        + " (consumer_group, topic, kafka_partition, record_key) WHERE state = 'dead' AND blocks_key";
  }

  /** {@code n} dead events of group g0 (headers: count 0), each of its own key. */
  static String deadSetRows(int n) {
    return "INSERT INTO bench.processed_keys_dead_set (consumer_group, topic, kafka_partition,"
        + " kafka_offset, record_key, record_value, headers, record_timestamp, event_id, reason,"
        + " blocks_key, attempts, error_class, error_message, first_failure_at, died_at)"
        + " SELECT 'g0', 'bench.order', i % 3, i, convert_to('dead-' || i, 'UTF8'),"
        + " '\\x000000000102'::bytea, '\\x00000000'::bytea, 0, gen_random_uuid(),"
        + " CASE WHEN i % 2 = 0 THEN 'permanent' ELSE 'retries-exhausted' END, true, 10,"
        + " 'java.lang.IllegalStateException', 'card ' || i || ' refused',"
        + " now() - interval '1 hour', now() - (i || ' s')::interval"
        + " FROM generate_series(1, "
        + n
        + ") i";
  }

  /** The dead-set pages to time. */
  static Map<String, String> deadSetPages() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("group g0 (retries & dead)", "/groups/g0");
    pages.put("dead set filtered by error", "/groups/g0?error=card+77");
    return pages;
  }
}
