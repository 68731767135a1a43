package dev.relaybox.examples.orders.payments;

import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.internal.HttpServiceBuilder;
import dev.relaybox.examples.orders.internal.Migrations;
import dev.relaybox.examples.orders.payments.internal.ChargesAndRefunds;
import dev.relaybox.examples.orders.payments.internal.GatewayClient;
import dev.relaybox.examples.orders.saga.OrderFulfilment;
import javax.sql.DataSource;

/**
 * The payments service: the payment participant of the order-fulfilment saga, a plain command
 * handler that charges and refunds at the payment gateway.
 *
 * <ul>
 *   <li>{@code ChargePayment} → {@link PaymentsHandler}: {@code POST /v1/charges} with {@code
 *       Idempotency-Key} = the command's request id; records a {@code payments} row and replies
 *       {@code PaymentCaptured} (201/200) or {@code PaymentDeclined} (402, a business result);
 *   <li>{@code RefundPayment} → {@code POST /v1/refunds} with {@code Idempotency-Key} = its request
 *       id; records a {@code refunds} row and replies {@code RefundIssued};
 *   <li>every other event type on its topics is ignored (its key is still recorded).
 * </ul>
 *
 * <p>Follow-up events go through the outbox with aggregate type {@value
 * PaymentsHandler#AGGREGATE_TYPE} and the order id as aggregate id. Gateway answers 408, 429 and
 * 5xx, connection failures and timeouts are transient (retried with the same key, so the gateway
 * never charges twice); other 4xx are permanent (dead-lettered). Run it with a {@link
 * dev.relaybox.consumers.ConsumerRunner} subscribed to the payment commands' topic ({@value
 * #COMMANDS_AGGREGATE_TYPE}).
 */
public final class PaymentsService {

  /** Default consumer group. */
  public static final String DEFAULT_GROUP = "payments";

  /** Aggregate type of the commands it consumes: topic {@code outbox.event.payment-command}. */
  public static final String COMMANDS_AGGREGATE_TYPE = OrderFulfilment.PAYMENT_COMMANDS;

  /** Classpath location of the {@code refunds} table migrations. */
  public static final String REFUNDS_MIGRATIONS_LOCATION =
      "classpath:dev/relaybox/examples/orders/db/refunds";

  private final DataSource dataSource;
  private final String schema;
  private final PaymentsHandler charges;
  private final ChargesAndRefunds handler;

  private PaymentsService(HttpServiceBuilder.Settings settings) {
    this.dataSource = settings.dataSource();
    this.schema = settings.schema();
    this.charges =
        PaymentsHandler.create(
            settings.url(), settings.outbox(), schema, settings.requestTimeout());
    this.handler =
        new ChargesAndRefunds(
            charges, new GatewayClient(settings.http()), settings.outbox(), schema);
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

  /**
   * Configuration of a {@link PaymentsService}; every setter returns {@code this}. The service's
   * tables are {@code payments} and {@code refunds}; the third party is the payment gateway. The
   * connect timeout applies to refund calls; a charge uses the request timeout as its connect
   * timeout too.
   */
  public static final class Builder extends HttpServiceBuilder<Builder> {
    private String gatewayUrl;

    private Builder() {}

    /** Base URL of the payment gateway, e.g. {@code http://127.0.0.1:8080}. Required. */
    public Builder gatewayUrl(String gatewayUrl) {
      this.gatewayUrl = gatewayUrl;
      return this;
    }

    /**
     * Validates and builds the service.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     */
    public PaymentsService build() {
      return new PaymentsService(settings("gatewayUrl", gatewayUrl));
    }
  }
}
