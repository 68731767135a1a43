package dev.relaybox.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options every {@code relaybox dlq} command shares. */
final class DlqOptions {
  @Mixin KafkaOptions kafkaOptions;

  @Option(
      names = "--topic",
      required = true,
      paramLabel = "DLQ",
      description = "The dead-letter topic, e.g. payments.dlq (`relaybox status` lists them).")
  String topic;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How long to wait for Kafka before giving up with exit code 3, e.g. 10s, 2m, PT1M"
              + " (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** A missing value as {@code -} in tables. */
  static String dash(String s) {
    return s == null ? "-" : s;
  }

  /** A dead letter's place: {@code PARTITION:OFFSET}. */
  record Position(int partition, long offset) {
    @Override
    public String toString() {
      return partition + ":" + offset;
    }
  }

  /**
   * Parses {@code PARTITION:OFFSET}, or a bare {@code OFFSET} when the topic has one partition.
   *
   * @throws ParameterException (exit code 2) for malformed input or a bare offset on a topic with
   *     several partitions
   */
  Position position(CommandSpec spec, String option, String text, List<Integer> partitions) {
    String[] parts = text.trim().split(":", -1);
    try {
      if (parts.length == 2) {
        return new Position(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      }
      if (parts.length == 1 && partitions.size() == 1) {
        return new Position(partitions.get(0), Long.parseLong(parts[0]));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ParameterException(
        spec.commandLine(),
        option
            + " expects PARTITION:OFFSET"
            + (partitions.size() == 1
                ? " or OFFSET"
                : " (topic " + topic + " has partitions " + partitions + ")")
            + ", got '"
            + text
            + "'");
  }

  /**
   * Runs a command body against Kafka and turns its failures into exit codes: 3 when Kafka does not
   * answer, 1 when the input names something that does not exist (the message says what to do).
   */
  int run(CommandSpec spec, Callable<Integer> body) throws Exception {
    String name = "relaybox " + spec.qualifiedName().replaceFirst("^relaybox ", "");
    try {
      return body.call();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      spec.commandLine()
          .getErr()
          .println(
              name
                  + ": Kafka at "
                  + kafkaOptions.bootstrapServers
                  + " did not answer within "
                  + timeout.toSeconds()
                  + "s ("
                  + e.getMessage()
                  + "): check --bootstrap-servers and that the brokers are running");
      return RelayboxCli.EXIT_UNAVAILABLE;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(name + ": " + e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    }
  }
}
