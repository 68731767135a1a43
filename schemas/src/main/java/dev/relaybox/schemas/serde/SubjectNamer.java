package dev.relaybox.schemas.serde;

import org.apache.avro.Schema;

/**
 * Names the registry subject of a key or value: the built-in {@link SubjectNameStrategy}s, or a
 * class of yours named in {@code key.subject.name.strategy} / {@code value.subject.name.strategy},
 * as Confluent's serde config takes its strategy classes. A custom class needs a public no-argument
 * constructor; if it also implements {@link org.apache.kafka.common.Configurable} it receives the
 * serde's configs. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SubjectNamer {

  /**
   * The subject for a key ({@code isKey}) or value with this schema written to this topic.
   *
   * @throws EventEncodingException if the schema does not fit the naming rule
   */
  String subject(String topic, boolean isKey, Schema schema);
}
