package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.internal.BatchProcessor.Outcome;
import dev.relaybox.consumers.internal.BatchProcessor.Retry;
import dev.relaybox.consumers.internal.BatchProcessor.RetryState;
import dev.relaybox.consumers.internal.BatchProcessor.TransientBatchException;
import dev.relaybox.consumers.internal.DeadLetterPublisher.DeadLetterException;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop: poll, process the batch ({@link BatchProcessor}), dead-letter, commit offsets,
 * schedule retries. Everything touching the {@code KafkaConsumer} runs on the poll thread, except
 * {@code wakeup()}.
 */
public final class KafkaConsumerRunner implements ConsumerRunner {

  private static final Logger log = LoggerFactory.getLogger(KafkaConsumerRunner.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final RunnerSettings settings;
  private final ProcessedKeys keys;
  private final RunnerMetrics metrics;
  private final BatchProcessor processor;
  private final Backoff backoff;
  private final ExecutorService callExecutor;
  private final ProcessedKeysSweeper sweeper;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final long maxPollIntervalNanos;

  // Poll-thread state.
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
  private final Map<TopicPartition, RetryState> retryStates = new HashMap<>();
  private final Map<TopicPartition, Long> resumeAtNanos = new HashMap<>();
  private int consecutiveBatchFailures;

  private KafkaConsumer<byte[], byte[]> consumer;
  private DeadLetterPublisher deadLetters;
  private Thread thread;
  private volatile long lastPollNanos;
  private volatile boolean polled;
  private volatile boolean failed;

  public KafkaConsumerRunner(RunnerSettings settings) {
    this.settings = settings;
    this.keys = new ProcessedKeys(settings);
    this.metrics = new RunnerMetrics(settings.meterRegistry(), settings.groupId());
    this.callExecutor =
        settings.twoPhaseHandler() != null && settings.callConcurrency() > 1
            ? Executors.newFixedThreadPool(
                settings.callConcurrency(),
                runnable -> {
                  Thread t = new Thread(runnable, "relaybox-call-" + settings.groupId());
                  t.setDaemon(true);
                  return t;
                })
            : null;
    this.processor = new BatchProcessor(settings, keys, metrics, callExecutor);
    this.sweeper =
        settings.processedKeysRetention() == null
            ? null
            : new ProcessedKeysSweeper(settings, keys, metrics);
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    this.maxPollIntervalNanos =
        Duration.ofMillis(
                Long.parseLong(
                    settings
                        .consumerProperties()
                        .getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000")))
            .toNanos();
  }

  @Override
  public synchronized ConsumerRunner start() {
    if (state.get() != State.NEW) {
      throw new IllegalStateException("runner " + groupId() + " was already started or closed");
    }
    // A failed migration leaves the runner NEW: start() may be called again.
    if (settings.migrateOnStart()) {
      migrate();
    }
    consumer =
        new KafkaConsumer<>(
            consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters = new DeadLetterPublisher(settings);
    lastPollNanos = System.nanoTime();
    thread =
        new Thread(
            this::pollLoop, "relaybox-consumer-" + groupId() + "-" + INSTANCES.incrementAndGet());
    state.set(State.RUNNING);
    thread.start();
    if (sweeper != null) {
      sweeper.start();
    }
    log.info(
        "consumer started group={} topics={} deadLetterTopic={} processedKeys={}"
            + " processedKeysRetention={}",
        groupId(),
        settings.topics(),
        settings.deadLetterTopic(),
        settings.deduplicate() ? settings.qualifiedTable() : "off",
        sweeper == null ? "forever" : settings.processedKeysRetention());
    return this;
  }

  private Properties consumerProperties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "relaybox-" + groupId());
    props.putAll(settings.consumerProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
    // Offsets are committed by hand, after the database commit: that is the whole guarantee.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return props;
  }

  @Override
  public void migrate() {
    keys.migrate();
    log.info("processed-keys table migrated table={}", settings.qualifiedTable());
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
        && System.nanoTime() - lastPollNanos < maxPollIntervalNanos;
  }

  @Override
  public boolean isReady() {
    return isHealthy() && polled;
  }

  @Override
  public synchronized void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous != State.RUNNING) {
      return;
    }
    consumer.wakeup();
    // Stops while the poll thread finishes its batch; a sweep stops after its current statement.
    if (sweeper != null) {
      sweeper.close();
    }
    try {
      thread.join(settings.shutdownTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn(
          "consumer did not stop within shutdownTimeout={} group={}; its uncommitted records will"
              + " be redelivered and skipped as duplicates",
          settings.shutdownTimeout(),
          groupId());
    }
  }

  private void pollLoop() {
    try {
      consumer.subscribe(settings.topics(), new RebalanceListener());
      while (state.get() == State.RUNNING) {
        resumeDuePartitions();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(nextPollTimeout());
        lastPollNanos = System.nanoTime();
        polled = true;
        if (!records.isEmpty()) {
          processBatch(records);
        }
        commitUncommitted();
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

  private void processBatch(ConsumerRecords<byte[], byte[]> records) {
    Timer.Sample sample = Timer.start();
    try {
      Outcome outcome = processor.process(records, retryStates);
      deadLetters.publish(outcome.deadLetters());
      outcome
          .commitOffsets()
          .forEach((tp, offset) -> uncommitted.put(tp, new OffsetAndMetadata(offset)));
      record(outcome);
      retryStates
          .keySet()
          .removeIf(
              tp ->
                  !outcome.retries().containsKey(tp)
                      && outcome.commitOffsets().getOrDefault(tp, -1L)
                          > retryStates.get(tp).offset());
      outcome.retries().forEach(this::retryInPlace);
      consecutiveBatchFailures = 0;
    } catch (SQLException | DeadLetterException | TransientBatchException e) {
      rewind(records, e);
    } finally {
      sample.stop(metrics.batchLatency());
    }
  }

  private void record(Outcome outcome) {
    countByTopic(outcome.applied()).forEach(metrics::processed);
    countByTopic(outcome.duplicates()).forEach(metrics::duplicates);
    for (ConsumedEvent e : outcome.applied()) {
      log.debug(
          "event processed group={} eventId={} key={} topic={} partition={} offset={} attempt={}",
          groupId(),
          e.eventId(),
          e.key(),
          e.topic(),
          e.partition(),
          e.offset(),
          e.attempt());
    }
    for (ConsumedEvent e : outcome.duplicates()) {
      log.debug(
          "duplicate skipped group={} eventId={} key={} topic={} partition={} offset={}",
          groupId(),
          e.eventId(),
          e.key(),
          e.topic(),
          e.partition(),
          e.offset());
    }
    for (DeadLetter d : outcome.deadLetters()) {
      var r = d.record();
      metrics.deadLettered(r.topic(), d.reason());
      log.error(
          "event dead-lettered group={} reason={} key={} topic={} partition={} offset={}"
              + " attempt={} deadLetterTopic={} error={}",
          groupId(),
          d.reason(),
          keyOf(r),
          r.topic(),
          r.partition(),
          r.offset(),
          d.attempts(),
          deadLetters.topic(),
          d.error().toString());
    }
  }

  private static String keyOf(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  private static Map<String, Long> countByTopic(List<ConsumedEvent> events) {
    return events.stream()
        .collect(Collectors.groupingBy(ConsumedEvent::topic, Collectors.counting()));
  }

  /** Rewinds the partition to the failed record and pauses it for the backoff. */
  private void retryInPlace(TopicPartition tp, Retry retry) {
    RetryState previous = retryStates.get(tp);
    Instant first =
        previous != null && previous.offset() == retry.record().offset()
            ? previous.firstFailure()
            : Instant.now();
    retryStates.put(tp, new RetryState(retry.record().offset(), retry.attempt(), first));
    long delay = backoff.delayMillis(retry.attempt());
    pauseUntil(tp, retry.record().offset(), delay);
    metrics.retried(tp.topic());
    log.warn(
        "event failed, retrying group={} key={} topic={} partition={} offset={} attempt={}"
            + " maxAttempts={} backoffMs={} error={}",
        groupId(),
        keyOf(retry.record()),
        tp.topic(),
        tp.partition(),
        retry.record().offset(),
        retry.attempt(),
        settings.maxAttempts(),
        delay,
        retry.error().toString());
  }

  /** The database or the dead-letter topic failed: redo the whole batch after a backoff. */
  private void rewind(ConsumerRecords<byte[], byte[]> records, Exception e) {
    consecutiveBatchFailures++;
    metrics.batchFailed();
    long delay = backoff.delayMillis(consecutiveBatchFailures);
    for (TopicPartition tp : records.partitions()) {
      pauseUntil(tp, records.records(tp).get(0).offset(), delay);
    }
    log.error(
        "batch failed, rewinding group={} partitions={} records={} failures={} backoffMs={}"
            + " error={}",
        groupId(),
        records.partitions(),
        records.count(),
        consecutiveBatchFailures,
        delay,
        e.toString());
  }

  private void pauseUntil(TopicPartition tp, long offset, long delayMillis) {
    consumer.seek(tp, offset);
    consumer.pause(Set.of(tp));
    resumeAtNanos.put(tp, System.nanoTime() + Duration.ofMillis(delayMillis).toNanos());
  }

  private void resumeDuePartitions() {
    long now = System.nanoTime();
    var due =
        resumeAtNanos.entrySet().stream()
            .filter(e -> e.getValue() - now <= 0)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    if (!due.isEmpty()) {
      resumeAtNanos.keySet().removeAll(due);
      due.retainAll(consumer.assignment());
      consumer.resume(due);
    }
  }

  private Duration nextPollTimeout() {
    long now = System.nanoTime();
    long timeout = settings.pollTimeout().toNanos();
    for (long resumeAt : resumeAtNanos.values()) {
      timeout = Math.min(timeout, Math.max(0, resumeAt - now));
    }
    return Duration.ofNanos(timeout);
  }

  /** Commits the offsets of everything whose transaction committed. */
  private void commitUncommitted() {
    if (uncommitted.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(Map.copyOf(uncommitted));
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The partitions moved to another member; it redelivers these records and skips them as
      // duplicates, because their keys are committed.
      log.warn(
          "offset commit failed after a rebalance group={} offsets={} error={}",
          groupId(),
          uncommitted,
          e.toString());
    } catch (RetriableException e) {
      // Broker unreachable or slow: keep the offsets and try again after the next poll. Until
      // then a crash only costs redeliveries, which the processed keys absorb.
      log.warn(
          "offset commit failed, will retry group={} offsets={} error={}",
          groupId(),
          uncommitted,
          e.toString());
      return;
    }
    uncommitted.clear();
  }

  private void updateLag() {
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    metrics.lag(total);
  }

  private void shutDown() {
    try {
      commitUncommitted();
    } catch (RuntimeException e) {
      log.warn("final offset commit failed group={} error={}", groupId(), e.toString());
    }
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    } catch (RuntimeException e) {
      log.warn("consumer close failed group={} error={}", groupId(), e.toString());
    }
    deadLetters.close();
    if (callExecutor != null) {
      callExecutor.shutdown();
    }
    log.info("consumer stopped group={}", groupId());
  }

  private final class RebalanceListener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Batches are processed between polls, so nothing is in flight here: commit what is done.
      commitUncommitted();
      forget(partitions);
      log.info("partitions revoked group={} partitions={}", groupId(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      log.warn("partitions lost group={} partitions={}", groupId(), partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("partitions assigned group={} partitions={}", groupId(), partitions);
    }

    /**
     * Drops the state of partitions this member no longer owns (also offsets it failed to commit).
     */
    private void forget(Collection<TopicPartition> partitions) {
      uncommitted.keySet().removeAll(partitions);
      retryStates.keySet().removeAll(partitions);
      resumeAtNanos.keySet().removeAll(partitions);
    }
  }
}
