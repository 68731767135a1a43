package dev.relaybox.relay.internal;

import io.debezium.embedded.KafkaConnectUtil;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.TopicAdmin;

/**
 * Kafka Connect's {@link KafkaOffsetBackingStore} that owns its topic admin client and closes it on
 * {@link #stop()}. Debezium's default construction ({@code KafkaConnectUtil}) creates a shared
 * admin that nothing closes, leaking one admin client per engine restart. Instantiated by the
 * Debezium engine through {@code offset.storage}, hence public with a no-argument constructor.
 */
public final class RelayOffsetStore extends KafkaOffsetBackingStore {
  private final OwnedAdmin admin;

  public RelayOffsetStore() {
    this(new OwnedAdmin());
  }

  private RelayOffsetStore(OwnedAdmin admin) {
    super(admin, () -> "relaybox-relay-", KafkaConnectUtil.converterForOffsetStore());
    this.admin = admin;
  }

  @Override
  public void configure(WorkerConfig config) {
    admin.bootstrapServers =
        String.join(",", config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    super.configure(config);
  }

  @Override
  public void stop() {
    try {
      super.stop();
    } finally {
      admin.close();
    }
  }

  /** Creates the admin client on first use and closes it with the store. */
  private static final class OwnedAdmin implements Supplier<TopicAdmin> {
    private volatile String bootstrapServers;
    private TopicAdmin admin;

    @Override
    public synchronized TopicAdmin get() {
      if (admin == null) {
        admin =
            new TopicAdmin(
                Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers,
                    CommonClientConfigs.CLIENT_ID_CONFIG,
                    "relaybox-relay-offsets-admin"));
      }
      return admin;
    }

    synchronized void close() {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
        admin = null;
      }
    }
  }
}
