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
  private final String prefix;
  private final int partitions;
  private final int poolSize;

  protected HikariDataSource ds;
  protected String group;
  protected String topic;
  protected String effects;

  EffectsTopicTestBase(String prefix, int partitions, int poolSize) {
    this.prefix = prefix;
    this.partitions = partitions;
    this.poolSize = poolSize;
  }

  @BeforeEach
  final void createTopicAndEffectsTable(DevStack stack) throws SQLException {
    ds = TestSupport.pool(stack, poolSize);
    group = unique(prefix);
    topic = "it." + group;
    effects = group + "_effects";
    stack.kafka().createTopic(topic, partitions);
    TestSupport.createEffectsTable(ds, effects);
  }

  @AfterEach
  final void closePool() {
    ds.close();
  }
}
