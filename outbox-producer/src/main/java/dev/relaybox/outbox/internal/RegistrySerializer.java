package dev.relaybox.outbox.internal;

import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.AvroSerializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import dev.relaybox.schemas.serde.SubjectNameStrategy;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the relaybox Avro serializer the way the outbox needs it. */
public final class RegistrySerializer {
  private static final Logger log = LoggerFactory.getLogger(RegistrySerializer.class);

  private RegistrySerializer() {}

  /**
   * An {@link AvroSerializer} with RecordNameStrategy for values (several event types share one
   * topic), whose registry client already holds the ids of {@code warmUp}: the client caches every
   * (subject, schema) it registered or looked up, and the serializer asks it exactly that, so the
   * first event of a warmed-up schema costs no HTTP call.
   *
   * @throws dev.relaybox.schemas.registry.SchemaRegistryException if warming up fails
   */
  public static Serializer<Object> create(
      String registryUrls, boolean autoRegisterSchemas, List<Schema> warmUp) {
    SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registryUrls).build();
    SerdeConfig config =
        SerdeConfig.builder()
            .autoRegisterSchemas(autoRegisterSchemas)
            .valueSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME)
            .build();
    for (Schema schema : warmUp) {
      // RecordNameStrategy ignores the topic.
      String subject = SubjectNameStrategy.RECORD_NAME.subject("", false, schema);
      int id =
          autoRegisterSchemas
              ? client.register(subject, schema, config.normalizeSchemas())
              : client.lookup(subject, schema, config.normalizeSchemas()).id();
      log.info("outbox schema warmed up subject={} id={}", subject, id);
    }
    return new AvroSerializer(client, config);
  }
}
