package dev.relaybox.devstack.peers;

/**
 * The three external peers of the consumer services, started together on free loopback ports: a
 * {@link PaymentGatewayServer}, a {@link FulfillmentServer} and a {@link MailServer}.
 *
 * <pre>{@code
 * try (Peers peers = Peers.start()) {
 *   String gateway = peers.paymentGateway().url();
 *   int smtp = peers.mail().smtpPort();
 * }
 * }</pre>
 *
 * <p>Thread-safe. They run in the calling JVM and keep their state in memory until {@link
 * #close()}.
 */
public final class Peers implements AutoCloseable {
  private final PaymentGatewayServer paymentGateway;
  private final FulfillmentServer fulfillment;
  private final MailServer mail;

  private Peers(
      PaymentGatewayServer paymentGateway, FulfillmentServer fulfillment, MailServer mail) {
    this.paymentGateway = paymentGateway;
    this.fulfillment = fulfillment;
    this.mail = mail;
  }

  /**
   * Starts all three on free ports; if one fails, the ones already started are closed.
   *
   * @throws dev.relaybox.devstack.DevStackException when a peer cannot start
   */
  public static Peers start() {
    PaymentGatewayServer paymentGateway = PaymentGatewayServer.start(0);
    FulfillmentServer fulfillment = null;
    try {
      fulfillment = FulfillmentServer.start(0);
      return new Peers(paymentGateway, fulfillment, MailServer.start());
    } catch (RuntimeException e) {
      if (fulfillment != null) {
        fulfillment.close();
      }
      paymentGateway.close();
      throw e;
    }
  }

  public PaymentGatewayServer paymentGateway() {
    return paymentGateway;
  }

  public FulfillmentServer fulfillment() {
    return fulfillment;
  }

  public MailServer mail() {
    return mail;
  }

  /** Closes all three. */
  @Override
  public void close() {
    try {
      mail.close();
    } finally {
      try {
        fulfillment.close();
      } finally {
        paymentGateway.close();
      }
    }
  }
}
