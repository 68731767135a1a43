package dev.relaybox.examples.orders.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.events.ChargePayment;
import dev.relaybox.examples.orders.events.PaymentCaptured;
import dev.relaybox.examples.orders.events.PaymentDeclined;
import dev.relaybox.examples.orders.saga.OrderFulfilment;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.flywaydb.core.Flyway;

/**
 * The payments service's charges: charges each {@link ChargePayment} command of the
 * order-fulfilment saga through the payment gateway, records the payment and replies {@link
 * PaymentCaptured} or {@link PaymentDeclined} through the outbox.
 *
 * <p>{@link #call} posts {@code /v1/charges} outside any transaction with {@code Idempotency-Key} =
 * the command's {@code requestId} (the same for every attempt of the saga's charge step), so a
 * retry, a redelivery after a crash or a command sent again after the step's deadline replays the
 * gateway's first answer instead of charging twice. A 402 is a result (declined), not an error;
 * 408, 429 and 5xx are transient ({@link HttpStatusException}), other statuses permanent. {@link
 * #record} inserts the {@code payments} row and the follow-up event (aggregate type {@value
 * #AGGREGATE_TYPE}, key = the order id) in the runner's transaction. Other event types on the topic
 * (e.g. {@code RefundPayment}) are ignored, their keys still recorded. Thread-safe.
 */
public final class PaymentsHandler implements TwoPhaseEventHandler<ChargeResult> {

  /** Aggregate type of the replies: topic {@code outbox.event.payment}. */
  public static final String AGGREGATE_TYPE = OrderFulfilment.PAYMENT_REPLIES;

  /** Classpath location of the {@code payments} table migration (placeholder payments_schema). */
  public static final String MIGRATIONS_LOCATION =
      "classpath:dev/relaybox/examples/orders/db/payments";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI charges;
  private final Outbox outbox;
  private final String schema;
  private final Duration timeout;
  private final HttpClient http;

  private PaymentsHandler(URI gateway, Outbox outbox, String schema, Duration timeout) {
    this.charges = gateway.resolve("/v1/charges");
    this.outbox = outbox;
    this.schema = schema;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  /**
   * A handler charging through the gateway at {@code gatewayUrl}.
   *
   * @param gatewayUrl base URL, e.g. {@code http://127.0.0.1:8080}
   * @param outbox where follow-up events are written (the same database as the runner's)
   * @param schema schema of the {@code payments} table, a lower-case SQL identifier
   * @param timeout connect and request timeout of one gateway call; a timeout is retried with the
   *     same idempotency key
   * @throws NullPointerException naming a null argument
   * @throws IllegalArgumentException naming an invalid argument
   */
  public static PaymentsHandler create(
      String gatewayUrl, Outbox outbox, String schema, Duration timeout) {
    Objects.requireNonNull(gatewayUrl, "gatewayUrl must not be null");
    Objects.requireNonNull(outbox, "outbox must not be null");
    Objects.requireNonNull(schema, "schema must not be null");
    Objects.requireNonNull(timeout, "timeout must not be null");
    URI uri = URI.create(gatewayUrl);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("gatewayUrl must be an http(s) URL, was " + gatewayUrl);
    }
    SqlIdentifier.require("schema", schema);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new PaymentsHandler(uri, outbox, schema, timeout);
  }

  /**
   * Creates or upgrades the {@code payments} table (history table {@code payments_schema_history}).
   */
  public void migrate(DataSource dataSource) {
    Flyway.configure(PaymentsHandler.class.getClassLoader())
        .dataSource(dataSource)
        .locations(MIGRATIONS_LOCATION)
        .schemas(schema)
        .table("payments_schema_history")
        .placeholders(Map.of("payments_schema", schema))
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  @Override
  public ChargeResult call(ConsumedEvent event) throws IOException, InterruptedException {
    if (!(event.value() instanceof ChargePayment order)) {
      return null;
    }
    String body =
        JSON.writeValueAsString(
            Map.of(
                "orderId", order.getOrderId(),
                "amountMinor", order.getAmountMinor(),
                "currency", order.getCurrency(),
                "customerId", order.getCustomerId()));
    HttpRequest request =
        HttpRequest.newBuilder(charges)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", order.getRequestId().toString())
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    int status = response.statusCode();
    if (status == 200 || status == 201 || status == 402) {
      JsonNode charge = JSON.readTree(response.body());
      return new ChargeResult(
          charge.path("id").asText(),
          status != 402,
          status == 402 ? charge.path("reason").asText("declined") : null);
    }
    throw new HttpStatusException(
        status,
        "payment gateway refused the charge for order "
            + order.getOrderId()
            + ": "
            + abbreviate(response.body()));
  }

  @Override
  public void record(ConsumedEvent event, ChargeResult charge, Connection tx) throws Exception {
    if (charge == null) {
      return;
    }
    ChargePayment order = (ChargePayment) event.value();
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO \""
                + schema
                + "\".payments (event_id, order_id, charge_id, status, reason, amount_minor,"
                + " currency) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, event.eventId());
      ps.setString(2, order.getOrderId());
      ps.setString(3, charge.chargeId());
      ps.setString(4, charge.captured() ? "captured" : "declined");
      ps.setString(5, charge.reason());
      ps.setLong(6, order.getAmountMinor());
      ps.setString(7, order.getCurrency());
      ps.executeUpdate();
    }
    outbox.publish(
        tx, OutboxEvent.of(AGGREGATE_TYPE, order.getOrderId(), followUp(event, order, charge)));
  }

  private static SpecificRecord followUp(
      ConsumedEvent event, ChargePayment order, ChargeResult charge) {
    // Derived from the input event id: the same command always yields the same reply id.
    UUID id =
        UUID.nameUUIDFromBytes(("payments:" + event.eventId()).getBytes(StandardCharsets.UTF_8));
    Instant now = Instant.now();
    if (charge.captured()) {
      return PaymentCaptured.newBuilder()
          .setEventId(id)
          .setOccurredAt(now)
          .setOrderId(order.getOrderId())
          .setPaymentId(charge.chargeId())
          .setCustomerEmail(order.getCustomerEmail())
          .setAmountMinor(order.getAmountMinor())
          .setCurrency(order.getCurrency())
          .build();
    }
    return PaymentDeclined.newBuilder()
        .setEventId(id)
        .setOccurredAt(now)
        .setOrderId(order.getOrderId())
        .setReason(charge.reason())
        .setAmountMinor(order.getAmountMinor())
        .setCurrency(order.getCurrency())
        .build();
  }

  private static String abbreviate(String body) {
    return body == null || body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }
}
