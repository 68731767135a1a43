package dev.relaybox.examples.orders.internal;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The properties shared by the builders of the effect services that call a third party over HTTP
 * and publish follow-up events: data source, outbox, schema and timeouts. Not API: configure a
 * service through its own builder, which adds the third party's URL and the rest.
 *
 * @param <B> the service's builder, returned by every setter
 */
public abstract class HttpServiceBuilder<B extends HttpServiceBuilder<B>> {
  private DataSource dataSource;
  private Outbox outbox;
  private String schema = "public";
  private Duration connectTimeout = Duration.ofSeconds(5);
  private Duration requestTimeout = Duration.ofSeconds(10);

  protected HttpServiceBuilder() {}

  /** Where the service's tables live; the runner's data source. Required. */
  public final B dataSource(DataSource dataSource) {
    this.dataSource = dataSource;
    return self();
  }

  /** Publishes the follow-up events in the runner's transaction. Required. */
  public final B outbox(Outbox outbox) {
    this.outbox = outbox;
    return self();
  }

  /** Schema of the service's tables. Default {@code public}. */
  public final B schema(String schema) {
    this.schema = schema;
    return self();
  }

  /** TCP connect timeout towards the third party. Default 5 s. */
  public final B connectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
    return self();
  }

  /**
   * Timeout of one request to the third party; a timeout is retried with the same key. Default 10
   * s.
   */
  public final B requestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    return self();
  }

  /**
   * Validates the shared properties and the third party's URL, for the service's {@code build()}.
   *
   * @param urlProperty the name of the URL's setter, for messages
   * @throws NullPointerException naming a missing property
   * @throws IllegalArgumentException naming an invalid property
   */
  protected final Settings settings(String urlProperty, String url) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    SqlIdentifier.require("schema", schema);
    Objects.requireNonNull(outbox, "outbox must not be null");
    Checks.requireText(urlProperty, url);
    Checks.requirePositive("connectTimeout", connectTimeout);
    Checks.requirePositive("requestTimeout", requestTimeout);
    return new Settings(
        dataSource,
        outbox,
        schema,
        url,
        requestTimeout,
        new JsonHttp(url, connectTimeout, requestTimeout));
  }

  @SuppressWarnings("unchecked") // B is the concrete builder by the class's contract
  private B self() {
    return (B) this;
  }

  /** The validated shared properties, and a client for the third party built from them. */
  public record Settings(
      DataSource dataSource,
      Outbox outbox,
      String schema,
      String url,
      Duration requestTimeout,
      JsonHttp http) {}
}
