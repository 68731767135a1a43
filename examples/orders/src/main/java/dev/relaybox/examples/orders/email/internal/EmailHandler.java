package dev.relaybox.examples.orders.email.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.events.EmailRequested;
import dev.relaybox.examples.orders.saga.OrderFulfilment;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Order confirmations and cancellation notices; see {@code EmailService}. Thread-safe: the runner
 * sends several emails at once, each on a mailer (and its mail connections) of its own.
 */
public final class EmailHandler implements TwoPhaseEventHandler<EmailHandler.Sent> {

  /** Template of the confirmation, once the order shipped. */
  public static final String ORDER_CONFIRMATION = OrderFulfilment.ORDER_CONFIRMATION;

  /** Template of the cancellation notice, once the order's saga compensated. */
  public static final String ORDER_CANCELLED = OrderFulfilment.ORDER_CANCELLED;

  private static final Logger log = LoggerFactory.getLogger(EmailHandler.class);

  /** One message handed to the provider (or found already there). */
  public record Sent(
      String messageId,
      String orderId,
      String recipient,
      String template,
      String subject,
      Mailer.Outcome outcome) {}

  private final MailerPool mailers;
  private final String messageIdDomain;
  private final String insert;

  public EmailHandler(MailerPool mailers, String schema, String messageIdDomain) {
    this.mailers = mailers;
    this.messageIdDomain = messageIdDomain;
    this.insert =
        "INSERT INTO \""
            + schema
            + "\".emails (event_id, message_id, order_id, recipient, template, subject, outcome)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  }

  /** The Message-ID of the email an event causes: {@code <eventId@domain>}. */
  public static String messageId(java.util.UUID eventId, String domain) {
    return "<" + eventId + "@" + domain + ">";
  }

  @Override
  public Sent call(ConsumedEvent event) {
    if (!(event.value() instanceof EmailRequested email)) {
      return null;
    }
    String orderId = email.getOrderId();
    String to = email.getRecipient();
    String template = email.getTemplate();
    String subject = email.getSubject();
    String body = body(template, orderId);
    String messageId = messageId(event.eventId(), messageIdDomain);
    Mailer.Outcome outcome;
    try {
      outcome = mailers.sendOnce(messageId, to, subject, body);
    } catch (AddressException e) {
      throw new PermanentEventException("invalid recipient address for order " + orderId, e);
    } catch (SendFailedException e) {
      if (e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0) {
        throw new PermanentEventException("mail provider rejected the recipient of " + orderId, e);
      }
      throw new RetryableEventException("mail provider did not accept " + messageId, e);
    } catch (MessagingException e) {
      throw new RetryableEventException("mail provider unreachable for " + messageId, e);
    }
    log.info(
        "email {} eventId={} orderId={} template={} messageId={}",
        outcome == Mailer.Outcome.SENT ? "sent" : "already sent, not resent",
        event.eventId(),
        orderId,
        template,
        messageId);
    return new Sent(messageId, orderId, to, template, subject, outcome);
  }

  @Override
  public void record(ConsumedEvent event, Sent sent, Connection tx) throws Exception {
    if (sent == null) {
      return;
    }
    try (PreparedStatement ps = tx.prepareStatement(insert)) {
      ps.setObject(1, event.eventId());
      ps.setString(2, sent.messageId());
      ps.setString(3, sent.orderId());
      ps.setString(4, sent.recipient());
      ps.setString(5, sent.template());
      ps.setString(6, sent.subject());
      ps.setString(7, sent.outcome().name());
      ps.executeUpdate();
    }
  }

  private static String body(String template, String orderId) {
    return switch (template) {
      case ORDER_CONFIRMATION ->
          "Thank you for your order " + orderId + ".\nYour parcel is on its way.\n";
      case ORDER_CANCELLED ->
          "We are sorry: your order "
              + orderId
              + " was cancelled.\nAny payment taken has been refunded in full.\n";
      default -> throw new PermanentEventException("unknown email template " + template);
    };
  }
}
