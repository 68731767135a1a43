package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ReshardBarrierTest {
  private static final Schema ROW =
      SchemaBuilder.struct()
          .field("aggregatetype", Schema.STRING_SCHEMA)
          .field("aggregateid", Schema.STRING_SCHEMA)
          .build();

  @Test
  void aBarrierRowNamesItsIdAndBothLayouts() {
    ReshardBarrier barrier = new ReshardBarrier("1cdb0d60-a08f-482c-9121-3f20359729a1", 1, 2);
    assertThat(ReshardBarrier.of(row(ReshardBarrier.AGGREGATE_TYPE, barrier.aggregateId(7))))
        .isEqualTo(barrier);
  }

  @Test
  void eventsAreNoBarriersAndAMalformedBarrierIsStillOne() {
    assertThat(ReshardBarrier.of(row("cart", "1cdb0d60-a08f-482c-9121-3f20359729a1:1:2:0")))
        .isNull();
    assertThat(ReshardBarrier.of(row(ReshardBarrier.AGGREGATE_TYPE, "by hand")))
        .isEqualTo(new ReshardBarrier("malformed", 0, 0));
  }

  private static Struct row(String aggregateType, String aggregateId) {
    return new Struct(ROW).put("aggregatetype", aggregateType).put("aggregateid", aggregateId);
  }
}
