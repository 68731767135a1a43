package dev.relaybox.schemas.compat;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Releases contract versions: copies {@code <avroDir>/<RecordName>.avsc} to {@code
 * <releasedDir>/<RecordName>/v<N+1>.avsc} when it differs from its latest released version and
 * passes the {@link CompatibilityGate} against the released ones. One command instead of a hand
 * copy; run it through {@code exec-maven-plugin} (see the example's {@code
 * src/main/released/README.md}).
 */
public final class ContractRelease {

  private ContractRelease() {}

  /**
   * @param args {@code <avroDir> <releasedDir> <RecordName>|--all [--level=<LEVEL>]}
   * @throws IllegalStateException when a contract does not pass the gate; nothing is released
   * @throws IllegalArgumentException on wrong arguments or an unknown contract
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3 || args.length > 4 || args[2].isBlank()) {
      throw new IllegalArgumentException(
          "usage: ContractRelease <avroDir> <releasedDir> <RecordName>|--all [--level=<LEVEL>]"
              + " (with Maven: -Dcontract=OrderPlaced or -Dcontract=--all)");
    }
    String option = args.length == 4 ? args[3].trim() : "";
    if (!option.isEmpty() && !option.startsWith("--level=")) {
      throw new IllegalArgumentException("the release takes --level=<LEVEL>, was " + option);
    }
    CompatibilityLevel level = CompatibilityGate.levels(option).apply(null);
    release(Path.of(args[0]), Path.of(args[1]), args[2].trim(), level).forEach(System.out::println);
  }

  /**
   * Releases one contract ({@code name}) or every changed one ({@code --all}) and returns what it
   * did, one line per contract.
   */
  public static List<String> release(
      Path avroDir, Path releasedDir, String name, CompatibilityLevel level) throws IOException {
    List<Path> contracts =
        name.equals("--all")
            ? ReleasedContracts.list(avroDir)
            : List.of(avroDir.resolve(name + ".avsc"));
    List<String> planned = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    List<Path[]> copies = new ArrayList<>();
    for (Path current : contracts) {
      if (!Files.isRegularFile(current)) {
        throw new IllegalArgumentException(
            "no contract " + current + "; contracts here: " + names(avroDir));
      }
      Schema schema = ReleasedContracts.parse(current);
      Path dir = releasedDir.resolve(schema.getName());
      List<Path> released = ReleasedContracts.list(dir);
      Path latest = released.isEmpty() ? null : released.get(released.size() - 1);
      if (latest != null
          && Arrays.equals(Files.readAllBytes(latest), Files.readAllBytes(current))) {
        planned.add(schema.getName() + " is already released as " + latest.getFileName());
        continue;
      }
      violations.addAll(CompatibilityGate.check(schema, released, level));
      long next = latest == null ? 1 : ReleasedContracts.versionNumber(latest) + 1;
      Path target = dir.resolve("v" + next + ".avsc");
      copies.add(new Path[] {current, target});
      planned.add("released " + schema.getName() + " as " + releasedDir.relativize(target));
    }
    if (!violations.isEmpty()) {
      throw new IllegalStateException(
          "nothing released: the contract(s) fail the compatibility gate at "
              + level
              + ":\n  "
              + String.join("\n  ", violations));
    }
    for (Path[] copy : copies) {
      Files.createDirectories(copy[1].getParent());
      Files.copy(copy[0], copy[1], StandardCopyOption.COPY_ATTRIBUTES);
    }
    return planned;
  }

  private static List<String> names(Path avroDir) throws IOException {
    return ReleasedContracts.list(avroDir).stream()
        .map(p -> p.getFileName().toString().replace(".avsc", ""))
        .toList();
  }
}
