package dev.relaybox.consumers.internal;

import dev.relaybox.config.ServiceMeters;
import dev.relaybox.consumers.ConsumerRunner;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner: its poll thread ({@code relaybox-consumer-<group>-<n>}) owns the {@code
 * KafkaConsumer}, hands polled records to the {@link KeyScheduler}, pauses intake when too much is
 * in memory or parked, and commits each partition's offset up to its lowest unsettled event. The
 * {@link Workers} run the events; the {@link SetMonitor} watches the retry and dead sets.
 */
public final class KafkaConsumerRunner implements ConsumerRunner {

  private static final Logger log = LoggerFactory.getLogger(KafkaConsumerRunner.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final Duration PAUSED_POLL = Duration.ofMillis(50);

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final RunnerSettings settings;
  private final ProcessedKeys keys;
  private final RunnerMetrics metrics;
  private final KeyScheduler scheduler;
  private final PartitionLanes partitions;
  private final SetStore store;
  private final SetQueries queries;
  private final ProcessedKeysSweeper sweeper;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final int maxBuffered;

  private KafkaConsumer<byte[], byte[]> consumer;
  private ServiceMeters.Binding consumerMeters;
  private Rebalancer rebalancer;
  private DeadLetterPublisher publisher;
  private SetMonitor monitor;
  private Workers workers;
  private Thread thread;
  private boolean bufferFull;
  private long lastCommitNanos;
  private volatile long lastPollNanos;
  private volatile boolean polled;
  private volatile int assigned;
  private volatile boolean failed;

  /** Set by the poll thread once the partitions are paused for the parked-key bounds. */
  private volatile String pausedReason;

  public KafkaConsumerRunner(RunnerSettings settings) {
    this.settings = settings;
    this.keys = new ProcessedKeys(settings);
    this.metrics = new RunnerMetrics(settings.meterRegistry(), settings.groupId());
    int maxPollRecords = settings.kafka().maxPollRecords();
    LaneState lanes = new LaneState();
    this.scheduler = new KeyScheduler(lanes, maxPollRecords, metrics);
    this.partitions = new PartitionLanes(lanes);
    this.store = new SetStore(settings);
    this.queries = new SetQueries(settings);
    this.maxBuffered = Math.max(4 * maxPollRecords, 4 * settings.scheduling().maxInFlight());
    this.sweeper =
        settings.processedKeys().retention() == null
            ? null
            : new ProcessedKeysSweeper(settings, keys, metrics);
    metrics.inFlight(scheduler::inFlight);
    settings.kafka().topics().forEach(metrics::topic);
  }

  @Override
  public synchronized ConsumerRunner start() {
    if (state.get() != State.NEW) {
      throw new IllegalStateException("runner " + groupId() + " was already started or closed");
    }
    // A failed migration leaves the runner NEW: start() may be called again.
    if (settings.processedKeys().migrateOnStart()) {
      migrate();
    }
    consumer =
        new KafkaConsumer<>(
            consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumerMeters = ServiceMeters.bindKafka(consumer, settings.meterRegistry());
    rebalancer = new Rebalancer(settings, consumer, partitions, queries, this::commit);
    publisher = new DeadLetterPublisher(settings.kafka(), settings.meterRegistry());
    monitor = new SetMonitor(settings, queries, partitions, metrics, publisher);
    Backoff backoff = new Backoff(settings.retry().initialBackoff(), settings.retry().maxBackoff());
    Outage outage = new Outage(groupId(), backoff, scheduler, metrics);
    FailureHandler failures =
        new FailureHandler(settings, store, scheduler, metrics, backoff, outage, monitor::wake);
    workers =
        new Workers(
            groupId(),
            settings.scheduling().maxInFlight(),
            scheduler,
            new ChunkProcessor(settings, keys, scheduler, metrics, failures, outage),
            new ParkedKeyJob(settings, keys, store, scheduler, metrics, failures, backoff, outage),
            settings.handling().eventHandler() != null ? settings.handling().dataSource() : null,
            outage);
    lastPollNanos = System.nanoTime();
    thread =
        new Thread(
            this::pollLoop, "relaybox-consumer-" + groupId() + "-" + INSTANCES.incrementAndGet());
    state.set(State.RUNNING);
    workers.start();
    monitor.start();
    thread.start();
    if (sweeper != null) {
      sweeper.start();
    }
    log.info(
        "consumer started group={} topics={} maxInFlight={} deadKeyPolicy={} deadLetterTopic={}"
            + " processedKeys={} processedKeysRetention={}",
        groupId(),
        settings.kafka().topics(),
        settings.scheduling().maxInFlight(),
        settings.retry().deadKeyPolicy(),
        settings.kafka().deadLetterTopic(),
        settings.processedKeys().deduplicate() ? settings.processedKeys().qualifiedTable() : "off",
        sweeper == null ? "forever" : settings.processedKeys().retention());
    return this;
  }

  private Properties consumerProperties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    // The relay writes in transactions: never hand a handler an event that was aborted.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "relaybox-" + groupId());
    props.putAll(settings.kafka().consumerProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
    // Offsets are committed by hand, after the database commit: that is the whole guarantee.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return props;
  }

  @Override
  public void migrate() {
    keys.migrate();
    log.info(
        "processed-keys, retry-set and dead-set tables migrated table={}",
        settings.processedKeys().qualifiedTable());
  }

  @Override
  public String groupId() {
    return settings.groupId();
  }

  @Override
  public boolean isHealthy() {
    return state.get() == State.RUNNING
        && !failed
        && thread.isAlive()
        && System.nanoTime() - lastPollNanos < settings.kafka().maxPollInterval().toNanos();
  }

  @Override
  public boolean isReady() {
    return notReadyReason().isEmpty();
  }

  @Override
  public Optional<String> notReadyReason() {
    State current = state.get();
    if (current != State.RUNNING) {
      return Optional.of(current == State.NEW ? "not started" : "closed");
    }
    if (failed || !thread.isAlive()) {
      return Optional.of("poll loop stopped on an error (see the log)");
    }
    long stalledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
    if (stalledMs > settings.kafka().readyStallTimeout().toMillis()) {
      String rebalance = rebalancer.inProgress();
      return Optional.of(
          "poll loop has not returned for "
              + stalledMs
              + " ms (readyStallTimeout "
              + settings.kafka().readyStallTimeout().toMillis()
              + " ms)"
              + (rebalance == null ? "" : ": " + rebalance));
    }
    if (!polled || assigned == 0) {
      return Optional.of(
          "holds no partition of "
              + settings.kafka().topics()
              + " (joining the group, or the group has more members than partitions)");
    }
    return pausedReason();
  }

  @Override
  public Optional<String> pausedReason() {
    return Optional.ofNullable(pausedReason);
  }

  @Override
  public synchronized void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous != State.RUNNING) {
      return;
    }
    consumer.wakeup();
    // Stops while the work in flight finishes; a sweep stops after its current statement.
    if (sweeper != null) {
      sweeper.close();
    }
    try {
      thread.join(settings.shutdownTimeout().toMillis() + 15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn(
          "consumer did not stop within shutdownTimeout={} group={}; its unsettled records will"
              + " be redelivered and skipped as duplicates",
          settings.shutdownTimeout(),
          groupId());
    }
  }

  private void pollLoop() {
    try {
      consumer.subscribe(settings.kafka().topics(), rebalancer);
      while (state.get() == State.RUNNING) {
        boolean paused = applyPauses();
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(paused ? PAUSED_POLL : settings.kafka().pollTimeout());
        lastPollNanos = System.nanoTime();
        assigned = consumer.assignment().size();
        polled = true;
        if (!records.isEmpty()) {
          partitions.intake(records);
        }
        if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
          commit(null);
        }
        rebalancer.retryLoads();
        updateLag();
      }
    } catch (WakeupException e) {
      if (state.get() == State.RUNNING) {
        failed = true;
        log.error("consumer woken up unexpectedly group={}", groupId(), e);
      }
    } catch (RuntimeException e) {
      failed = true;
      // Reported through isHealthy(); the host decides whether to restart the runner.
      log.error("consumer stopped on an unexpected error group={}", groupId(), e);
    } catch (Error e) {
      failed = true;
      throw e;
    } finally {
      shutDown();
    }
  }

  /**
   * Pauses every assigned partition while too many polled records are unsettled (until half are
   * left) or the parked keys are at their bound, and those whose parked keys are not loaded;
   * resumes the rest. Returns whether anything is paused.
   */
  private boolean applyPauses() {
    int unsettled = scheduler.unsettled();
    bufferFull = bufferFull ? unsettled > maxBuffered / 2 : unsettled >= maxBuffered;
    Set<TopicPartition> assignment = consumer.assignment();
    Set<TopicPartition> wanted;
    String bounds = monitor.pauseReason().orElse(null);
    if (bufferFull || bounds != null) {
      wanted = assignment;
    } else {
      wanted = new HashSet<>(rebalancer.unloaded());
      wanted.retainAll(assignment);
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> pause = new HashSet<>(wanted);
    pause.removeAll(paused);
    Set<TopicPartition> resume = new HashSet<>(paused);
    resume.removeAll(wanted);
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    // Reported only now that it holds: records sent from here on stay in Kafka.
    pausedReason = bounds;
    metrics.intakePaused(bounds != null);
    return !wanted.isEmpty();
  }

  /** Commits what is settled on {@code partitions} (all owned ones when null). */
  private void commit(Collection<TopicPartition> partitions) {
    lastCommitNanos = System.nanoTime();
    Map<TopicPartition, Long> offsets = this.partitions.committable(partitions, this::position);
    if (offsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    try {
      consumer.commitSync(commit);
      this.partitions.committed(offsets);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // Partitions moved, or the broker is unreachable: the next owner (or the next try here)
      // redelivers from the last commit and the processed keys skip what was done.
      log.warn(
          "offset commit failed group={} offsets={} error={}", groupId(), offsets, e.toString());
    }
  }

  /** The fetch position of an owned partition, or -1 when the consumer does not know it yet. */
  private long position(TopicPartition tp) {
    try {
      return consumer.position(tp, Duration.ZERO);
    } catch (TimeoutException | IllegalStateException e) {
      return -1; // not fetched yet, or no longer ours
    }
  }

  private void updateLag() {
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    metrics.lag(total);
  }

  private void shutDown() {
    scheduler.close();
    try {
      if (!scheduler.awaitIdle(settings.shutdownTimeout().toNanos())) {
        log.warn(
            "work in flight did not finish within shutdownTimeout={} group={}",
            settings.shutdownTimeout(),
            groupId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      commit(null);
    } catch (RuntimeException e) {
      log.warn("final offset commit failed group={} error={}", groupId(), e.toString());
    }
    consumerMeters.close();
    try {
      // A static member (group.instance.id) would otherwise keep its partitions until its session
      // times out; a restart after a crash still takes them back at once.
      consumer.close(
          CloseOptions.timeout(Duration.ofSeconds(10))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    } catch (RuntimeException e) {
      log.warn("consumer close failed group={} error={}", groupId(), e.toString());
    }
    try {
      workers.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    monitor.close();
    publisher.close();
    log.info("consumer stopped group={}", groupId());
  }
}
