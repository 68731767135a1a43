package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.unique;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Set-up of the consumer tests that apply events to an effects table: before each test, a pool, a
 * unique consumer group, its own topic {@code it.<group>} and an empty effects table {@code
 * <group>_effects}; after it, the pool is closed.
 */
@ExtendWith(DevStackExtension.class)
abstract class EffectsTopicTestBase {
  protected final String group;
  protected final String topic;
  protected final String effects;
  private final int partitions;
  private final int poolSize;
  protected HikariDataSource ds;

  /** JUnit makes an instance per test, so every test gets names of its own. */
  EffectsTopicTestBase(String prefix, int partitions, int poolSize) {
    group = unique(prefix);
    topic = "it." + group;
    effects = group + "_effects";
    this.partitions = partitions;
    this.poolSize = poolSize;
  }

  @BeforeEach
  final void createTopicAndEffectsTable(DevStack stack) throws SQLException {
    ds = TestSupport.pool(stack, poolSize);
    stack.kafka().createTopic(topic, partitions);
    TestSupport.createEffectsTable(ds, effects);
  }

  @AfterEach
  final void closePool() {
    ds.close();
  }
}
