package dev.relaybox.dev;

/** What the demo expects to happen to an order, and so which effects it must find. */
public enum OrderKind {
  /** Charged, stock reserved, shipped, one confirmation email. */
  FULFILLED,
  /** Charged, refused by the warehouse, refunded, one cancellation email, no stock held. */
  OUT_OF_STOCK,
  /** A declined charge and one cancellation email. */
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
