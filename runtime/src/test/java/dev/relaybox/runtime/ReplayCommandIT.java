package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(DevStackExtension.class)
class ReplayCommandIT {
  private static final long T0 = 1_700_000_000_000L;

  private final String topic = "replay-it-" + UUID.randomUUID();
  private final String group = "replay-it-" + UUID.randomUUID();
  private DevStack stack;

  @BeforeEach
  void tenRecordsConsumedAndCommitted(DevStack stack) throws Exception {
    this.stack = stack;
    stack.kafka().createTopic(topic, 2);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        // partition 0 gets even records, partition 1 odd; timestamps one minute apart
        producer.send(new ProducerRecord<>(topic, i % 2, T0 + i * 60_000L, "k" + i, "v" + i)).get();
      }
    }
    try (KafkaConsumer<String, String> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen < 10 && System.nanoTime() < deadline) {
        seen += consumer.poll(Duration.ofMillis(200)).count();
      }
      assertThat(seen).isEqualTo(10);
      consumer.commitSync();
    }
  }

  @Test
  void dryRunShowsWhatWouldBeReadAndChangesNothing() {
    Result result = run("--earliest", "--dry-run");
    assertThat(result.exit).as(result.err).isZero();
    assertThat(result.out).contains("10 record(s) will be read again.").contains("Dry run");
    assertThat(committed()).containsEntry(0, 5L).containsEntry(1, 5L);
  }

  @Test
  void earliestRewindsEveryPartition() {
    Result result = run("--earliest");
    assertThat(result.exit).as(result.err).isZero();
    assertThat(result.out).contains("no effect happens twice");
    assertThat(committed()).containsEntry(0, 0L).containsEntry(1, 0L);
  }

  @Test
  void fromTimestampFindsTheFirstRecordAtOrAfterIt() {
    // records 6..9 are at or after T0 + 6 min: offsets 3 (p0: 6, 8) and 3 (p1: 7, 9)
    Result result = run("--from-timestamp", Long.toString(T0 + 6 * 60_000L));
    assertThat(result.exit).as(result.err).isZero();
    assertThat(result.out).contains("4 record(s) will be read again.");
    assertThat(committed()).containsEntry(0, 3L).containsEntry(1, 3L);
  }

  @Test
  void aWindowEndCountsTheRecordsBeforeItAndSaysTheGroupReadsOn() {
    // from T0 + 2 min to T0 + 5 min: records 2, 3, 4
    Result result =
        run(
            "--from-timestamp",
            Long.toString(T0 + 2 * 60_000L),
            "--to-timestamp",
            Long.toString(T0 + 5 * 60_000L),
            "--dry-run");
    assertThat(result.exit).as(result.err).isZero();
    assertThat(result.out)
        .contains("8 record(s) will be read again.")
        .contains("3 of them are in the window")
        .contains("reads on to the log end");
  }

  @Test
  void fromOffsetMovesOnlyTheNamedPartitions() {
    Result result = run("--from-offset", "1:2");
    assertThat(result.exit).as(result.err).isZero();
    assertThat(committed()).containsEntry(0, 5L).containsEntry(1, 2L);
  }

  @Test
  void anOffsetOutsideTheLogIsRefused() {
    Result result = run("--from-offset", "0:99");
    assertThat(result.exit).isEqualTo(1);
    assertThat(result.err).contains("offset 99 is outside partition 0's log [0, 5]");
  }

  @Test
  void refusesWhileTheGroupHasLiveMembers() {
    try (KafkaConsumer<String, String> live = consumer()) {
      live.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (live.assignment().isEmpty() && System.nanoTime() < deadline) {
        live.poll(Duration.ofMillis(100));
      }
      Result result = run("--earliest");
      assertThat(result.exit).isEqualTo(1);
      assertThat(result.err)
          .contains("consumer group '" + group + "'")
          .contains("live member(s)")
          .contains("stop its consumers first");
    }
    assertThat(committed()).containsEntry(0, 5L).containsEntry(1, 5L);
  }

  @Test
  void aBadTimestampIsAUsageError() {
    Result result = run("--from-timestamp", "yesterday");
    assertThat(result.exit).isEqualTo(2);
    assertThat(result.err).contains("ISO-8601");
  }

  private Result run(String... startArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "--bootstrap-servers",
                stack.kafka().bootstrapServers(),
                "--group",
                group,
                "--topic",
                topic));
    args.addAll(List.of(startArgs));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = RelayboxCli.commandLine(e -> false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  private record Result(int exit, String out, String err) {}

  private KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafka().bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new StringDeserializer());
  }

  private Map<Integer, Long> committed() {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<Integer, Long> byPartition = new HashMap<>();
      offsets.forEach((tp, om) -> byPartition.put(tp.partition(), om.offset()));
      return byPartition;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
