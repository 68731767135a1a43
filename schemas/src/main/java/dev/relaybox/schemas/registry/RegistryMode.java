package dev.relaybox.schemas.registry;

/**
 * The registry's mode ({@code GET/PUT /mode}), globally or per subject: whether it accepts new
 * schemas. A registry being migrated or replicated into is put in {@link #READONLY} or {@link
 * #IMPORT}.
 */
public enum RegistryMode {
  /** Registers and deletes as usual (the default). */
  READWRITE,
  /** Refuses to register or delete schemas (error 42205); reads work. */
  READONLY,
  /** Like {@link #READONLY}, and also refuses the operators' writes that READONLY allows. */
  READONLY_OVERRIDE,
  /**
   * Accepts schemas with their ids given, for copying another registry; no compatibility checks.
   */
  IMPORT
}
