package dev.relaybox.consumers.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaDefinitionTest {

  private static final SagaAction<String> NOTHING = s -> {};

  record Order(String id, long cents) {}

  @Test
  void stepsKeepTheirOrderAndOptions() {
    SagaDefinition<String> def =
        SagaDefinition.builder("order-fulfilment", SagaDataCodec.json(String.class))
            .step("charge")
            .action(NOTHING)
            .compensation(NOTHING)
            .deadline(Duration.ofMinutes(2), OnTimeout.RETRY)
            .step("email")
            .action(NOTHING)
            .local()
            .build();
    assertThat(def.steps()).extracting(SagaStep::name).containsExactly("charge", "email");
    assertThat(def.step("charge").orElseThrow().deadline()).contains(Duration.ofMinutes(2));
    assertThat(def.step("charge").orElseThrow().onTimeout()).isEqualTo(OnTimeout.RETRY);
    assertThat(def.step("email").orElseThrow().compensation()).isEmpty();
    assertThat(def.step("email").orElseThrow().local()).isTrue();
    assertThat(def.next("charge").orElseThrow().name()).isEqualTo("email");
    assertThat(def.next("email")).isEmpty();
  }

  @Test
  void buildNamesWhatIsWrong() {
    assertThatThrownBy(() -> SagaDefinition.builder("Bad Type", SagaDataCodec.bytes()).build())
        .hasMessageContaining("saga type must match");
    assertThatThrownBy(() -> SagaDefinition.builder("empty", SagaDataCodec.bytes()).build())
        .hasMessageContaining("at least one step");
    assertThatThrownBy(
            () ->
                SagaDefinition.builder("twice", SagaDataCodec.bytes())
                    .step("a")
                    .action(s -> {})
                    .step("a")
                    .action(s -> {})
                    .build())
        .hasMessageContaining("step 'a': name used twice");
    assertThatThrownBy(
            () -> SagaDefinition.builder("idle", SagaDataCodec.bytes()).step("a").build())
        .hasMessageContaining("give it an action or a compensation");
    assertThatThrownBy(
            () ->
                SagaDefinition.builder("local", SagaDataCodec.bytes())
                    .step("a")
                    .action(s -> {})
                    .local()
                    .deadline(Duration.ofSeconds(1), OnTimeout.PARK)
                    .build())
        .hasMessageContaining("a local step waits for no reply");
    assertThatThrownBy(
            () ->
                SagaDefinition.builder("zero", SagaDataCodec.bytes())
                    .step("a")
                    .deadline(Duration.ZERO, OnTimeout.PARK))
        .hasMessageContaining("deadline must be positive");
  }

  @Test
  void jsonDataRoundTripsAndShowsAsText() {
    SagaDataCodec<Order> codec = SagaDataCodec.json(Order.class);
    byte[] bytes = codec.encode(new Order("o-1", 1999));
    assertThat(codec.decode(bytes)).isEqualTo(new Order("o-1", 1999));
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"o-1\",\"cents\":1999}");
    assertThatThrownBy(() -> codec.decode("nope".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("saga data is not a");
  }

  @Test
  void aFailedReplySaysWhy() {
    assertThatThrownBy(() -> SagaReply.failed("s", "a", " "))
        .hasMessageContaining("needs an error");
    assertThat(SagaReply.compensated("s", "a").compensation()).isTrue();
  }
}
