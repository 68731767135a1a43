package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardTest {

  @Test
  void aShardIsReadBackFromItsSlotName() {
    Shard shard = new Shard(4, 1);
    assertThat(Shard.ofIdentifier("relaybox_outbox", "relaybox_outbox" + shard.identifierSuffix()))
        .contains(shard);
  }

  @Test
  void namesThatAreNotTheBasesShardsAreNot() {
    assertThat(Shard.ofIdentifier("relaybox_outbox", "relaybox_outbox")).isEmpty();
    assertThat(Shard.ofIdentifier("relaybox_outbox", "relaybox_outbox_shardless")).isEmpty();
    assertThat(Shard.ofIdentifier("relaybox_outbox", "other_outbox_shard_0_of_2")).isEmpty();
    assertThat(Shard.ofIdentifier("relaybox_outbox", "relaybox_outbox_shard_4_of_4")).isEmpty();
    assertThat(Shard.ofIdentifier("relaybox_outbox", "relaybox_outbox_shard_0_of_2_x")).isEmpty();
    assertThat(Shard.ofIdentifier("relaybox_outbox", "relaybox_outbox_shard_0_of_99999")).isEmpty();
  }
}
