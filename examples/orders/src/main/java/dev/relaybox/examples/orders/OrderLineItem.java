package dev.relaybox.examples.orders;

import java.util.Objects;

/**
 * One line of an order to place.
 *
 * @param sku stock keeping unit, 1 to 64 characters
 * @param quantity number of units, at least 1
 * @param unitPriceMinor price of one unit in minor units of the order currency, not negative
 */
public record OrderLineItem(String sku, int quantity, long unitPriceMinor) {
  /**
   * @throws NullPointerException if sku is null
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public OrderLineItem {
    Objects.requireNonNull(sku, "sku must not be null");
    if (sku.isBlank() || sku.length() > 64) {
      throw new IllegalArgumentException("sku must be 1 to 64 characters, was '" + sku + "'");
    }
    if (quantity < 1) {
      throw new IllegalArgumentException(
          "quantity of " + sku + " must be at least 1, was " + quantity);
    }
    if (unitPriceMinor < 0) {
      throw new IllegalArgumentException(
          "unitPriceMinor of " + sku + " must not be negative, was " + unitPriceMinor);
    }
  }
}
