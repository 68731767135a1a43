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

  /**
   * Whether {@code orders} order-fulfilment sagas completed (shipped) and their confirmation emails
   * are recorded.
   */
  static boolean shippedAndEmailed(DemoPipeline pipeline, int orders) throws SQLException {
    return sagas(pipeline, "'COMPLETED'") == orders && emails(pipeline) == orders;
  }

  /**
   * Whether {@code orders} order-fulfilment sagas reached a final state (completed or compensated)
   * and each one's email (confirmation or cancellation) is recorded.
   */
  static boolean settled(DemoPipeline pipeline, int orders) throws SQLException {
    return sagas(pipeline, "'COMPLETED', 'COMPENSATED'") == orders && emails(pipeline) == orders;
  }

  /** Sagas of the pipeline in these statuses (SQL literals). */
  static long sagas(DemoPipeline pipeline, String statuses) throws SQLException {
    return pipeline.count(
        "SELECT count(*) FROM "
            + pipeline.schema()
            + ".processed_keys_sagas WHERE saga_type = 'order-fulfilment' AND status IN ("
            + statuses
            + ")");
  }

  private static long emails(DemoPipeline pipeline) throws SQLException {
    return pipeline.count("SELECT count(*) FROM " + pipeline.schema() + ".emails");
  }
}
