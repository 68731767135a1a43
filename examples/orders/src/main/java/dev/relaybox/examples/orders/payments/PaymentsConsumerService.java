package dev.relaybox.examples.orders.payments;

import dev.relaybox.config.Setting;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.examples.orders.events.PaymentCaptured;
import dev.relaybox.examples.orders.events.PaymentDeclined;
import dev.relaybox.examples.orders.events.RefundIssued;
import dev.relaybox.examples.orders.internal.ServiceSupport;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.List;

/**
 * The {@link PaymentsService} as a consumer service of the host ({@code services=payments}):
 * consumes the payment commands in group {@code payments.group}.
 */
public final class PaymentsConsumerService implements ConsumerService {

  /** The payment gateway's base URL. */
  public static final Setting<String> GATEWAY_URL =
      Setting.text("payments.gateway.url").doc("payment gateway base URL").build();

  private static final Setting<Duration> CONNECT_TIMEOUT =
      ServiceSupport.connectTimeout("payments");
  private static final Setting<Duration> REQUEST_TIMEOUT =
      ServiceSupport.requestTimeout("payments");

  @Override
  public String name() {
    return PaymentsService.DEFAULT_GROUP;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(GATEWAY_URL, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }

  @Override
  public void start(ServiceContext context) {
    Outbox outbox =
        ServiceSupport.outbox(
            context,
            PaymentCaptured.getClassSchema(),
            PaymentDeclined.getClassSchema(),
            RefundIssued.getClassSchema());
    PaymentsService payments =
        PaymentsService.builder()
            .dataSource(context.dataSource())
            .outbox(outbox)
            .schema(context.schema())
            .gatewayUrl(context.get(GATEWAY_URL))
            .connectTimeout(context.get(CONNECT_TIMEOUT))
            .requestTimeout(context.get(REQUEST_TIMEOUT))
            .build();
    payments.migrate();
    context.run(
        ServiceSupport.runner(context, PaymentsService.COMMANDS_AGGREGATE_TYPE)
            .handler(payments.handler()));
  }
}
