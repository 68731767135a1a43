package dev.relaybox.schemas.serde;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Serializer and deserializer settings, with Confluent's config keys and defaults. Immutable.
 *
 * <p>Build one in code with {@link #builder()}, or let Kafka pass its properties through {@link
 * #fromMap(Map)} (unknown keys are ignored, since Kafka passes every client property).
 *
 * <p>The serializer resolves the schema id in this order: {@code auto.register.schemas=true} (the
 * default) registers the schema; otherwise {@code use.schema.id} uses that id; otherwise {@code
 * use.latest.version=true} uses the subject's latest version; otherwise the schema is looked up
 * under the subject. With a pinned id or the latest version the record's schema must equal the
 * registered one (Avro parsing canonical form), else {@link EventEncodingException}. Unlike
 * Confluent, combining {@code auto.register.schemas=true} with either pin is rejected instead of
 * silently ignoring the pin.
 */
public final class SerdeConfig {

  /** Comma-separated registry URLs; required when Kafka configures the serde. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  /** Register unknown schemas while serializing. Default true. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /** Serialize with the subject's latest version (needs auto.register.schemas=false). */
  public static final String USE_LATEST_VERSION = "use.latest.version";

  /** Serialize with this schema id (needs auto.register.schemas=false). Default -1: unset. */
  public static final String USE_SCHEMA_ID = "use.schema.id";

  /** Ask the registry to normalize schemas when registering or looking up. Default false. */
  public static final String NORMALIZE_SCHEMAS = "normalize.schemas";

  /**
   * Most entries each serde and registry cache keeps (Confluent's key). Default {@value
   * #DEFAULT_MAX_SCHEMAS}.
   */
  public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";

  /** Default of {@link #MAX_SCHEMAS_PER_SUBJECT}, as Confluent's. */
  public static final int DEFAULT_MAX_SCHEMAS = 1000;

  /**
   * Subject strategy for keys: TopicNameStrategy (default), RecordNameStrategy,
   * TopicRecordNameStrategy, or the class name of a {@link SubjectNamer}.
   */
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";

  /** Subject strategy for values; as {@link #KEY_SUBJECT_NAME_STRATEGY}. */
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

  /** {@code URL} (default: user info of the registry URL) or {@code USER_INFO}. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";

  /** {@code user:password} when the credentials source is USER_INFO. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  /** Deserialize into the generated SpecificRecord classes instead of GenericRecord. */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  private final boolean autoRegisterSchemas;
  private final boolean useLatestVersion;
  private final int useSchemaId;
  private final boolean normalizeSchemas;
  private final SubjectNamer keySubjectNameStrategy;
  private final SubjectNamer valueSubjectNameStrategy;
  private final boolean specificAvroReader;
  private final int maxSchemas;
  private final Map<String, Schema> readerSchemas;

  private SerdeConfig(Builder b) {
    this.autoRegisterSchemas = b.autoRegisterSchemas;
    this.useLatestVersion = b.useLatestVersion;
    this.useSchemaId = b.useSchemaId;
    this.normalizeSchemas = b.normalizeSchemas;
    this.keySubjectNameStrategy = b.keySubjectNameStrategy;
    this.valueSubjectNameStrategy = b.valueSubjectNameStrategy;
    this.specificAvroReader = b.specificAvroReader;
    this.maxSchemas = b.maxSchemas;
    this.readerSchemas = Map.copyOf(b.readerSchemas);
  }

  /** A builder with Confluent's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Confluent's defaults: auto-register, TopicNameStrategy, generic reader. */
  public static SerdeConfig defaults() {
    return builder().build();
  }

  /**
   * Reads the serde keys of a Kafka client config. Values may be strings or typed (Boolean,
   * Integer, Class).
   *
   * @throws ConfigException naming the key of a bad value
   */
  public static SerdeConfig fromMap(Map<String, ?> configs) {
    Builder b = builder();
    bool(configs, AUTO_REGISTER_SCHEMAS).ifPresent(b::autoRegisterSchemas);
    bool(configs, USE_LATEST_VERSION).ifPresent(b::useLatestVersion);
    bool(configs, NORMALIZE_SCHEMAS).ifPresent(b::normalizeSchemas);
    bool(configs, SPECIFIC_AVRO_READER).ifPresent(b::specificAvroReader);
    Object id = configs.get(USE_SCHEMA_ID);
    if (id != null) {
      try {
        b.useSchemaId(
            id instanceof Number n ? n.intValue() : Integer.parseInt(id.toString().trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(USE_SCHEMA_ID, id, "expected an integer schema id");
      }
    }
    Object key = configs.get(KEY_SUBJECT_NAME_STRATEGY);
    if (key != null) {
      b.keySubjectNameStrategy(SubjectNameStrategy.namer(KEY_SUBJECT_NAME_STRATEGY, key, configs));
    }
    Object value = configs.get(VALUE_SUBJECT_NAME_STRATEGY);
    if (value != null) {
      b.valueSubjectNameStrategy(
          SubjectNameStrategy.namer(VALUE_SUBJECT_NAME_STRATEGY, value, configs));
    }
    Object max = configs.get(MAX_SCHEMAS_PER_SUBJECT);
    if (max != null) {
      try {
        b.maxSchemas(
            max instanceof Number n ? n.intValue() : Integer.parseInt(max.toString().trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(MAX_SCHEMAS_PER_SUBJECT, max, "expected a positive integer");
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static Optional<Boolean> bool(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Boolean b) {
      return Optional.of(b);
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Optional.of(Boolean.parseBoolean(text));
    }
    throw new ConfigException(key, value, "expected true or false");
  }

  public boolean autoRegisterSchemas() {
    return autoRegisterSchemas;
  }

  public boolean useLatestVersion() {
    return useLatestVersion;
  }

  /** The pinned schema id, or empty when unset. */
  public OptionalInt useSchemaId() {
    return useSchemaId < 0 ? OptionalInt.empty() : OptionalInt.of(useSchemaId);
  }

  public boolean normalizeSchemas() {
    return normalizeSchemas;
  }

  /** The key's or the value's subject strategy: a {@link SubjectNameStrategy} or a custom one. */
  public SubjectNamer subjectNameStrategy(boolean isKey) {
    return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
  }

  /** {@value #MAX_SCHEMAS_PER_SUBJECT}: the capacity of each serde cache. */
  public int maxSchemas() {
    return maxSchemas;
  }

  public boolean specificAvroReader() {
    return specificAvroReader;
  }

  /** The generic reader schema for records of this full name, if one was given. */
  public Optional<Schema> readerSchema(String fullName) {
    return Optional.ofNullable(readerSchemas.get(fullName));
  }

  @Override
  public String toString() {
    return "SerdeConfig[autoRegisterSchemas="
        + autoRegisterSchemas
        + ", useLatestVersion="
        + useLatestVersion
        + ", useSchemaId="
        + useSchemaId
        + ", normalizeSchemas="
        + normalizeSchemas
        + ", key="
        + name(keySubjectNameStrategy)
        + ", value="
        + name(valueSubjectNameStrategy)
        + ", specificAvroReader="
        + specificAvroReader
        + ", readerSchemas="
        + readerSchemas.keySet()
        + "]";
  }

  private static String name(SubjectNamer namer) {
    return namer instanceof SubjectNameStrategy s ? s.shortName() : namer.getClass().getName();
  }

  /** Settings for a {@link SerdeConfig}; each defaults to Confluent's. Not thread-safe. */
  public static final class Builder {
    private boolean autoRegisterSchemas = true;
    private boolean useLatestVersion;
    private int useSchemaId = -1;
    private boolean normalizeSchemas;
    private SubjectNamer keySubjectNameStrategy = SubjectNameStrategy.TOPIC_NAME;
    private SubjectNamer valueSubjectNameStrategy = SubjectNameStrategy.TOPIC_NAME;
    private boolean specificAvroReader;
    private int maxSchemas = DEFAULT_MAX_SCHEMAS;
    private final Map<String, Schema> readerSchemas = new LinkedHashMap<>();

    private Builder() {}

    /** {@value SerdeConfig#AUTO_REGISTER_SCHEMAS}; default true. */
    public Builder autoRegisterSchemas(boolean value) {
      this.autoRegisterSchemas = value;
      return this;
    }

    /** {@value SerdeConfig#USE_LATEST_VERSION}; default false. */
    public Builder useLatestVersion(boolean value) {
      this.useLatestVersion = value;
      return this;
    }

    /** {@value SerdeConfig#USE_SCHEMA_ID}; default -1 (unset). */
    public Builder useSchemaId(int id) {
      this.useSchemaId = id;
      return this;
    }

    /** {@value SerdeConfig#NORMALIZE_SCHEMAS}; default false. */
    public Builder normalizeSchemas(boolean value) {
      this.normalizeSchemas = value;
      return this;
    }

    /**
     * A built-in key strategy; same as the {@link SubjectNamer} overload (kept for binary
     * compatibility).
     */
    public Builder keySubjectNameStrategy(SubjectNameStrategy strategy) {
      return keySubjectNameStrategy((SubjectNamer) strategy);
    }

    /** {@value SerdeConfig#KEY_SUBJECT_NAME_STRATEGY}; default TOPIC_NAME. */
    public Builder keySubjectNameStrategy(SubjectNamer strategy) {
      this.keySubjectNameStrategy = Objects.requireNonNull(strategy, "keySubjectNameStrategy");
      return this;
    }

    /**
     * A built-in value strategy; same as the {@link SubjectNamer} overload (kept for binary
     * compatibility).
     */
    public Builder valueSubjectNameStrategy(SubjectNameStrategy strategy) {
      return valueSubjectNameStrategy((SubjectNamer) strategy);
    }

    /** {@value SerdeConfig#VALUE_SUBJECT_NAME_STRATEGY}; default TOPIC_NAME. */
    public Builder valueSubjectNameStrategy(SubjectNamer strategy) {
      this.valueSubjectNameStrategy = Objects.requireNonNull(strategy, "valueSubjectNameStrategy");
      return this;
    }

    /** {@value SerdeConfig#MAX_SCHEMAS_PER_SUBJECT}; default 1000; at least 1. */
    public Builder maxSchemas(int maxSchemas) {
      this.maxSchemas = maxSchemas;
      return this;
    }

    /** {@value SerdeConfig#SPECIFIC_AVRO_READER}; default false (GenericRecord). */
    public Builder specificAvroReader(boolean value) {
      this.specificAvroReader = value;
      return this;
    }

    /**
     * A reader schema for the generic deserializer: records whose writer schema has the same full
     * name are resolved into it (Avro schema evolution). Without one, records are read with their
     * writer schema. Ignored by the specific reader, which uses the generated class's schema.
     */
    public Builder readerSchema(Schema schema) {
      Objects.requireNonNull(schema, "readerSchema");
      if (schema.getType() != Schema.Type.RECORD) {
        throw new IllegalArgumentException(
            "readerSchema must be a record schema, was " + schema.getType());
      }
      readerSchemas.put(schema.getFullName(), schema);
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the conflicting keys
     */
    public SerdeConfig build() {
      if (useSchemaId < -1) {
        throw new IllegalArgumentException(
            USE_SCHEMA_ID + " must be a schema id >= 0 or -1 (unset), was " + useSchemaId);
      }
      if (maxSchemas < 1) {
        throw new IllegalArgumentException(
            MAX_SCHEMAS_PER_SUBJECT + " must be at least 1, was " + maxSchemas);
      }
      if (useSchemaId >= 0 && useLatestVersion) {
        throw new IllegalArgumentException(
            USE_SCHEMA_ID + " and " + USE_LATEST_VERSION + "=true exclude each other");
      }
      if (autoRegisterSchemas && (useSchemaId >= 0 || useLatestVersion)) {
        throw new IllegalArgumentException(
            (useLatestVersion ? USE_LATEST_VERSION + "=true" : USE_SCHEMA_ID)
                + " requires "
                + AUTO_REGISTER_SCHEMAS
                + "=false");
      }
      return new SerdeConfig(this);
    }
  }
}
