package dev.relaybox.runtime;

import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.consumers.DeadSet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every {@code relaybox dlq} command shares: where the group's dead set is. */
final class DlqOptions {
  @Mixin ConsumerTablesOptions tables;

  @Option(
      names = "--group",
      required = true,
      description = "The consumer group, e.g. payments (a service's <service>.group).")
  String group;

  /** The dead sets; usage error (exit code 2) for a bad schema or table name. */
  DeadSet deadSet(CommandSpec spec) {
    return tables.open(spec, DeadSet::of);
  }

  /** Who acts, for the record: {@code $USER@host} unless given. */
  static String defaultActor() {
    String user = System.getProperty("user.name", "unknown");
    try {
      return user + "@" + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return user;
    }
  }

  /**
   * The line that reports one resolved dead event: {@code <verb> <id>: topic:partition:offset ...}.
   */
  static String resolved(String verb, DeadEvent e) {
    return String.format(
        "%s %d: %s:%d:%d event %s, by %s at %s",
        verb,
        e.id(),
        e.topic(),
        e.partition(),
        e.offset(),
        e.eventId(),
        e.resolvedBy(),
        e.resolvedAt());
  }

  /** A missing value as {@code -} in tables. */
  static String dash(Object value) {
    return value == null ? "-" : value.toString();
  }

  /**
   * Runs a command body against Postgres and turns its failures into exit codes (see {@link
   * PostgresOptions#run}).
   */
  int run(CommandSpec spec, Callable<Integer> body) throws Exception {
    return tables.run(spec, "dead set", "_dead_set", body);
  }
}
