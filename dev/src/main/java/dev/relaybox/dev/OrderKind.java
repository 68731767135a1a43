package dev.relaybox.dev;

/** What the demo expects to happen to an order, and so which effects it must find. */
public enum OrderKind {
  /** Charged, shipped, one confirmation email. */
  FULFILLED,
  /** Charged, refunded, a confirmation and a cancellation email, no shipment. */
  OUT_OF_STOCK,
  /** A declined charge and nothing else. */
  DECLINED;

  /** Which kind the {@code index}-th order of a demo run is, given the enabled faults. */
  public static OrderKind of(int index, boolean outOfStock, boolean declines) {
    if (outOfStock && index % 10 == 7) {
      return OUT_OF_STOCK;
    }
    if (declines && index % 25 == 13) {
      return DECLINED;
    }
    return FULFILLED;
  }
}
