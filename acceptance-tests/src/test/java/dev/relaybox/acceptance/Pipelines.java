package dev.relaybox.acceptance;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How the acceptance tests use the {@link DemoPipeline}: isolated, services started by the test.
 */
final class Pipelines {

  /** The longest any test waits for the pipeline to settle. */
  static final Duration DEADLINE = Duration.ofSeconds(90);

  private Pipelines() {}

  /**
   * A pipeline with names of its own on the shared stack, its relay streaming, its service host not
   * started (with {@code tweak} applied to the host's properties and HTTP on a free port).
   */
  static DemoPipeline isolated(DevStack stack, Consumer<Map<String, String>> tweak)
      throws Exception {
    return DemoPipeline.builder(stack)
        .isolated()
        .startServices(false)
        .http(true)
        .hostProperties(tweak)
        .start();
  }

  /** Whether {@code orders} orders have their shipment requested and their email recorded. */
  static boolean shippedAndEmailed(DemoPipeline pipeline, int orders) throws SQLException {
    String s = pipeline.schema();
    return pipeline.count(
                "SELECT count(*) FROM "
                    + s
                    + ".fulfillment_orders WHERE status = 'SHIPMENT_REQUESTED'")
            == orders
        && pipeline.count("SELECT count(*) FROM " + s + ".emails") == orders;
  }
}
