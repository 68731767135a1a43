package dev.relaybox.schemas.registry;

import dev.relaybox.schemas.registry.internal.HttpSchemaRegistryClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A client of a schema registry speaking Confluent's REST API (Avro schemas only).
 *
 * <p>Build one with {@link #builder()}. Registered ids are cached both ways: a schema already
 * registered or looked up under a subject, and a schema already fetched by id, cost no HTTP call;
 * each cache holds at most {@link Builder#cacheCapacity} entries, least recently used out first.
 * Versions, subjects, config and mode are always fetched. Schemas with {@link SchemaReference
 * references} are registered without the referenced types and read with them resolved, as
 * Confluent's clients do. Requests go to the first URL that answers; connection errors and HTTP 5xx
 * fail over to the next URL and are retried with exponential backoff; every other error is thrown
 * at once.
 *
 * <p>Thread-safe; share one instance. Arguments are never null. Every operation throws a {@link
 * SchemaRegistryException} subclass on failure: {@link SchemaNotFoundException}, {@link
 * IncompatibleSchemaException}, {@link InvalidSchemaException}, {@link
 * RegistryUnavailableException}, {@link MalformedRegistryResponseException}, or the base type for
 * any other registry error.
 */
public interface SchemaRegistryClient {

  /** A new builder; only {@link Builder#urls(String)} is required. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a schema under a subject (idempotent: the same schema returns the same id) and
   * returns its registry-wide id. Same as {@code register(subject, schema, false)}.
   *
   * @throws IncompatibleSchemaException if the subject's compatibility level rejects it
   */
  int register(String subject, Schema schema);

  /**
   * Registers a schema, asking the registry to normalize it first when {@code normalize} is true.
   */
  int register(String subject, Schema schema, boolean normalize);

  /**
   * Registers a schema that uses named types of other subjects' versions, and returns its id. The
   * schema is parsed with the referenced types (e.g. with a {@code Schema.Parser} that parsed them
   * first); it is sent without them, with the references, and read back with them resolved.
   *
   * @throws SchemaNotFoundException if a referenced subject version does not exist
   * @throws InvalidSchemaException if the registry cannot resolve a reference
   */
  int register(String subject, Schema schema, List<SchemaReference> references);

  /**
   * Finds a schema already registered under a subject, without registering it.
   *
   * @throws SchemaNotFoundException 40401 if the subject does not exist, 40403 if the schema is not
   *     one of its versions
   */
  RegisteredSchema lookup(String subject, Schema schema, boolean normalize);

  /**
   * The schema with this registry-wide id.
   *
   * @throws SchemaNotFoundException 40403 if no schema has this id
   */
  Schema schemaById(int id);

  /**
   * One version of a subject.
   *
   * @throws SchemaNotFoundException 40401 unknown subject, 40402 unknown version
   */
  RegisteredSchema version(String subject, int version);

  /**
   * The latest version of a subject; not cached.
   *
   * @throws SchemaNotFoundException 40401 unknown subject
   */
  RegisteredSchema latestVersion(String subject);

  /**
   * Whether a schema could be registered as the next version of a subject, checked against the
   * latest version under the subject's compatibility level, with the registry's verbose reasons. A
   * subject that does not exist yet accepts any schema.
   */
  CompatibilityResult checkCompatibility(String subject, Schema schema);

  /**
   * Whether a schema is compatible with one specific version of a subject.
   *
   * @throws SchemaNotFoundException 40402 if the version does not exist
   */
  CompatibilityResult checkCompatibility(String subject, int version, Schema schema);

  /** Every subject, sorted as the registry returns them. */
  List<String> subjects();

  /**
   * The versions of a subject, ascending.
   *
   * @throws SchemaNotFoundException 40401 unknown subject
   */
  List<Integer> versions(String subject);

  /** The registry-wide compatibility level. */
  CompatibilityLevel compatibility();

  /**
   * The subject's own compatibility level; empty when it has none (it then uses the global one).
   */
  Optional<CompatibilityLevel> compatibility(String subject);

  /** Sets the registry-wide compatibility level and returns the level the registry confirmed. */
  CompatibilityLevel setCompatibility(CompatibilityLevel level);

  /** Sets a subject's compatibility level and returns the level the registry confirmed. */
  CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level);

  /** The registry-wide mode ({@code GET /mode}). */
  RegistryMode mode();

  /** The subject's own mode; empty when it has none (it then has the global one). */
  Optional<RegistryMode> mode(String subject);

  /** Sets the registry-wide mode and returns the mode the registry confirmed. */
  RegistryMode setMode(RegistryMode mode);

  /** Sets a subject's mode and returns the mode the registry confirmed. */
  RegistryMode setMode(String subject, RegistryMode mode);

  /**
   * Deletes every version of a subject: soft ({@code permanent} false: the ids still resolve, the
   * versions are hidden) or, after a soft delete, permanent. Forgets the subject's cached ids.
   *
   * @return the deleted version numbers
   * @throws SchemaNotFoundException 40401 unknown subject, 40404 already soft-deleted
   * @throws SchemaRegistryException 40405 permanent delete before a soft one
   */
  List<Integer> deleteSubject(String subject, boolean permanent);

  /**
   * Deletes one version of a subject, soft or (after a soft delete) permanent. Forgets the
   * subject's cached ids.
   *
   * @return the deleted version number
   * @throws SchemaNotFoundException 40401 unknown subject, 40402 unknown version, 40406 already
   *     soft-deleted
   * @throws SchemaRegistryException 40407 permanent delete before a soft one
   */
  int deleteVersion(String subject, int version, boolean permanent);

  /**
   * Settings for a {@link SchemaRegistryClient}; validated at {@link #build()}. Not thread-safe.
   */
  final class Builder {
    private List<URI> urls = List.of();
    private String urlUserInfo;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxRetries = 3;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private String basicAuthUserInfo;
    private SSLContext sslContext;
    private int cacheCapacity = 1000;

    Builder() {}

    /**
     * Comma-separated registry URLs ({@code http://} or {@code https://}), tried in order with
     * failover. User info in a URL ({@code http://user:password@host:8081}) is used for basic
     * authentication unless {@link #basicAuthUserInfo} is set, and is removed from the URL.
     * Required.
     *
     * @throws IllegalArgumentException naming the bad URL (without its user info)
     */
    public Builder urls(String commaSeparatedUrls) {
      Objects.requireNonNull(commaSeparatedUrls, "urls");
      List<URI> parsed = new ArrayList<>();
      String userInfo = null;
      for (String raw : commaSeparatedUrls.split(",")) {
        String trimmed = raw.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        URI uri;
        try {
          uri = new URI(trimmed);
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException(
              "urls: not a valid URL at index " + e.getIndex() + " of entry " + parsed.size(), e);
        }
        if (uri.getUserInfo() != null) {
          userInfo = uri.getRawUserInfo();
        }
        URI clean = withoutUserInfo(uri);
        if (!"http".equalsIgnoreCase(clean.getScheme())
            && !"https".equalsIgnoreCase(clean.getScheme())) {
          throw new IllegalArgumentException("urls: must be http:// or https://, was " + clean);
        }
        if (clean.getHost() == null) {
          throw new IllegalArgumentException("urls: no host in " + clean);
        }
        parsed.add(clean);
      }
      this.urls = List.copyOf(parsed);
      this.urlUserInfo = userInfo == null ? null : decode(userInfo);
      return this;
    }

    /** TCP connect timeout per attempt. Default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Timeout of one HTTP request, from sending to the full response. Default 30 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * How many times a request is retried after a connection error or HTTP 5xx on every URL.
     * Default 3; 0 disables retries. Other errors are never retried.
     */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Pause before the first retry; doubles on each further retry up to {@code maxBackoff}.
     * Defaults 100 ms and 5 s.
     */
    public Builder backoff(Duration initialBackoff, Duration maxBackoff) {
      this.initialBackoff = initialBackoff;
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * {@code user:password} sent as HTTP basic authentication on every request. Never logged nor
     * put in exception messages. Default: none (or the URLs' user info).
     */
    public Builder basicAuthUserInfo(String userInfo) {
      this.basicAuthUserInfo = userInfo;
      return this;
    }

    /** TLS settings for {@code https://} URLs. Default: the JVM's default context. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /**
     * Most entries each cache keeps (ids by subject and schema, schemas by id, lookups, resolved
     * references); the least recently used go first. Default 1000, as Confluent's client.
     */
    public Builder cacheCapacity(int cacheCapacity) {
      this.cacheCapacity = cacheCapacity;
      return this;
    }

    /**
     * A new client. Creating one makes no request.
     *
     * @throws IllegalArgumentException naming the first invalid property
     */
    public SchemaRegistryClient build() {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("urls: at least one registry URL is required");
      }
      requirePositive("connectTimeout", connectTimeout);
      requirePositive("requestTimeout", requestTimeout);
      requirePositive("initialBackoff", initialBackoff);
      requirePositive("maxBackoff", maxBackoff);
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
      }
      if (cacheCapacity < 1) {
        throw new IllegalArgumentException("cacheCapacity must be >= 1, was " + cacheCapacity);
      }
      String userInfo = basicAuthUserInfo != null ? basicAuthUserInfo : urlUserInfo;
      if (userInfo != null && !userInfo.contains(":")) {
        // The value itself is a secret: never echo it.
        throw new IllegalArgumentException("basicAuthUserInfo must have the form user:password");
      }
      return new HttpSchemaRegistryClient(
          new HttpSchemaRegistryClient.Settings(
              urls,
              connectTimeout,
              requestTimeout,
              maxRetries,
              initialBackoff,
              maxBackoff,
              userInfo,
              sslContext,
              cacheCapacity));
    }

    private static void requirePositive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
      }
    }

    private static URI withoutUserInfo(URI uri) {
      try {
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), path, null, null);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("urls: not a valid URL: " + e.getReason(), e);
      }
    }

    private static String decode(String rawUserInfo) {
      return java.net.URLDecoder.decode(
          rawUserInfo.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
