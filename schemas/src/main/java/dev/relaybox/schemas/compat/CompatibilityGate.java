package dev.relaybox.schemas.compat;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The build's contract gate: every current contract ({@code <avroDir>/*.avsc}) must be compatible,
 * at a {@link CompatibilityLevel}, with its released versions ({@code
 * <releasedDir>/<RecordName>/v<N>.avsc}); a released contract must not disappear. The rules are
 * {@link Compatibility}'s, the same as the dev registry's.
 *
 * <p>The level is {@link CompatibilityLevel#BACKWARD_TRANSITIVE} (it reads data written with each
 * released version) unless {@code --level=<LEVEL>} names another, or {@code
 * --level-from-registry=<url>} takes each contract's level from the schema registry: the level
 * configured for its subject (the record's full name, as the outbox registers it), else the
 * registry's global level.
 *
 * <p>Run by {@code exec-maven-plugin} in the {@code process-classes} phase; {@link #main} throws
 * (failing the build) with one line per violation naming the contract, the released version, the
 * field, Avro's rule (e.g. {@code READER_FIELD_MISSING_DEFAULT_VALUE}) and the level.
 */
public final class CompatibilityGate {

  static final String USAGE =
      "usage: CompatibilityGate <avroDir> <releasedDir> [--level=<LEVEL> |"
          + " --level-from-registry=<url>]; LEVEL is BACKWARD, FORWARD, FULL, their _TRANSITIVE"
          + " forms or NONE";

  private CompatibilityGate() {}

  /**
   * Checks the contracts.
   *
   * @param args {@code <avroDir> <releasedDir> [--level=<LEVEL> | --level-from-registry=<url> |
   *     <LEVEL>]}
   * @throws IllegalStateException listing every violation
   * @throws IllegalArgumentException on wrong arguments
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      throw new IllegalArgumentException(USAGE);
    }
    String option = args.length == 3 ? args[2].trim() : "";
    Function<Schema, CompatibilityLevel> levels = levels(option);
    String levelName =
        option.startsWith("--level-from-registry=")
            ? "the registry's level of each subject"
            : levels.apply(null).name();
    List<String> violations = check(Path.of(args[0]), Path.of(args[1]), levels);
    if (!violations.isEmpty()) {
      String report =
          "Contract compatibility gate failed ("
              + violations.size()
              + " violation(s)); a contract change must stay compatible with its released"
              + " versions at "
              + levelName
              + " (e.g. add new fields with a default):\n  "
              + String.join("\n  ", violations);
      System.err.println(report);
      throw new IllegalStateException(report);
    }
    System.out.println("Contract compatibility gate passed (" + levelName + ") for " + args[0]);
  }

  /** The level of each contract the option asks for; {@code apply(null)} gives a fixed one. */
  static Function<Schema, CompatibilityLevel> levels(String option) {
    if (option.startsWith("--level-from-registry=")) {
      SchemaRegistryClient registry =
          SchemaRegistryClient.builder()
              .urls(option.substring("--level-from-registry=".length()))
              .build();
      return fromRegistry(registry);
    }
    String name = option.startsWith("--level=") ? option.substring("--level=".length()) : option;
    CompatibilityLevel level =
        name.isEmpty()
            ? CompatibilityLevel.BACKWARD_TRANSITIVE
            : CompatibilityLevel.parse(name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "unknown compatibility level " + name + "; " + USAGE));
    return contract -> level;
  }

  /**
   * Each contract's level as the registry has it: its subject's (the record's full name), else the
   * global one.
   *
   * @throws dev.relaybox.schemas.registry.SchemaRegistryException when the registry fails
   */
  public static Function<Schema, CompatibilityLevel> fromRegistry(SchemaRegistryClient registry) {
    return contract ->
        registry.compatibility(contract.getFullName()).orElseGet(registry::compatibility);
  }

  /** {@link #check(Path, Path, CompatibilityLevel)} at {@code BACKWARD_TRANSITIVE}. */
  public static List<String> check(Path avroDir, Path releasedDir) throws IOException {
    return check(avroDir, releasedDir, CompatibilityLevel.BACKWARD_TRANSITIVE);
  }

  /** {@link #check(Path, Path, Function)} with one level for every contract. */
  public static List<String> check(Path avroDir, Path releasedDir, CompatibilityLevel level)
      throws IOException {
    return check(avroDir, releasedDir, contract -> level);
  }

  /**
   * Returns one human-readable line per violation; empty when every contract is compatible at the
   * level {@code levels} gives it.
   *
   * @throws IOException when a directory cannot be read
   * @throws IllegalStateException when a file is not a valid Avro schema
   */
  public static List<String> check(
      Path avroDir, Path releasedDir, Function<Schema, CompatibilityLevel> levels)
      throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> currentNames = new TreeSet<>();
    for (Path current : ReleasedContracts.list(avroDir)) {
      Schema candidate = ReleasedContracts.parse(current);
      currentNames.add(candidate.getName());
      violations.addAll(
          check(
              candidate,
              ReleasedContracts.list(releasedDir.resolve(candidate.getName())),
              levels.apply(candidate)));
    }
    if (Files.isDirectory(releasedDir)) {
      try (Stream<Path> dirs = Files.list(releasedDir)) {
        dirs.filter(Files::isDirectory)
            .map(d -> d.getFileName().toString())
            .filter(name -> !currentNames.contains(name))
            .sorted()
            .forEach(
                name ->
                    violations.add(
                        "contract "
                            + name
                            + " was released but has no current schema in "
                            + avroDir
                            + ": released contracts cannot be removed"));
      }
    }
    return violations;
  }

  /** The violations of one contract against its released versions (oldest first). */
  static List<String> check(Schema candidate, List<Path> released, CompatibilityLevel level)
      throws IOException {
    List<Path> required =
        level.transitive() || released.isEmpty()
            ? released
            : released.subList(released.size() - 1, released.size());
    List<String> violations = new ArrayList<>();
    for (Path version : required) {
      for (Compatibility.Violation v :
          Compatibility.check(level, candidate, List.of(ReleasedContracts.parse(version)))) {
        violations.add(describe(candidate, version, level, v));
      }
    }
    return violations;
  }

  private static String describe(
      Schema candidate, Path released, CompatibilityLevel level, Compatibility.Violation v) {
    return "contract "
        + candidate.getFullName()
        + " vs released "
        + released.getFileName()
        + ": field '"
        + v.field()
        + "' "
        + v.rule()
        + (v.readerIsCandidate() ? "" : " (the released version cannot read the new one)")
        + " at "
        + level
        + " ("
        + v.incompatibility().getMessage()
        + ")";
  }
}
