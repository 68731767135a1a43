package dev.relaybox.dev;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.outbox.CleanupMode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Options of a {@link DemoPipeline}; every setter returns {@code this}. */
public final class DemoPipelineBuilder {
  final DevStack stack;
  boolean isolated;
  CleanupMode cleanup = CleanupMode.DELETE_AFTER_INSERT;
  Duration readyTimeout = Duration.ofSeconds(120);
  boolean startServices = true;
  boolean http;
  Consumer<Map<String, String>> hostTweak = p -> {};
  Consumer<Map<String, String>> relayTweak = p -> {};

  DemoPipelineBuilder(DevStack stack) {
    this.stack = Objects.requireNonNull(stack, "stack");
  }

  /** Names of its own: schema, topics, groups, slot. Default: the services' default names. */
  public DemoPipelineBuilder isolated() {
    this.isolated = true;
    return this;
  }

  /** The order service's outbox mode. Default {@link CleanupMode#DELETE_AFTER_INSERT}. */
  public DemoPipelineBuilder cleanup(CleanupMode cleanup) {
    this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
    return this;
  }

  /** How long to wait for the relay and the services. Default 120 s. */
  public DemoPipelineBuilder readyTimeout(Duration readyTimeout) {
    this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
    return this;
  }

  /** Whether the service host starts with the pipeline. Default true. */
  public DemoPipelineBuilder startServices(boolean startServices) {
    this.startServices = startServices;
    return this;
  }

  /** Whether the service host serves HTTP on a free loopback port. Default false. */
  public DemoPipelineBuilder http(boolean http) {
    this.http = http;
    return this;
  }

  /** Changes the service host's properties before each start (see {@link #hostProperties}). */
  public DemoPipelineBuilder hostProperties(Consumer<Map<String, String>> tweak) {
    this.hostTweak = Objects.requireNonNull(tweak, "tweak");
    return this;
  }

  /** Changes the relay's properties (see {@link #relayProperties}). */
  public DemoPipelineBuilder relayProperties(Consumer<Map<String, String>> tweak) {
    this.relayTweak = Objects.requireNonNull(tweak, "tweak");
    return this;
  }

  /** Starts the relay (and the services) and waits until they stream. */
  public DemoPipeline start() throws Exception {
    return new DemoPipeline(this);
  }
}
