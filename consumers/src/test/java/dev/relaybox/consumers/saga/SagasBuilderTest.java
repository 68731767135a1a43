package dev.relaybox.consumers.saga;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class SagasBuilderTest {

  private static final SagaDefinition<byte[]> ONE =
      SagaDefinition.builder("one", SagaDataCodec.bytes()).step("a").action(s -> {}).build();

  private static Sagas.Builder valid() {
    return Sagas.builder()
        .dataSource(new PGSimpleDataSource())
        .outbox(Outbox.builder().serializer((t, d) -> d.toString().getBytes(UTF_8)).build())
        .saga(ONE);
  }

  @Test
  void buildNamesWhatIsWrong() {
    assertThat(valid().build()).isNotNull();
    assertThatThrownBy(() -> valid().dataSource(null).build()).hasMessageContaining("dataSource");
    assertThatThrownBy(() -> valid().outbox(null).build()).hasMessageContaining("outbox");
    assertThatThrownBy(() -> valid().saga(ONE).build()).hasMessageContaining("same type");
    assertThatThrownBy(() -> valid().processedKeysTable("public", "Bad").build())
        .hasMessageContaining("processedKeysTable");
    assertThatThrownBy(() -> valid().maxAttempts(0).build()).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> valid().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .hasMessageContaining("backoff");
    assertThatThrownBy(() -> valid().pollInterval(Duration.ofMillis(1)).build())
        .hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> valid().stuckAfter(Duration.ofMillis(1)).build())
        .hasMessageContaining("stuckAfter");
    assertThatThrownBy(
            () ->
                Sagas.builder()
                    .dataSource(new PGSimpleDataSource())
                    .outbox(Outbox.builder().serializer((t, d) -> new byte[0]).build())
                    .build())
        .hasMessageContaining("at least one saga definition");
  }

  @Test
  void aDefinitionNotGivenToTheBuilderIsRefused() {
    SagaDefinition<byte[]> other =
        SagaDefinition.builder("other", SagaDataCodec.bytes()).step("a").action(s -> {}).build();
    Sagas sagas = valid().build();
    assertThatThrownBy(() -> sagas.replyHandler(other, e -> null))
        .hasMessageContaining("saga other is not one of this Sagas' definitions");
  }
}
