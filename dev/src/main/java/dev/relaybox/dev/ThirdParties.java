package dev.relaybox.dev;

import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.devstack.peers.Peers;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The effects of a {@link DemoPipeline}'s orders at the fake third parties, the sources of truth
 * (never Relaybox's own tables): charges and refunds at the gateway, shipments and stock
 * reservations at the warehouse, emails at the mail server; and their verification against what
 * each order's kind expects. Thread-safe.
 */
public final class ThirdParties {

  /** Effects of one kind of order, against what was expected. */
  public record Row(
      OrderKind kind,
      long orders,
      long charges,
      long refunds,
      long shipments,
      long stockHeld,
      long emails,
      long lost,
      long doubled) {}

  /** The verified outcome. */
  public record Verification(List<Row> rows, long lost, long doubled) {
    public boolean passed() {
      return lost == 0 && doubled == 0;
    }
  }

  private final Peers peers;
  private final String id;
  private final Map<UUID, OrderKind> placed = new ConcurrentHashMap<>();

  ThirdParties(Peers peers, String id) {
    this.peers = peers;
    this.id = id;
  }

  void placed(UUID order, OrderKind kind) {
    placed.put(order, kind);
  }

  /** The email address of a customer of this pipeline (unique to it). */
  public String email(String customer) {
    return customer + (id.isEmpty() ? "" : "." + id) + "@example.test";
  }

  /** Charges at the gateway for this order, captured or declined. */
  public List<PaymentGatewayServer.Charge> charges(UUID order) {
    return peers.paymentGateway().charges().stream()
        .filter(c -> c.orderId().equals(order.toString()))
        .toList();
  }

  /** Refunds at the gateway of this order's charges. */
  public long refunds(UUID order) {
    List<String> chargeIds = charges(order).stream().map(PaymentGatewayServer.Charge::id).toList();
    return peers.paymentGateway().refunds().stream()
        .filter(r -> chargeIds.contains(r.chargeId()))
        .count();
  }

  /** Shipments requested at the warehouse for this order and not cancelled. */
  public long shipments(UUID order) {
    return peers.fulfillment().shipments().stream()
        .filter(FulfillmentServer.Shipment::requested)
        .filter(s -> s.orderId().equals(order.toString()))
        .count();
  }

  /** Reservations of this order holding stock at the warehouse (reserved or shipped). */
  public long stockHeld(UUID order) {
    return peers.fulfillment().reservations().stream()
        .filter(FulfillmentServer.Reservation::held)
        .filter(r -> r.orderId().equals(order.toString()))
        .count();
  }

  /** Messages the mail server accepted whose subject names this order. */
  public List<MailServer.Email> emails(UUID order) {
    return peers.mail().messages().stream()
        .filter(m -> m.subject() != null && m.subject().contains(order.toString()))
        .toList();
  }

  long placedCount() {
    return placed.size();
  }

  long captured() {
    return peers.paymentGateway().charges().stream()
        .filter(c -> placed.keySet().stream().anyMatch(o -> o.toString().equals(c.orderId())))
        .filter(PaymentGatewayServer.Charge::captured)
        .count();
  }

  long emailed() {
    return placed.keySet().stream().mapToLong(o -> emails(o).size()).sum();
  }

  long shipped() {
    return placed.keySet().stream().mapToLong(this::shipments).sum();
  }

  long refunded() {
    return placed.keySet().stream().mapToLong(this::refunds).sum();
  }

  /** Orders placed so far, by kind. */
  public Map<OrderKind, Long> placedByKind() {
    return placed.values().stream()
        .collect(
            Collectors.groupingBy(
                Function.identity(), () -> new EnumMap<>(OrderKind.class), Collectors.counting()));
  }

  /** Whether every placed order has all its expected effects (or more: doubles count too). */
  public boolean settled() {
    return verify().rows().stream().allMatch(r -> r.lost() == 0);
  }

  /** Compares each placed order's effects at the third parties with what its kind expects. */
  public Verification verify() {
    Map<String, List<PaymentGatewayServer.Charge>> charges =
        peers.paymentGateway().charges().stream()
            .collect(Collectors.groupingBy(PaymentGatewayServer.Charge::orderId));
    Map<String, String> orderOfCharge =
        peers.paymentGateway().charges().stream()
            .collect(
                Collectors.toMap(
                    PaymentGatewayServer.Charge::id, PaymentGatewayServer.Charge::orderId));
    Map<String, Long> refunds =
        peers.paymentGateway().refunds().stream()
            .collect(
                Collectors.groupingBy(
                    r -> orderOfCharge.getOrDefault(r.chargeId(), "?"), Collectors.counting()));
    Map<String, Long> shipments =
        peers.fulfillment().shipments().stream()
            .filter(FulfillmentServer.Shipment::requested)
            .collect(
                Collectors.groupingBy(FulfillmentServer.Shipment::orderId, Collectors.counting()));
    Map<String, Long> held =
        peers.fulfillment().reservations().stream()
            .filter(FulfillmentServer.Reservation::held)
            .collect(
                Collectors.groupingBy(
                    FulfillmentServer.Reservation::orderId, Collectors.counting()));
    List<MailServer.Email> mail = peers.mail().messages();
    Map<OrderKind, long[]> totals = new EnumMap<>(OrderKind.class);
    long lost = 0;
    long doubled = 0;
    for (Map.Entry<UUID, OrderKind> order : placed.entrySet()) {
      String id = order.getKey().toString();
      List<PaymentGatewayServer.Charge> orderCharges = charges.getOrDefault(id, List.of());
      long captured = orderCharges.stream().filter(PaymentGatewayServer.Charge::captured).count();
      long emails =
          mail.stream().filter(m -> m.subject() != null && m.subject().contains(id)).count();
      long[] actual = {
        captured,
        orderCharges.size() - captured,
        refunds.getOrDefault(id, 0L),
        shipments.getOrDefault(id, 0L),
        held.getOrDefault(id, 0L),
        emails
      };
      long[] expected = expected(order.getValue());
      long[] t = totals.computeIfAbsent(order.getValue(), k -> new long[8]);
      t[0]++;
      t[1] += actual[0] + actual[1];
      t[2] += actual[2];
      t[3] += actual[3];
      t[4] += actual[4];
      t[5] += actual[5];
      boolean missing = false;
      boolean extra = false;
      for (int i = 0; i < actual.length; i++) {
        missing |= actual[i] < expected[i];
        extra |= actual[i] > expected[i];
      }
      if (missing) {
        t[6]++;
        lost++;
      }
      if (extra) {
        t[7]++;
        doubled++;
      }
    }
    List<Row> rows =
        totals.entrySet().stream()
            .map(
                e -> {
                  long[] t = e.getValue();
                  return new Row(e.getKey(), t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]);
                })
            .toList();
    return new Verification(rows, lost, doubled);
  }

  /**
   * Captured charges, declined charges, refunds, shipments, reservations holding stock, emails: per
   * order of a kind (the order-fulfilment saga's final states).
   */
  private static long[] expected(OrderKind kind) {
    return switch (kind) {
      case FULFILLED -> new long[] {1, 0, 0, 1, 1, 1};
      case OUT_OF_STOCK -> new long[] {1, 0, 1, 0, 0, 1};
      case DECLINED -> new long[] {0, 1, 0, 0, 0, 1};
    };
  }
}
