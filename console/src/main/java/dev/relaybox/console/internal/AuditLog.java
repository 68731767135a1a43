package dev.relaybox.console.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of every action: who (the signed-in principal and address), when, what (action,
 * target, details) and the outcome, appended as one JSON line to {@code audit.file} and logged by
 * {@code dev.relaybox.console.audit}. The audit page shows the latest entries, the file's tail
 * included. Thread-safe.
 */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger("dev.relaybox.console.audit");
  private static final int KEEP = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One action. */
  public record Entry(
      Instant at,
      String who,
      String from,
      String action,
      String target,
      String details,
      String outcome) {}

  private final Path file;
  private final Deque<Entry> recent = new ArrayDeque<>();

  public AuditLog(Path file) {
    this.file = file;
    readTail();
  }

  /** Records an action; a file that cannot be written is logged, the action's outcome stands. */
  public synchronized Entry record(
      String who, String from, String action, String target, String details, String outcome) {
    Entry e =
        new Entry(
            Instant.now(),
            who == null ? "(not signed in)" : who,
            from,
            action,
            target,
            details,
            outcome);
    recent.addFirst(e);
    while (recent.size() > KEEP) {
      recent.removeLast();
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("at", e.at().toString());
    line.put("who", e.who());
    line.put("from", e.from());
    line.put("action", e.action());
    line.put("target", e.target());
    line.put("details", e.details());
    line.put("outcome", e.outcome());
    log.info(
        "console action who={} from={} action={} target={} details={} outcome={}",
        e.who(),
        e.from(),
        e.action(),
        e.target(),
        e.details(),
        e.outcome());
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException ex) {
      log.error("cannot append to the audit file {}: {}", file.toAbsolutePath(), ex.toString());
    }
    return e;
  }

  /** The latest entries, newest first. */
  public synchronized List<Entry> recent() {
    return new ArrayList<>(recent);
  }

  private void readTail() {
    if (!Files.isReadable(file)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.max(0, lines.size() - KEEP), lines.size())) {
        try {
          var n = JSON.readTree(line);
          recent.addFirst(
              new Entry(
                  Instant.parse(n.path("at").asText()),
                  n.path("who").asText(),
                  n.path("from").asText(),
                  n.path("action").asText(),
                  n.path("target").asText(),
                  n.path("details").asText(),
                  n.path("outcome").asText()));
        } catch (IOException | RuntimeException e) {
          // a torn last line after a crash: the entries before it still count
        }
      }
    } catch (IOException e) {
      log.warn("cannot read the audit file {}: {}", file.toAbsolutePath(), e.toString());
    }
  }
}
