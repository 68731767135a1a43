package dev.relaybox.acceptance;

import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.devstack.peers.Peers;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The final state of each order of the order-fulfilment saga, read at the third parties alone (the
 * gateway's ledger, the warehouse's reservations and shipments, the mailbox).
 */
final class FinalStates {

  /** Charged once, one reservation shipped, one shipment, no refund, the confirmation once. */
  static final String SHIPPED = "shipped";

  /**
   * Charged once, refunded once, no stock held, no shipment standing, the cancellation once (an
   * out-of-stock order: its one reservation refused).
   */
  static final String CANCELLED = "cancelled";

  private FinalStates() {}

  /**
   * {@link #SHIPPED}, {@link #CANCELLED}, or a description of what is lost or doubled, by order id.
   */
  static Map<String, String> of(Peers peers, Collection<UUID> orders, Set<String> outOfStock) {
    List<PaymentGatewayServer.Charge> charges = peers.paymentGateway().charges();
    Map<String, String> orderOfCharge =
        charges.stream()
            .collect(
                Collectors.toMap(
                    PaymentGatewayServer.Charge::id, PaymentGatewayServer.Charge::orderId));
    Map<String, List<PaymentGatewayServer.Charge>> chargesOf =
        group(charges, PaymentGatewayServer.Charge::orderId);
    Map<String, List<PaymentGatewayServer.Refund>> refundsOf =
        group(peers.paymentGateway().refunds(), r -> orderOfCharge.getOrDefault(r.chargeId(), "?"));
    Map<String, List<FulfillmentServer.Shipment>> shipmentsOf =
        group(peers.fulfillment().shipments(), FulfillmentServer.Shipment::orderId);
    Map<String, List<FulfillmentServer.Reservation>> reservationsOf =
        group(peers.fulfillment().reservations(), FulfillmentServer.Reservation::orderId);
    Map<String, List<MailServer.Email>> emailsOf =
        group(peers.mail().messages(), m -> m.subject().replaceAll(".*order (\\S+) .*", "$1"));
    Map<String, String> states = new LinkedHashMap<>();
    for (UUID id : orders) {
      String o = id.toString();
      List<PaymentGatewayServer.Charge> charge = chargesOf.getOrDefault(o, List.of());
      List<PaymentGatewayServer.Refund> refunds = refundsOf.getOrDefault(o, List.of());
      List<FulfillmentServer.Shipment> shipments = shipmentsOf.getOrDefault(o, List.of());
      List<FulfillmentServer.Reservation> reservations = reservationsOf.getOrDefault(o, List.of());
      List<MailServer.Email> emails = emailsOf.getOrDefault(o, List.of());
      String problem =
          charge.size() != 1 || !charge.get(0).captured()
              ? "charges " + charge
              : emails.size() != 1
                  ? "emails " + emails.stream().map(MailServer.Email::subject).toList()
                  : shipments.size() > 1 || reservations.size() != 1
                      ? "shipments " + shipments + " reservations " + reservations
                      : null;
      if (problem != null) {
        states.put(o, problem);
        continue;
      }
      String subject = emails.get(0).subject();
      boolean shipped =
          subject.contains("shipped")
              && refunds.isEmpty()
              && shipments.size() == 1
              && shipments.get(0).requested()
              && "shipped".equals(reservations.get(0).status());
      boolean cancelled =
          subject.contains("cancelled")
              && refunds.size() == 1
              && shipments.stream().noneMatch(FulfillmentServer.Shipment::requested)
              && !reservations.get(0).held()
              && (!outOfStock.contains(o) || "out_of_stock".equals(reservations.get(0).status()));
      states.put(
          o,
          shipped
              ? SHIPPED
              : cancelled
                  ? CANCELLED
                  : "inconsistent: email '"
                      + subject
                      + "' refunds "
                      + refunds.size()
                      + " shipments "
                      + shipments
                      + " reservations "
                      + reservations);
    }
    return states;
  }

  private static <T> Map<String, List<T>> group(List<T> items, Function<T, String> orderId) {
    return items.stream().collect(Collectors.groupingBy(orderId));
  }
}
