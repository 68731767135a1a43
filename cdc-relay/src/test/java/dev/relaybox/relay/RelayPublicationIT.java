package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The relay's checks of a publication someone made before it (real Postgres): one that publishes
 * more than the outbox's inserts is refused with the fix, and one that still publishes {@code
 * created_at} for {@code record.timestamp=commit} is used with a warning that names the fix.
 */
@ExtendWith(DevStackExtension.class)
class RelayPublicationIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void aPublicationOfAnotherTableOrOfUpdatesIsRefusedWithTheFix(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      String other = f.table + "_other";
      f.execute("CREATE TABLE " + other + " (id int PRIMARY KEY)");
      try {
        f.execute(
            "CREATE PUBLICATION "
                + f.slot
                + " FOR TABLE "
                + f.table
                + ", "
                + other
                + " WITH (publish = 'insert')");
        assertRefused(f);
        f.execute("ALTER PUBLICATION " + f.slot + " SET TABLE " + f.table);
        f.execute("ALTER PUBLICATION " + f.slot + " SET (publish = 'insert, update')");
        assertRefused(f);
        // Fixed as the message says, the relay starts.
        f.execute("ALTER PUBLICATION " + f.slot + " SET (publish = 'insert')");
        try (Relay relay = Relay.create(f.config().build())) {
          relay.start();
          await().atMost(DEADLINE).until(relay::isReady);
        }
      } finally {
        f.execute("DROP TABLE IF EXISTS " + other);
      }
    }
  }

  private static void assertRefused(RelayFixture f) {
    try (Relay relay = Relay.create(f.config().build())) {
      assertThatThrownBy(relay::start)
          .isInstanceOf(RelayException.class)
          .hasMessageContaining("does not publish only inserts of")
          .hasMessageContaining("ALTER PUBLICATION " + f.slot + " SET TABLE")
          .hasMessageContaining("SET (publish = 'insert')");
    }
  }

  @Test
  void commitTimestampsWarnWhenThePublicationStillCarriesCreatedAt(DevStack stack)
      throws Exception {
    Logger log =
        (Logger) LoggerFactory.getLogger("dev.relaybox.relay.internal.PublicationPreflight");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.execute(
          "CREATE PUBLICATION " + f.slot + " FOR TABLE " + f.table + " WITH (publish = 'insert')");
      try (Relay relay = Relay.create(f.config().set("record.timestamp", "commit").build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
      }
      assertThat(appender.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getFormattedMessage())
                      .contains("publication=" + f.slot + " publishes created_at")
                      .contains(
                          "ALTER PUBLICATION "
                              + f.slot
                              + " SET TABLE \"public\".\""
                              + f.table
                              + "\" (id, aggregatetype, aggregateid, type, payload, headers)"));
    } finally {
      log.detachAppender(appender);
    }
  }
}
