package dev.relaybox.acceptance.faults;

import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.Peers;
import java.time.Instant;
import java.util.Comparator;
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
    List<Optional<Instant>> firsts =
        List.of(
            first(
                since,
                peers.paymentGateway().charges(),
                c -> new Effect(c.orderId(), c.createdAt())),
            first(
                since,
                peers.fulfillment().shipments(),
                s -> new Effect(s.orderId(), s.createdAt())),
            first(since, peers.mail().messages(), m -> new Effect(orderOf(m), m.receivedAt())));
    if (firsts.stream().anyMatch(Optional::isEmpty)) {
      return Optional.empty();
    }
    return firsts.stream().map(Optional::orElseThrow).max(Comparator.naturalOrder());
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

  /** When the first of one kind of {@code effects} was executed for an order placed since. */
  private <T> Optional<Instant> first(
      Instant since, List<T> effects, Function<T, Effect> asEffect) {
    return effects.stream()
        .map(asEffect)
        .filter(
            e -> {
              Instant placed = placedAt.get(e.orderId());
              return placed != null && !placed.isBefore(since);
            })
        .map(Effect::at)
        .min(Comparator.naturalOrder());
  }

  /** One effect: the order it was for and when the third party executed it. */
  private record Effect(String orderId, Instant at) {}

  private static String orderOf(MailServer.Email email) {
    Matcher m = ORDER_ID.matcher(email.subject() == null ? "" : email.subject());
    return m.find() ? m.group() : "";
  }
}
