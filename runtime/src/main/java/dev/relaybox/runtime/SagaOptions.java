package dev.relaybox.runtime;

import dev.relaybox.consumers.saga.SagaAdmin;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Options every {@code relaybox sagas} command shares: where the saga table is. */
final class SagaOptions {
  /** A saga type as {@code SagaDefinition} accepts it. */
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,99}");

  @Mixin ConsumerTablesOptions tables;

  /** The saga table; usage error (exit code 2) for a bad schema or table name. */
  SagaAdmin admin(CommandSpec spec) {
    return tables.open(spec, SagaAdmin::of);
  }

  /** {@code type} if it is a saga type; usage error otherwise (checked before any SQL). */
  static String type(CommandSpec spec, String type) {
    if (type != null && !TYPE.matcher(type).matches()) {
      throw new ParameterException(
          spec.commandLine(), "--type must match " + TYPE.pattern() + ", got '" + type + "'");
    }
    return type;
  }

  /** {@code id} if it is a saga id (1 to 255 printable characters); usage error otherwise. */
  static String sagaId(CommandSpec spec, String id) {
    if (id.isEmpty() || id.length() > 255 || id.chars().anyMatch(Character::isISOControl)) {
      throw new ParameterException(
          spec.commandLine(), "a saga id is 1 to 255 printable characters, got '" + id + "'");
    }
    return id;
  }

  /** Runs a command body against Postgres, failures as exit codes ({@link PostgresOptions#run}). */
  int run(CommandSpec spec, Callable<Integer> body) throws Exception {
    return tables.run(spec, "saga table", "_sagas", body);
  }
}
