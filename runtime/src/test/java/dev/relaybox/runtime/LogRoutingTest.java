package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

class LogRoutingTest {

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @AfterEach
  void restoreJul() throws Exception {
    root.detachAppender(appender);
    SLF4JBridgeHandler.uninstall();
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void javaUtilLoggingReachesLogbackOnceInstalled() {
    appender.start();
    root.addAppender(appender);
    LogRouting.install();
    LogRouting.install(); // idempotent: one bridge, one line

    java.util.logging.Logger.getLogger("org.postgresql.Driver").warning("connection refused");

    assertThat(appender.list)
        .singleElement()
        .satisfies(e -> assertThat(e.getLoggerName()).isEqualTo("org.postgresql.Driver"))
        .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo("connection refused"));
    assertThat(java.util.logging.Logger.getLogger("").getHandlers())
        .as("JUL's own console handler is gone: nothing is written twice or as plain text")
        .allMatch(h -> h instanceof SLF4JBridgeHandler);
  }
}
