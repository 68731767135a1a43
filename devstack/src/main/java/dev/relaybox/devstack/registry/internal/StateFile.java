package dev.relaybox.devstack.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.devstack.registry.internal.Wire.State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry state as one JSON file, replaced atomically: the new content goes to a temporary
 * file that is fsynced, then renamed over the old one, and the directory is fsynced so the rename
 * survives a crash. A reader therefore sees either the old or the new state, never half of one.
 */
final class StateFile {
  static final int FORMAT_VERSION = 1;
  private static final Logger log = LoggerFactory.getLogger(StateFile.class);

  private final Path file;
  private final Path tempFile;
  private final ObjectMapper mapper;

  StateFile(Path directory, ObjectMapper mapper) {
    this.file = directory.resolve("schema-registry.json");
    this.tempFile = directory.resolve("schema-registry.json.tmp");
    this.mapper = mapper;
  }

  Path path() {
    return file;
  }

  /** The saved state, or an empty one when nothing was saved yet. */
  State load() throws IOException {
    if (!Files.exists(file)) {
      return new State(FORMAT_VERSION, null, List.of(), Map.of(), Map.of(), null, Map.of());
    }
    State state = mapper.readValue(file.toFile(), State.class);
    if (state.formatVersion() != FORMAT_VERSION) {
      throw new IOException(
          "Unsupported format version "
              + state.formatVersion()
              + " in "
              + file
              + " (expected "
              + FORMAT_VERSION
              + "): delete the directory to start an empty registry");
    }
    return state;
  }

  void save(State state) throws IOException {
    byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
    try (FileChannel channel =
        FileChannel.open(
            tempFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory();
  }

  private void fsyncDirectory() {
    // Opening a directory for fsync works on Linux and macOS; Windows refuses it and makes
    // renames durable by itself, so a failure here costs nothing there.
    try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      log.debug("Directory fsync not supported dir={} cause={}", file.getParent(), e.toString());
    }
  }
}
