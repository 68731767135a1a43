package dev.relaybox.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/** Versions of a small {@code it.events.Parcel} record, for compatibility checks in the ITs. */
public final class Parcels {

  private Parcels() {}

  /** {@code id} and {@code weightGrams}. */
  public static Schema v1() {
    return SchemaBuilder.record("Parcel")
        .namespace("it.events")
        .fields()
        .requiredString("id")
        .requiredLong("weightGrams")
        .endRecord();
  }

  /** {@link #v1()} plus {@code carrier} with a default: backward compatible. */
  public static Schema v2WithDefault() {
    return SchemaBuilder.record("Parcel")
        .namespace("it.events")
        .fields()
        .requiredString("id")
        .requiredLong("weightGrams")
        .name("carrier")
        .type()
        .stringType()
        .stringDefault("DHL")
        .endRecord();
  }

  /** {@link #v1()} plus a required {@code carrier}: not backward compatible. */
  public static Schema v2WithoutDefault() {
    return SchemaBuilder.record("Parcel")
        .namespace("it.events")
        .fields()
        .requiredString("id")
        .requiredLong("weightGrams")
        .requiredString("carrier")
        .endRecord();
  }

  /** {@code weightGrams} as a string: incompatible with {@link #v1()}. */
  public static Schema weightAsString() {
    return SchemaBuilder.record("Parcel")
        .namespace("it.events")
        .fields()
        .requiredString("id")
        .requiredString("weightGrams")
        .endRecord();
  }
}
