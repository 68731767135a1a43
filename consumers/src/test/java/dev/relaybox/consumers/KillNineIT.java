package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The consumer process is SIGKILLed five times while events flow: every event must have exactly one
 * effect row. Only the child consumer is killed, so the shared stack stays up.
 */
@ExtendWith(DevStackExtension.class)
class KillNineIT {

  private static final int EVENTS = 20_000;
  private static final int KILLS = 5;

  @Test
  void everyEventHasExactlyOneEffectAfterFiveKills(DevStack stack) throws Exception {
    String group = unique("kill");
    String topic = "it." + group;
    String effects = group + "_effects";
    stack.kafka().createTopic(topic, 4);
    Path log = Files.createTempFile("relaybox-kill-child", ".log");
    try (HikariDataSource ds = TestSupport.pool(stack, 2)) {
      TestSupport.createEffectsTable(ds, effects);
      // Events keep arriving while the consumer dies and restarts.
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(
              () -> {
                try (var producer = TestSupport.producer(stack)) {
                  List<Future<?>> sent = new ArrayList<>();
                  for (int i = 0; i < EVENTS; i++) {
                    sent.add(
                        producer.send(
                            event(topic, UUID.randomUUID(), "order-" + (i % 500), "body-" + i)));
                    if (i % 1000 == 999) {
                      producer.flush();
                    }
                  }
                  for (Future<?> f : sent) {
                    f.get();
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      String countSql = "SELECT count(*) FROM " + effects;
      for (int kill = 1; kill <= KILLS; kill++) {
        long before = queryLong(ds, countSql);
        Process child = startChild(stack, topic, group, effects, log);
        try {
          // Kill while the child is in the middle of the stream.
          long target = Math.min(before + 1_500, EVENTS - 1);
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> queryLong(ds, countSql) >= target || !child.isAlive());
          assertThat(child.isAlive()).as("child alive before kill %d, see %s", kill, log).isTrue();
        } finally {
          child.destroyForcibly().waitFor();
        }
        long atKill = queryLong(ds, countSql);
        LoggerFactory.getLogger(KillNineIT.class)
            .info("kill -9 number={} effectsAtKill={} of={}", kill, atKill, EVENTS);
        assertThat(atKill).as("kill %d must hit the stream, not its end", kill).isLessThan(EVENTS);
      }
      producing.get();
      Process last = startChild(stack, topic, group, effects, log);
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> queryLong(ds, countSql) >= EVENTS);
        // Let the survivor see the whole topic: a late duplicate would show up as row 20,001.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    queryLong(
                            ds,
                            "SELECT count(*) FROM "
                                + group
                                + "_keys WHERE consumer_group = '"
                                + group
                                + "'")
                        == EVENTS);
      } finally {
        last.destroy();
        last.waitFor();
      }
      assertThat(queryLong(ds, countSql)).isEqualTo(EVENTS);
      assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects))
          .isEqualTo(EVENTS);
      assertThat(queryLong(ds, "SELECT count(DISTINCT body) FROM " + effects)).isEqualTo(EVENTS);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Process startChild(
      DevStack stack, String topic, String group, String effects, Path log) throws Exception {
    return TestSupport.startChild(stack, ChildConsumerMain.class, log, topic, group, effects);
  }
}
