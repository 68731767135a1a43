package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One relay's share of the outbox when {@code shard.count} relays divide it: the rows whose
 * aggregate id hashes to {@code index} modulo {@code count}. All events of an aggregate go through
 * one shard, so their order holds. The hash is Postgres's built-in immutable {@code hashtext},
 * masked to 31 bits (no {@code abs()}: {@code abs(INT_MIN)} overflows); a null aggregate id counts
 * as empty, so its row reaches one shard and is dead-lettered there as unsharded.
 *
 * @param count how many shards divide the outbox, 1 for an unsharded relay
 * @param index this relay's shard, {@code 0 ≤ index < count}
 */
public record Shard(int count, int index) {

  /** The largest {@code shard.count}. */
  public static final int MAX_COUNT = 1024;

  private static final Pattern SUFFIX = Pattern.compile("_shard_([0-9]{1,4})_of_([0-9]{1,4})");

  /** The unsharded relay. */
  public static final Shard NONE = new Shard(1, 0);

  public Shard {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("shard count must be 1 to " + MAX_COUNT + ": " + count);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard index must be 0 to " + (count - 1) + " with " + count + " shards: " + index);
    }
  }

  /** The shard a relay configuration reads. */
  public static Shard of(RelayConfig config) {
    return new Shard(config.get(RelaySettings.SHARD_COUNT), config.get(RelaySettings.SHARD_INDEX));
  }

  /** Whether more than one relay divides the outbox. */
  public boolean sharded() {
    return count > 1;
  }

  /** Appended to the relay name and transactional id: {@code -shard-<i>-of-<n>}, or empty. */
  public String nameSuffix() {
    return sharded() ? "-shard-" + index + "-of-" + count : "";
  }

  /** Appended to the slot and publication names: {@code _shard_<i>_of_<n>}, or empty. */
  public String identifierSuffix() {
    return sharded() ? "_shard_" + index + "_of_" + count : "";
  }

  /**
   * The shard of a slot or publication named {@code base + identifierSuffix()}, or empty when
   * {@code name} is not one of {@code base}'s shards.
   */
  public static Optional<Shard> ofIdentifier(String base, String name) {
    if (!name.startsWith(base)) {
      return Optional.empty();
    }
    Matcher m = SUFFIX.matcher(name.substring(base.length()));
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Shard(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1))));
    } catch (IllegalArgumentException e) { // index or count out of range
      return Optional.empty();
    }
  }

  /** The publication's row filter selecting this shard's rows, or null when unsharded. */
  public String rowFilter() {
    return sharded()
        ? "(hashtext(coalesce(aggregateid, '')) & 2147483647) % " + count + " = " + index
        : null;
  }

  /** {@code " AND (<row filter>)"} for a query over the outbox, or empty when unsharded. */
  public String sqlCondition() {
    return sharded() ? " AND (" + rowFilter() + ")" : "";
  }

  @Override
  public String toString() {
    return sharded() ? "shard " + index + " of " + count : "unsharded";
  }
}
