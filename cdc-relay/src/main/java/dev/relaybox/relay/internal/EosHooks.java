package dev.relaybox.relay.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-window test points of the exactly-once relay, off unless the JVM property {@value
 * #PROPERTY} is {@code <point>:<n>:<marker file>}: at the {@code n}-th occurrence of {@code point}
 * the engine thread writes the marker file and waits until interrupted, so a test can SIGKILL the
 * relay in exactly that window. Occurrences count batches with outbox changes. Points: {@code
 * before-batch} (a batch arrived, nothing sent: the slot is not confirmed further), {@code in-tx}
 * (every record and the offset sent and flushed, transaction open), {@code after-commit} (committed
 * in Kafka, slot not yet confirmed). Not a relay setting: a test seam only.
 */
final class EosHooks {
  static final String PROPERTY = "relaybox.test.pause";
  private static final Logger LOG = LoggerFactory.getLogger(EosHooks.class);

  private final String point;
  private final int at;
  private final Path marker;
  private int seen;

  private EosHooks(String point, int at, Path marker) {
    this.point = point;
    this.at = at;
    this.marker = marker;
  }

  /** The hooks the JVM property asks for; inert without it. */
  static EosHooks fromSystemProperty() {
    String spec = System.getProperty(PROPERTY);
    if (spec == null || spec.isBlank()) {
      return new EosHooks("", 0, null);
    }
    String[] parts = spec.split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException(PROPERTY + " must be <point>:<n>:<marker file>");
    }
    return new EosHooks(parts[0], Integer.parseInt(parts[1]), Path.of(parts[2]));
  }

  /**
   * Called at {@code name}; pauses there (interruptibly) at the configured occurrence after {@code
   * beforePause} ran.
   */
  void at(String name, Runnable beforePause) throws InterruptedException {
    if (marker == null || !point.equals(name) || ++seen != at) {
      return;
    }
    beforePause.run();
    try {
      Files.writeString(marker, name + " " + at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.warn("test pause point={} occurrence={} marker={}", name, at, marker);
    Thread.sleep(Long.MAX_VALUE);
  }
}
