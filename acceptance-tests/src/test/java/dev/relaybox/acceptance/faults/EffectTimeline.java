package dev.relaybox.acceptance.faults;

import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.devstack.peers.Peers;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When effects flow, read from the third parties' own ledgers (the gateway's charges, the
 * warehouse's shipments, the mail server's messages, each stamped by the third party when it
 * executed it) against when each order was placed. Nothing here reads Relaybox's or the example's
 * tables, so it holds whatever the order workflow looks like inside.
 */
final class EffectTimeline {
  private static final Pattern ORDER_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Peers peers;
  private final Map<String, Instant> placedAt = new ConcurrentHashMap<>();

  EffectTimeline(Peers peers) {
    this.peers = peers;
  }

  /**
   * Records that placing {@code order} began at {@code began}: its transaction committed after
   * that, so the order is newer than any fault that started before.
   */
  void placed(UUID order, Instant began) {
    placedAt.put(order.toString(), began);
  }

  /**
   * The moment by which every kind of effect (a charge, a shipment request, an email) was executed
   * for some order placed at or after {@code since}: the pipeline flows again end to end. Empty
   * while one kind has none yet.
   */
  Optional<Instant> flowingAgain(Instant since) {
    Instant charge =
        first(
            peers.paymentGateway().charges(),
            PaymentGatewayServer.Charge::orderId,
            PaymentGatewayServer.Charge::createdAt,
            since);
    Instant shipment =
        first(
            peers.fulfillment().shipments(),
            FulfillmentServer.Shipment::orderId,
            FulfillmentServer.Shipment::createdAt,
            since);
    Instant email =
        first(
            peers.mail().messages(), EffectTimeline::orderOf, MailServer.Email::receivedAt, since);
    if (charge == null || shipment == null || email == null) {
      return Optional.empty();
    }
    Instant last = charge.isAfter(shipment) ? charge : shipment;
    return Optional.of(email.isAfter(last) ? email : last);
  }

  /**
   * Whether every order placed before {@code mark} has settled: its email was sent, the last effect
   * of every kind of order (the confirmation after the shipment, the cancellation after the
   * refund).
   */
  boolean settledBefore(Instant mark) {
    Set<String> emailed = new HashSet<>();
    for (MailServer.Email email : peers.mail().messages()) {
      emailed.add(orderOf(email));
    }
    return placedAt.entrySet().stream()
        .filter(e -> e.getValue().isBefore(mark))
        .allMatch(e -> emailed.contains(e.getKey()));
  }

  /** How many effects the third parties executed so far, of every kind. */
  long effects() {
    return peers.paymentGateway().charges().size()
        + peers.paymentGateway().refunds().size()
        + peers.fulfillment().shipments().size()
        + peers.mail().messages().size();
  }

  private <T> Instant first(
      List<T> effects, Function<T, String> orderId, Function<T, Instant> at, Instant since) {
    Instant first = null;
    for (T effect : effects) {
      Instant placed = placedAt.get(orderId.apply(effect));
      if (placed != null && !placed.isBefore(since)) {
        Instant when = at.apply(effect);
        if (first == null || when.isBefore(first)) {
          first = when;
        }
      }
    }
    return first;
  }

  private static String orderOf(MailServer.Email email) {
    Matcher m = ORDER_ID.matcher(email.subject() == null ? "" : email.subject());
    return m.find() ? m.group() : "";
  }
}
