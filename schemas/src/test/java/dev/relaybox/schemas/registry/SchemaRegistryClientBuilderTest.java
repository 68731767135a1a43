package dev.relaybox.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientBuilderTest {

  @Test
  void needsAtLeastOneUrl() {
    assertThatThrownBy(() -> SchemaRegistryClient.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("urls");
    assertThatThrownBy(() -> SchemaRegistryClient.builder().urls(" , ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("urls");
  }

  @Test
  void rejectsNonHttpUrlsWithoutLeakingUserInfo() {
    assertThatThrownBy(() -> SchemaRegistryClient.builder().urls("ftp://bob:hunter2@host:21"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http:// or https://")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> SchemaRegistryClient.builder().urls("http://bob:hunter2@ho st"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void validatesTimeoutsRetriesAndBackoffNamingTheProperty() {
    SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder().urls("http://h:1");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO).build())
        .hasMessageContaining("connectTimeout");
    builder.connectTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> builder.requestTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("requestTimeout");
    builder.requestTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> builder.maxRetries(-1).build()).hasMessageContaining("maxRetries");
    builder.maxRetries(0);
    assertThatThrownBy(() -> builder.backoff(null, Duration.ofSeconds(1)).build())
        .hasMessageContaining("initialBackoff");
  }

  @Test
  void takesBasicAuthFromTheUrlAndStripsItFromEverythingPrinted() {
    SchemaRegistryClient client =
        SchemaRegistryClient.builder()
            .urls("http://bob:hunter2@127.0.0.1:8081/, http://h2:1")
            .build();

    assertThat(client)
        .hasToString("SchemaRegistryClient[urls=[http://127.0.0.1:8081, http://h2:1]]");
  }

  @Test
  void basicAuthUserInfoMustBeUserColonPasswordAndIsNotEchoed() {
    assertThatThrownBy(
            () ->
                SchemaRegistryClient.builder()
                    .urls("http://h:1")
                    .basicAuthUserInfo("tokenwithoutcolon")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("tokenwithoutcolon");
  }
}
