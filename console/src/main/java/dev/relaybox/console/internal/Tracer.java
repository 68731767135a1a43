package dev.relaybox.console.internal;

import dev.relaybox.console.internal.GroupLookups.Parked;
import dev.relaybox.console.internal.GroupLookups.Rows;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Traces an event id or an aggregate id (in the example, the order id) through the pipeline:
 *
 * <ol>
 *   <li>the query is taken as a key; a UUID that no event has as its key is an event id, looked up
 *       in the outbox table (RETAIN mode), else in the groups' processed keys, else in the outbox
 *       topics' {@code id} headers, to find its key;
 *   <li>every event of that key within {@code trace.window.ms} is read from the outbox topics (the
 *       partition the key hashes to, in each topic), plus outbox rows not yet published;
 *   <li>for each event: the outbox commit, the relay's publish (topic, partition, offset, Kafka
 *       timestamp), and each subscribed group's outcome (processed at, retrying, dead, pending)
 *       with the group's effect rows;
 *   <li>follow-ups: an event whose commit time equals the time a group processed another event was
 *       written by that processing (the processed key and the follow-up's outbox row share one
 *       transaction, so one {@code now()}); events hang under their cause, recursively.
 * </ol>
 *
 * Follow-ups under another key are not found: the search is by key. Thread-safe.
 */
final class Tracer implements AutoCloseable {

  /** Where an event went in one group. */
  record Outcome(String group, String state, Instant at, String detail, List<Rows> effects) {}

  /** One event of the trace, with its follow-ups. */
  record Event(
      UUID id,
      String type,
      String topic,
      int partition,
      long offset,
      Instant committed,
      boolean rowRetained,
      Map<String, String> headers,
      String decoded,
      List<Outcome> outcomes,
      List<Event> followUps) {

    boolean published() {
      return offset >= 0;
    }
  }

  /** The whole trace. */
  record Trace(
      String query,
      String key,
      List<Event> roots,
      int events,
      List<Outcome> keyEffects,
      List<String> notes) {}

  private final Sources sources;
  private final Sampler sampler;
  private final Duration window;
  private final TopicReader reader;
  private final OutboxRows outbox;

  Tracer(Sources sources, Sampler sampler, Duration window, int maxRecords) {
    this.sources = sources;
    this.sampler = sampler;
    this.window = window;
    this.reader = new TopicReader(sources, maxRecords);
    this.outbox = new OutboxRows(sources);
  }

  /**
   * Traces {@code query}: a UUID (an event id) or any other text (an aggregate id).
   *
   * @throws IllegalArgumentException when the query is not a plausible id
   */
  Trace trace(String query) throws SQLException {
    if (query.isEmpty()
        || query.length() > 255
        || query.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Give an event id (UUID) or an aggregate id of at most 255 characters.");
    }
    List<String> notes = new ArrayList<>();
    List<String> topics = sampler.latest().topics().stream().map(t -> t.name()).toList();
    Instant from = Instant.now().minus(window);
    String key = query;
    TopicReader.Found found = reader.byKey(topics, key, from);
    UUID eventId = uuid(query);
    if (eventId != null
        && found.records().isEmpty()
        && outbox.pendingByKey(query, from).isEmpty()) {
      // a UUID that is no key (aggregate ids are often UUIDs too): an event id
      key = keyOf(eventId, topics, from, notes);
      if (key == null) {
        notes.add(
            "No event "
                + eventId
                + " in the outbox table, the groups' processed keys or"
                + " the outbox topics of the last "
                + Fmt.duration(window)
                + ", and no event with"
                + " that key.");
        return new Trace(query, null, List.of(), 0, List.of(), notes);
      }
      found = reader.byKey(topics, key, from);
    }
    if (found.truncated()) {
      notes.add(
          "Stopped after reading "
              + Fmt.count(found.read())
              + " records: the trace may miss"
              + " events (raise trace.max.records or narrow trace.window.ms).");
    }
    Map<UUID, Event> events = new LinkedHashMap<>();
    Map<UUID, OutboxRows.Row> rows =
        outbox.byIds(found.records().stream().map(Tracer::id).toList());
    Instant latest = from;
    for (ConsumerRecord<byte[], byte[]> r : found.records()) {
      UUID id = id(r);
      if (id == null || events.containsKey(id)) {
        continue; // no id header (not an outbox event), or a copy published again
      }
      OutboxRows.Row row = rows.get(id);
      Instant ts = Instant.ofEpochMilli(r.timestamp());
      latest = ts.isAfter(latest) ? ts : latest;
      events.put(
          id,
          new Event(
              id,
              header(r, "eventType"),
              r.topic(),
              r.partition(),
              r.offset(),
              row != null ? row.createdAt() : ts,
              row != null,
              headers(r),
              decode(r.topic(), r.partition(), r.offset(), r.value()),
              new ArrayList<>(),
              new ArrayList<>()));
    }
    for (OutboxRows.Row row : outbox.pendingByKey(key, latest)) {
      if (!events.containsKey(row.id())) {
        events.put(
            row.id(),
            new Event(
                row.id(),
                row.type(),
                row.topic(),
                -1,
                -1,
                row.createdAt(),
                true,
                Map.of(),
                decode(row.topic(), -1, -1, row.payload()),
                new ArrayList<>(),
                new ArrayList<>()));
      }
    }
    List<Outcome> keyEffects = outcomes(events, key);
    return new Trace(query, key, link(events), events.size(), keyEffects, notes);
  }

  private String keyOf(UUID eventId, List<String> topics, Instant from, List<String> notes)
      throws SQLException {
    OutboxRows.Row row = outbox.byIds(List.of(eventId)).get(eventId);
    if (row != null) {
      return row.key();
    }
    Instant processed = null;
    for (var g : sampler.latest().groups()) {
      Instant at = GroupLookups.processed(sources.group(g.name()), List.of(eventId)).get(eventId);
      processed = at != null ? at : processed;
    }
    Instant start = processed != null ? processed.minus(Duration.ofMinutes(10)) : from;
    TopicReader.Found found = reader.byEventId(topics, eventId.toString(), start);
    if (found.truncated()) {
      notes.add(
          "The search for the event id stopped after " + Fmt.count(found.read()) + " records.");
    }
    return found.records().isEmpty() || found.records().get(0).key() == null
        ? null
        : new String(found.records().get(0).key(), StandardCharsets.UTF_8);
  }

  /** Fills each event's group outcomes; returns the effect rows matched by the key, per group. */
  private List<Outcome> outcomes(Map<UUID, Event> events, String key) throws SQLException {
    List<Outcome> keyEffects = new ArrayList<>();
    Snapshot s = sampler.latest();
    for (var g : s.groups()) {
      Sources.Group group = sources.group(g.name());
      List<UUID> ids =
          events.values().stream()
              .filter(e -> g.lagByTopic().containsKey(e.topic()))
              .map(Event::id)
              .toList();
      Map<UUID, Instant> processed = GroupLookups.processed(group, ids);
      Map<UUID, Parked> parked = GroupLookups.parked(group, ids);
      Map<TopicPartition, Long> committed = g.offsets();
      List<Rows> byId = new ArrayList<>();
      for (Sources.Effect effect : group.effects()) {
        if (effect.byKey()) {
          keyEffects.add(
              new Outcome(
                  g.name(),
                  "effects",
                  null,
                  null,
                  List.of(GroupLookups.effect(group, effect, List.of(), key))));
        } else {
          byId.add(GroupLookups.effect(group, effect, ids, key));
        }
      }
      for (UUID id : ids) {
        Event e = events.get(id);
        List<Rows> mine =
            byId.stream().map(r -> only(r, id)).filter(r -> !r.rows().isEmpty()).toList();
        Parked p = parked.get(id);
        Instant at = processed.get(id);
        Outcome o;
        if (at != null) {
          o = new Outcome(g.name(), "processed", at, null, mine);
        } else if (p != null) {
          o =
              new Outcome(
                  g.name(), p.state(), p.since(), p.attempts() + " attempt(s): " + p.error(), mine);
        } else if (!e.published()) {
          o = new Outcome(g.name(), "waiting", null, "not published yet", mine);
        } else {
          Long c = committed.get(new TopicPartition(e.topic(), e.partition()));
          o =
              c == null || c <= e.offset()
                  ? new Outcome(g.name(), "pending", null, "not consumed yet", mine)
                  : new Outcome(
                      g.name(),
                      "consumed",
                      null,
                      "past its offset, but no processed key (deduplication off, or the key was swept)",
                      mine);
        }
        e.outcomes().add(o);
      }
    }
    return keyEffects;
  }

  /** The rows of {@code rows} that belong to event {@code id} (column event_id). */
  private static Rows only(Rows rows, UUID id) {
    int col = rows.columns().indexOf("event_id");
    if (col < 0) {
      return rows;
    }
    return new Rows(
        rows.table(),
        rows.columns(),
        rows.rows().stream().filter(r -> r.get(col).equals(id.toString())).toList(),
        rows.problem());
  }

  /** Hangs each event under the event whose processing wrote it; returns the roots. */
  private static List<Event> link(Map<UUID, Event> events) {
    Map<Instant, Event> causes = new HashMap<>();
    for (Event e : events.values()) {
      for (Outcome o : e.outcomes()) {
        if (o.at() != null && o.state().equals("processed")) {
          causes.putIfAbsent(o.at().truncatedTo(ChronoUnit.MILLIS), e);
        }
      }
    }
    List<Event> roots = new ArrayList<>();
    for (Event e : events.values()) {
      Event cause = causes.get(e.committed().truncatedTo(ChronoUnit.MILLIS));
      if (cause != null && cause != e && !e.committed().isBefore(cause.committed())) {
        cause.followUps().add(e);
      } else {
        roots.add(e);
      }
    }
    return roots;
  }

  private String decode(String topic, int partition, long offset, byte[] value) {
    if (value == null) {
      return "null (tombstone)";
    }
    try {
      Object decoded = sources.deserializer().deserialize(topic, partition, offset, value);
      return Json.pretty(String.valueOf(decoded));
    } catch (RuntimeException e) {
      return "cannot decode: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    reader.close();
  }

  private static UUID uuid(String text) {
    try {
      return text.length() == 36 ? UUID.fromString(text) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static UUID id(ConsumerRecord<byte[], byte[]> r) {
    return uuid(header(r, "id"));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : r.headers()) {
      headers.put(
          h.key(), h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
