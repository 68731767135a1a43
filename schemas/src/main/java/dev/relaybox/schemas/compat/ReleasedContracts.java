package dev.relaybox.schemas.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The layout the gate and the release command share: current contracts {@code <avroDir>/*.avsc},
 * released versions {@code <releasedDir>/<RecordName>/v<N>.avsc}.
 */
final class ReleasedContracts {

  private ReleasedContracts() {}

  /** The {@code .avsc} files of {@code dir}, by version number ({@code v2} before {@code v10}). */
  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".avsc"))
          .sorted(Comparator.comparing(ReleasedContracts::versionKey))
          .toList();
    }
  }

  /** The number in {@code v<N>.avsc}, or 0. */
  static long versionNumber(Path file) {
    String digits = file.getFileName().toString().replaceAll("\\D", "");
    return digits.isEmpty() ? 0 : Long.parseLong(digits);
  }

  private static String versionKey(Path file) {
    return String.format("%010d", versionNumber(file)) + file.getFileName();
  }

  static Schema parse(Path file) throws IOException {
    try {
      return new Schema.Parser().parse(file.toFile());
    } catch (SchemaParseException e) {
      throw new IllegalStateException(file + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }
}
