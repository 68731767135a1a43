package dev.relaybox.consumers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.internal.KeyScheduler.Chunk;
import dev.relaybox.consumers.internal.KeyScheduler.Fate;
import dev.relaybox.consumers.internal.KeyScheduler.Job;
import dev.relaybox.consumers.internal.KeyScheduler.ParkedWork;
import dev.relaybox.consumers.internal.KeyScheduler.Slice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KeySchedulerTest {

  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private final LaneState state = new LaneState();
  private final KeyScheduler scheduler =
      new KeyScheduler(state, 50, new RunnerMetrics(new SimpleMeterRegistry(), "g"));
  private final PartitionLanes partitions = new PartitionLanes(state);
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();

  private ConsumerRecords<byte[], byte[]> records(TopicPartition tp, String... keys) {
    List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
    for (String key : keys) {
      long offset = nextOffset.merge(tp, 1L, Long::sum) - 1;
      list.add(
          new ConsumerRecord<>(
              tp.topic(), tp.partition(), offset, key.getBytes(StandardCharsets.UTF_8), null));
    }
    return new ConsumerRecords<>(Map.of(tp, list), Map.of());
  }

  @Test
  void manyWorkersNeverRunAKeyTwiceAtOnceAndKeepEachKeysOrder() throws Exception {
    for (TopicPartition tp : List.of(P0, P1)) {
      partitions.assigned(tp, List.of(), new HashSet<>());
    }
    Map<String, List<Long>> seen = new ConcurrentHashMap<>();
    Set<String> running = ConcurrentHashMap.newKeySet();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  Job job;
                  while ((job = scheduler.take()) != null) {
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    for (Slice slice : ((Chunk) job).slices()) {
                      String key =
                          slice.lane().tp()
                              + "/"
                              + new String(slice.lane().key(), StandardCharsets.UTF_8);
                      if (!running.add(key)) {
                        overlaps.incrementAndGet();
                      }
                      slice
                          .events()
                          .forEach(
                              p ->
                                  seen.computeIfAbsent(
                                          key, k -> Collections.synchronizedList(new ArrayList<>()))
                                      .add(p.offset()));
                    }
                    TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(500));
                    for (Slice slice : ((Chunk) job).slices()) {
                      running.remove(
                          slice.lane().tp()
                              + "/"
                              + new String(slice.lane().key(), StandardCharsets.UTF_8));
                      scheduler.settle(slice.events());
                      scheduler.finish(
                          slice.lane(),
                          slice.events().size(),
                          List.of(),
                          Fate.LIVE,
                          KeyScheduler.NO_DUE);
                    }
                    concurrent.decrementAndGet();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.start();
      workers.add(t);
    }
    Map<String, List<Long>> sent = new HashMap<>();
    for (int batch = 0; batch < 100; batch++) {
      TopicPartition tp = batch % 2 == 0 ? P0 : P1;
      String[] keys = new String[50];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "k" + ThreadLocalRandom.current().nextInt(30);
        sent.computeIfAbsent(tp + "/" + keys[i], k -> new ArrayList<>())
            .add(nextOffset.getOrDefault(tp, 0L) + i);
      }
      partitions.intake(records(tp, keys));
    }
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> scheduler.unsettled() == 0);
    } finally {
      scheduler.close();
      for (Thread t : workers) {
        t.join(5_000);
      }
    }
    assertThat(scheduler.unsettled()).isZero();
    assertThat(overlaps).hasValue(0);
    assertThat(maxConcurrent.get()).isLessThanOrEqualTo(8);
    assertThat(seen).isEqualTo(sent);
    assertThat(partitions.committable(null, tp -> -1))
        .containsEntry(P0, nextOffset.get(P0))
        .containsEntry(P1, nextOffset.get(P1));
  }

  @Test
  void aParkedKeysEventsWaitForItsJobWhileOtherKeysRunAndComeBackLiveWhenReleased()
      throws Exception {
    partitions.assigned(P0, List.of(), new HashSet<>());
    partitions.intake(records(P0, "x"));
    Chunk first = (Chunk) scheduler.take();
    Lane x = first.slices().get(0).lane();
    scheduler.settle(first.slices().get(0).events());
    scheduler.finish(x, 1, List.of(), Fate.PARKED, KeyScheduler.NO_DUE); // blocked: no retry time

    partitions.intake(records(P0, "x", "y"));
    Job next = scheduler.take();
    assertThat(next)
        .as("x's new event is to be appended to the retry set")
        .isInstanceOf(ParkedWork.class);
    assertThat(((ParkedWork) next).lane()).isSameAs(x);
    Job other = scheduler.take();
    assertThat(other).isInstanceOf(Chunk.class);
    assertThat(((Chunk) other).slices())
        .extracting(s -> new String(s.lane().key(), StandardCharsets.UTF_8))
        .containsExactly("y");

    var appended = scheduler.takePending(x);
    assertThat(appended).extracting(Lane.Pending::offset).containsExactly(1L);
    // The key turned out released: the taken events run live, before anything newer.
    partitions.intake(records(P0, "x"));
    scheduler.finish(x, 1, appended, Fate.LIVE, KeyScheduler.NO_DUE);
    Chunk live = (Chunk) scheduler.take();
    assertThat(live.slices().get(0).events())
        .extracting(Lane.Pending::offset)
        .containsExactly(1L, 3L);
  }

  @Test
  void aParkedKeyComesBackWhenItsRetryIsDue() throws Exception {
    long start = System.nanoTime();
    partitions.assigned(
        P0,
        List.of(new KeyScheduler.ParkedKey("x".getBytes(StandardCharsets.UTF_8), 0, 50, false)),
        new HashSet<>());
    Job job = scheduler.take();
    assertThat(job).isInstanceOf(ParkedWork.class);
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void revokedPartitionsAreNotDispatchedAndDrainWaitsForRunningJobs() throws Exception {
    partitions.assigned(P0, List.of(), new HashSet<>());
    partitions.intake(records(P0, "a", "b"));
    Chunk running = (Chunk) scheduler.take();
    partitions.revoke(List.of(P0));
    assertThat(partitions.awaitIdle(List.of(P0), TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
    for (Slice s : running.slices()) {
      scheduler.settle(s.events());
      scheduler.finish(s.lane(), s.events().size(), List.of(), Fate.LIVE, KeyScheduler.NO_DUE);
    }
    assertThat(partitions.awaitIdle(List.of(P0), TimeUnit.MILLISECONDS.toNanos(50))).isTrue();
    assertThat(partitions.committable(List.of(P0), tp -> -1)).containsEntry(P0, 2L);
    partitions.drop(List.of(P0));
    assertThat(partitions.owned()).isEmpty();
    assertThat(scheduler.unsettled()).isZero();
  }
}
