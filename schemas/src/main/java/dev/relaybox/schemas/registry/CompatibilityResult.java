package dev.relaybox.schemas.registry;

import java.util.List;

/**
 * The answer of a compatibility check.
 *
 * @param compatible whether the schema may be registered
 * @param messages the registry's verbose reasons (error type, field, compared version), empty when
 *     compatible; never null
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }
}
