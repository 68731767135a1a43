package dev.relaybox.schemas.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;

/**
 * The build's contract gate: every current contract ({@code <avroDir>/*.avsc}) must be able to read
 * data written with each of its released versions ({@code <releasedDir>/<RecordName>/v<N>.avsc}),
 * i.e. be BACKWARD compatible with all of them (the registry's default level, checked
 * transitively). A released contract must not disappear from the current ones.
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
   * @param args {@code <avroDir> <releasedDir>}
   * @throws IllegalStateException listing every violation
   * @throws IllegalArgumentException on wrong arguments
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: CompatibilityGate <avroDir> <releasedDir>");
    }
    List<String> violations = check(Path.of(args[0]), Path.of(args[1]));
    if (!violations.isEmpty()) {
      String report =
          "Contract compatibility gate failed ("
              + violations.size()
              + " violation(s)); a contract change must stay BACKWARD compatible with every"
              + " released version (add new fields with a default):\n  "
              + String.join("\n  ", violations);
      System.err.println(report);
      throw new IllegalStateException(report);
    }
    System.out.println("Contract compatibility gate passed for " + args[0]);
  }

  /**
   * Returns one human-readable line per violation; empty when every contract is compatible.
   *
   * @throws IOException when a directory cannot be read
   * @throws IllegalStateException when a file is not a valid Avro schema
   */
  public static List<String> check(Path avroDir, Path releasedDir) throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> currentNames = new TreeSet<>();
    for (Path current : list(avroDir)) {
      Schema reader = parse(current);
      currentNames.add(reader.getName());
      for (Path released : list(releasedDir.resolve(reader.getName()))) {
        Schema writer = parse(released);
        SchemaCompatibility.SchemaPairCompatibility result =
            SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.INCOMPATIBLE) {
          for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            violations.add(describe(reader, released, incompatibility));
          }
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

  private static String describe(Schema reader, Path released, Incompatibility incompatibility) {
    return "contract "
        + reader.getFullName()
        + " vs released "
        + released.getFileName()
        + ": field '"
        + FieldPath.of(reader, incompatibility)
        + "' "
        + incompatibility.getType()
        + " ("
        + incompatibility.getMessage()
        + ")";
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".avsc")).sorted().toList();
    }
  }

  private static Schema parse(Path file) throws IOException {
    try {
      return new Schema.Parser().parse(file.toFile());
    } catch (SchemaParseException e) {
      throw new IllegalStateException(file + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }
}
