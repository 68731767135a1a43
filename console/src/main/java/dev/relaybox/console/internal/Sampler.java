package dev.relaybox.console.internal;

import dev.relaybox.console.internal.KafkaProbe.GroupView;
import dev.relaybox.console.internal.KafkaProbe.TopicOffsets;
import dev.relaybox.console.internal.KafkaProbe.View;
import dev.relaybox.console.internal.PostgresProbe.SlotPosition;
import dev.relaybox.console.internal.ServiceProbe.Answer;
import dev.relaybox.console.internal.Snapshot.GroupStats;
import dev.relaybox.console.internal.Snapshot.ServiceStats;
import dev.relaybox.console.internal.Snapshot.Slot;
import dev.relaybox.console.internal.Snapshot.TopicStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the pipeline every {@code sample.interval.ms} on its own thread and keeps the last hour:
 * the latest {@link Snapshot} for the pages, and one {@link Point} per sample for the charts, the
 * rates (differences of offsets over the last ~10 s) and the slot's lag in time (how long ago the
 * WAL was where the slot is now: the samples record the WAL position over time). Thread-safe.
 */
public final class Sampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sampler.class);

  /** How much history the charts show. */
  public static final Duration HISTORY = Duration.ofHours(1);

  private static final Duration RATE_SPAN = Duration.ofSeconds(10);

  /** One sample's numbers. */
  public record Point(
      Instant at,
      long published,
      long walLsn,
      long slotLagBytes,
      Map<String, Long> groupLag,
      Map<String, Long> groupCommitted,
      Map<String, Long> topicEnd) {}

  private final Sources sources;
  private final KafkaProbe kafka;
  private final ServiceProbe services;
  private final String slotName;
  private final Deque<Point> history = new ArrayDeque<>();
  private final ScheduledExecutorService timer;
  private volatile Snapshot latest = Snapshot.empty();
  private View lastKafka = new View(List.of(), List.of(), List.of());

  public Sampler(Sources sources, String slotName) {
    this.sources = sources;
    this.kafka = new KafkaProbe(sources);
    this.services = new ServiceProbe(sources);
    this.slotName = slotName;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "relaybox-console-sampler");
              t.setDaemon(true);
              return t;
            });
  }

  /** Samples now and then every {@code interval}. */
  public void start(Duration interval) {
    timer.scheduleWithFixedDelay(
        this::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The latest snapshot. */
  public Snapshot latest() {
    return latest;
  }

  /** The samples of the last hour, oldest first. */
  public synchronized List<Point> history() {
    return List.copyOf(history);
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.warn("console sample failed: {}", e.toString(), e);
    }
  }

  /** Takes one sample (on the caller's thread). */
  public void sample() {
    Instant now = Instant.now();
    List<String> problems = new ArrayList<>();
    View view;
    try {
      view = kafka.read();
      lastKafka = view;
    } catch (RuntimeException e) {
      problems.add("Kafka could not be read: " + e.getMessage() + " (figures below are older)");
      view = lastKafka;
    }
    SlotPosition position = null;
    try {
      position = PostgresProbe.slot(sources.outboxDb(), slotName);
    } catch (java.sql.SQLException e) {
      problems.add("The outbox database could not be read: " + e.getMessage());
    }
    Map<String, Answer> answers = services.ask(urls(view));
    Point point = point(now, view, position);
    Point earlier;
    synchronized (this) {
      history.addLast(point);
      while (history.getFirst().at().isBefore(now.minus(HISTORY))) {
        history.removeFirst();
      }
      earlier = history.getFirst();
      for (Point p : history) {
        if (!p.at().isAfter(now.minus(RATE_SPAN))) {
          earlier = p;
        }
      }
    }
    double seconds = Math.max(0.001, Duration.between(earlier.at(), now).toMillis() / 1000.0);
    List<TopicStats> topics = new ArrayList<>();
    for (TopicOffsets t : view.topics()) {
      long before = earlier.topicEnd().getOrDefault(t.name(), t.end());
      topics.add(
          new TopicStats(
              t.name(),
              t.partitions(),
              t.end() - t.start(),
              t.end(),
              (t.end() - before) / seconds));
    }
    List<TopicStats> dlqs =
        view.deadLetters().stream()
            .map(t -> new TopicStats(t.name(), t.partitions(), t.end() - t.start(), t.end(), 0))
            .toList();
    List<GroupStats> groups = new ArrayList<>();
    for (GroupView g : view.groups()) {
      PostgresProbe.GroupDb db = null;
      Sources.Group group = sources.group(g.name());
      try {
        db = PostgresProbe.group(group);
      } catch (java.sql.SQLException e) {
        problems.add("The database of group " + g.name() + " could not be read: " + e.getMessage());
      }
      long before = earlier.groupCommitted().getOrDefault(g.name(), g.committed());
      groups.add(
          new GroupStats(
              g.name(),
              g.state(),
              g.members(),
              g.lagByTopic(),
              g.committed(),
              (g.committed() - before) / seconds,
              db == null ? null : db.parkedKeys(),
              db == null ? null : db.retrying(),
              db == null ? null : db.dead(),
              db == null ? null : db.lastProcessed(),
              groupReady(group, answers),
              g.offsets()));
    }
    latest =
        new Snapshot(
            now, slot(position, now), topics, dlqs, groups, serviceStats(view, answers), problems);
  }

  private Set<String> urls(View view) {
    Set<String> urls = new LinkedHashSet<>();
    String relay = sources.config().get(ConsoleSettings.RELAY_URL);
    if (relay != null) {
      urls.add(relay);
    }
    view.groups()
        .forEach(
            g -> {
              String url = sources.group(g.name()).url();
              if (url != null) {
                urls.add(url);
              }
            });
    return urls;
  }

  private static Boolean groupReady(Sources.Group group, Map<String, Answer> answers) {
    Answer a = group.url() == null ? null : answers.get(group.url());
    if (a == null) {
      return null;
    }
    Boolean own = a.groups().get(group.name());
    return own != null ? own : a.ready();
  }

  private List<ServiceStats> serviceStats(View view, Map<String, Answer> answers) {
    List<ServiceStats> result = new ArrayList<>();
    String relay = sources.config().get(ConsoleSettings.RELAY_URL);
    if (relay != null) {
      Answer a = answers.get(relay);
      result.add(
          new ServiceStats(
              "relay",
              relay,
              a.ready(),
              a.detail() + counters(a, "relaybox_relay_events_published_total", "published")));
    }
    Map<String, List<String>> groupsByUrl = new LinkedHashMap<>();
    view.groups()
        .forEach(
            g -> {
              String url = sources.group(g.name()).url();
              if (url != null) {
                groupsByUrl.computeIfAbsent(url, u -> new ArrayList<>()).add(g.name());
              }
            });
    groupsByUrl.forEach(
        (url, names) -> {
          Answer a = answers.get(url);
          result.add(
              new ServiceStats(
                  "consumers: " + String.join(", ", names),
                  url,
                  a.ready(),
                  a.detail()
                      + counters(a, "relaybox_consumer_events_processed_total", "processed")
                      + counters(a, "relaybox_consumer_events_retried_total", "retried")
                      + counters(
                          a, "relaybox_consumer_events_dead_lettered_total", "dead-lettered")));
        });
    return result;
  }

  /** {@code "; <label> N"}: a counter of the service's /metrics, summed over groups. */
  private static String counters(Answer answer, String metric, String label) {
    double sum = 0;
    boolean found = false;
    for (Map.Entry<String, Double> e : answer.metrics().entrySet()) {
      if (e.getKey().startsWith(metric + "|")) {
        sum += e.getValue();
        found = true;
      }
    }
    return found ? "; " + label + " " + Fmt.count(Math.round(sum)) + " since start" : "";
  }

  private Point point(Instant now, View view, SlotPosition slot) {
    Map<String, Long> lag = new LinkedHashMap<>();
    Map<String, Long> committed = new LinkedHashMap<>();
    for (GroupView g : view.groups()) {
      lag.put(g.name(), g.lagByTopic().values().stream().mapToLong(Long::longValue).sum());
      committed.put(g.name(), g.committed());
    }
    Map<String, Long> ends = new LinkedHashMap<>();
    long published = 0;
    for (TopicOffsets t : view.topics()) {
      ends.put(t.name(), t.end());
      published += t.end();
    }
    long wal = slot == null ? -1 : slot.walLsn();
    long slotLag = slot == null || !slot.exists() ? -1 : Math.max(0, wal - slot.confirmedLsn());
    return new Point(now, published, wal, slotLag, lag, committed, ends);
  }

  private Slot slot(SlotPosition position, Instant now) {
    if (position == null) {
      return null;
    }
    if (!position.exists()) {
      return new Slot(slotName, false, false, 0, null, false);
    }
    long lag = Math.max(0, position.walLsn() - position.confirmedLsn());
    LagTime time = lagTime(history(), position.confirmedLsn(), now);
    return new Slot(slotName, true, position.active(), lag, time.lag(), time.atLeast());
  }

  /** How far behind in time a position is; {@code atLeast}: longer than the samples reach. */
  record LagTime(Duration lag, boolean atLeast) {}

  /**
   * How long ago the WAL passed {@code confirmed}: the time of the first sample whose WAL position
   * was beyond it (the change is at most one interval older). Zero when no sample is beyond it; "at
   * least" the whole history when even the oldest sample is.
   */
  static LagTime lagTime(List<Point> points, long confirmed, Instant now) {
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (p.walLsn() > confirmed) {
        return new LagTime(Duration.between(p.at(), now), i == 0 && points.size() > 1);
      }
    }
    return new LagTime(Duration.ZERO, false);
  }

  @Override
  public void close() {
    timer.shutdown();
    try {
      // let a sample in progress finish: interrupting it would break its pooled connection
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
  }
}
