package dev.relaybox.consumers.payments;

import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.consumers.app.internal.Checks;
import dev.relaybox.consumers.app.internal.JsonHttp;
import dev.relaybox.consumers.app.internal.Migrations;
import dev.relaybox.consumers.payments.internal.ChargesAndRefunds;
import dev.relaybox.consumers.payments.internal.GatewayClient;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The payments service: charges each order at the payment gateway and refunds on request.
 *
 * <ul>
 *   <li>{@code OrderPlaced} → {@link PaymentsHandler}: {@code POST /v1/charges} with {@code
 *       Idempotency-Key} = the event id; records a {@code payments} row and publishes {@code
 *       PaymentCaptured} (201/200) or {@code PaymentDeclined} (402, a business result);
 *   <li>{@code RefundRequested} → {@code POST /v1/refunds} with {@code Idempotency-Key} = the event
 *       id; records a {@code refunds} row and publishes {@code RefundIssued};
 *   <li>every other event type on its topics is ignored (its key is still recorded).
 * </ul>
 *
 * <p>Follow-up events go through the outbox with aggregate type {@value
 * PaymentsHandler#AGGREGATE_TYPE} and the order id as aggregate id. Gateway answers 408, 429 and
 * 5xx, connection failures and timeouts are transient (retried with the same key, so the gateway
 * never charges twice); other 4xx are permanent (dead-lettered). Run it with a {@link
 * dev.relaybox.consumers.ConsumerRunner} subscribed to the order and fulfillment topics.
 */
public final class PaymentsService {

  /** Default consumer group. */
  public static final String DEFAULT_GROUP = "payments";

  /** Classpath location of the {@code refunds} table migrations. */
  public static final String REFUNDS_MIGRATIONS_LOCATION = "classpath:db/refunds";

  private final DataSource dataSource;
  private final String schema;
  private final PaymentsHandler charges;
  private final ChargesAndRefunds handler;

  private PaymentsService(Builder b) {
    this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource must not be null");
    this.schema = Checks.requireIdentifier("schema", b.schema);
    Objects.requireNonNull(b.outbox, "outbox must not be null");
    Checks.requireText("gatewayUrl", b.gatewayUrl);
    Checks.requirePositive("connectTimeout", b.connectTimeout);
    Checks.requirePositive("requestTimeout", b.requestTimeout);
    this.charges = PaymentsHandler.create(b.gatewayUrl, b.outbox, schema, b.requestTimeout);
    GatewayClient gateway =
        new GatewayClient(new JsonHttp(b.gatewayUrl, b.connectTimeout, b.requestTimeout));
    this.handler = new ChargesAndRefunds(charges, gateway, b.outbox, schema);
  }

  /** A builder with the defaults listed on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates or upgrades the {@code payments} table ({@link PaymentsHandler#migrate}) and the {@code
   * refunds} table (history table {@code refunds_schema_history}).
   */
  public void migrate() {
    charges.migrate(dataSource);
    Migrations.migrate(dataSource, REFUNDS_MIGRATIONS_LOCATION, schema, "refunds_schema_history");
  }

  /** The handler to give the {@link dev.relaybox.consumers.ConsumerRunner}. */
  public TwoPhaseEventHandler<?> handler() {
    return handler;
  }

  /** Configuration of a {@link PaymentsService}; every setter returns {@code this}. */
  public static final class Builder {
    private DataSource dataSource;
    private Outbox outbox;
    private String schema = "public";
    private String gatewayUrl;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Where the {@code payments} table lives; the runner's data source. Required. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /** Publishes the follow-up events in the runner's transaction. Required. */
    public Builder outbox(Outbox outbox) {
      this.outbox = outbox;
      return this;
    }

    /** Schema of the {@code payments} table. Default {@code public}. */
    public Builder schema(String schema) {
      this.schema = schema;
      return this;
    }

    /** Base URL of the payment gateway, e.g. {@code http://127.0.0.1:8080}. Required. */
    public Builder gatewayUrl(String gatewayUrl) {
      this.gatewayUrl = gatewayUrl;
      return this;
    }

    /** TCP connect timeout of refund calls. Default 5 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Timeout of one gateway request (the charge's connect timeout too); a timeout is retried with
     * the same key. Default 10 s.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Validates and builds the service.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     */
    public PaymentsService build() {
      return new PaymentsService(this);
    }
  }
}
