package dev.relaybox.schemas.compat;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The build's contract gate: every current contract ({@code <avroDir>/*.avsc}) must be compatible,
 * at a {@link CompatibilityLevel} (default {@link CompatibilityLevel#BACKWARD_TRANSITIVE}: it reads
 * data written with each released version), with its released versions ({@code
 * <releasedDir>/<RecordName>/v<N>.avsc}); a released contract must not disappear. The rules are
 * {@link Compatibility}'s, the same as the dev registry's.
 *
 * <p>Run by {@code exec-maven-plugin} in the {@code process-classes} phase; {@link #main} throws
 * (failing the build) with one line per violation naming the contract, the released version, the
 * field and Avro's rule, e.g. {@code READER_FIELD_MISSING_DEFAULT_VALUE}.
 */
public final class CompatibilityGate {

  private CompatibilityGate() {}

  /**
   * Checks the contracts.
   *
   * @param args {@code <avroDir> <releasedDir> [level]}, the level a {@link CompatibilityLevel}
   *     name
   * @throws IllegalStateException listing every violation
   * @throws IllegalArgumentException on wrong arguments
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      throw new IllegalArgumentException(
          "usage: CompatibilityGate <avroDir> <releasedDir> [BACKWARD|FORWARD|FULL[_TRANSITIVE]]");
    }
    CompatibilityLevel level =
        args.length == 3
            ? CompatibilityLevel.parse(args[2])
                .orElseThrow(
                    () -> new IllegalArgumentException("unknown compatibility level " + args[2]))
            : CompatibilityLevel.BACKWARD_TRANSITIVE;
    List<String> violations = check(Path.of(args[0]), Path.of(args[1]), level);
    if (!violations.isEmpty()) {
      String report =
          "Contract compatibility gate failed ("
              + violations.size()
              + " violation(s)); a contract change must stay "
              + level
              + " compatible with its released versions (e.g. add new fields with a default):\n  "
              + String.join("\n  ", violations);
      System.err.println(report);
      throw new IllegalStateException(report);
    }
    System.out.println("Contract compatibility gate passed (" + level + ") for " + args[0]);
  }

  /** {@link #check(Path, Path, CompatibilityLevel)} at {@code BACKWARD_TRANSITIVE}. */
  public static List<String> check(Path avroDir, Path releasedDir) throws IOException {
    return check(avroDir, releasedDir, CompatibilityLevel.BACKWARD_TRANSITIVE);
  }

  /**
   * Returns one human-readable line per violation; empty when every contract is compatible.
   *
   * @throws IOException when a directory cannot be read
   * @throws IllegalStateException when a file is not a valid Avro schema
   */
  public static List<String> check(Path avroDir, Path releasedDir, CompatibilityLevel level)
      throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> currentNames = new TreeSet<>();
    for (Path current : list(avroDir)) {
      Schema candidate = parse(current);
      currentNames.add(candidate.getName());
      List<Path> released = list(releasedDir.resolve(candidate.getName()));
      List<Path> required =
          level.transitive() || released.isEmpty()
              ? released
              : released.subList(released.size() - 1, released.size());
      for (Path version : required) {
        for (Compatibility.Violation v :
            Compatibility.check(level, candidate, List.of(parse(version)))) {
          violations.add(describe(candidate, version, v));
        }
      }
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

  private static String describe(Schema candidate, Path released, Compatibility.Violation v) {
    return "contract "
        + candidate.getFullName()
        + " vs released "
        + released.getFileName()
        + ": field '"
        + v.field()
        + "' "
        + v.rule()
        + (v.readerIsCandidate() ? "" : " (the released version cannot read the new one)")
        + " ("
        + v.incompatibility().getMessage()
        + ")";
  }

  /** The {@code .avsc} files of {@code dir}, by version number ({@code v2} before {@code v10}). */
  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".avsc"))
          .sorted(Comparator.comparing(CompatibilityGate::versionKey))
          .toList();
    }
  }

  private static String versionKey(Path file) {
    String name = file.getFileName().toString();
    String digits = name.replaceAll("\\D", "");
    return String.format("%010d", digits.isEmpty() ? 0 : Long.parseLong(digits)) + name;
  }

  private static Schema parse(Path file) throws IOException {
    try {
      return new Schema.Parser().parse(file.toFile());
    } catch (SchemaParseException e) {
      throw new IllegalStateException(file + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }
}
