package dev.relaybox.consumers;

import static dev.relaybox.consumers.ErrorClassifier.Kind.PERMANENT;
import static dev.relaybox.consumers.ErrorClassifier.Kind.TRANSIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.schemas.registry.RegistryUnavailableException;
import dev.relaybox.schemas.registry.SchemaNotFoundException;
import dev.relaybox.schemas.serde.SchemaRegistryAccessException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

  private final ErrorClassifier defaults = ErrorClassifier.defaults();

  @Test
  void ownExceptionsDecide() {
    assertThat(defaults.classify(new RetryableEventException("later"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new PermanentEventException("never"))).isEqualTo(PERMANENT);
    // The outermost decision wins over a transient cause.
    assertThat(defaults.classify(new PermanentEventException("bad", new IOException())))
        .isEqualTo(PERMANENT);
  }

  @Test
  void httpStatusesRetryOnlyWhenTheServerMayRecover() {
    assertThat(defaults.classify(new HttpStatusException(503, "gateway"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new HttpStatusException(429, "gateway"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new HttpStatusException(408, "gateway"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new HttpStatusException(400, "gateway"))).isEqualTo(PERMANENT);
    assertThat(defaults.classify(new HttpStatusException(402, "gateway"))).isEqualTo(PERMANENT);
  }

  @Test
  void sqlStatesOfConnectionsDeadlocksAndResourcesAreTransient() {
    assertThat(defaults.classify(new SQLException("gone", "08006"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLException("serialization", "40001"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLException("deadlock", "40P01"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLException("too many", "53300"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLException("shutdown", "57P01"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLException("lock", "55P03"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLTransientConnectionException("pool"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SQLException("unique", "23505"))).isEqualTo(PERMANENT);
    assertThat(defaults.classify(new SQLException("no state"))).isEqualTo(PERMANENT);
  }

  @Test
  void ioTimeoutsAndKafkaRetriablesAreTransientAlsoAsCauses() {
    assertThat(defaults.classify(new SocketTimeoutException())).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new TimeoutException())).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new NotLeaderOrFollowerException("moved"))).isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new IllegalStateException("wrapped", new IOException())))
        .isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new NullPointerException())).isEqualTo(PERMANENT);
  }

  @Test
  void anUnreachableRegistryIsTransientAnUnknownSchemaIsNot() {
    var down = new RegistryUnavailableException("registry down", 503, 50300, null);
    var unknown = new SchemaNotFoundException("schema 7 not found", 404, 40403, null);
    assertThat(defaults.classify(new SchemaRegistryAccessException("get schema 7", down)))
        .isEqualTo(TRANSIENT);
    assertThat(defaults.classify(new SchemaRegistryAccessException("get schema 7", unknown)))
        .isEqualTo(PERMANENT);
  }

  @Test
  void userRulesWinAndTheFallbackIsConfigurable() {
    ErrorClassifier custom =
        ErrorClassifier.builder()
            .permanentOn(SocketTimeoutException.class)
            .transientOn(IllegalStateException.class)
            .otherwise(TRANSIENT)
            .build();
    assertThat(custom.classify(new SocketTimeoutException())).isEqualTo(PERMANENT);
    assertThat(custom.classify(new IOException())).isEqualTo(TRANSIENT);
    assertThat(custom.classify(new IllegalStateException())).isEqualTo(TRANSIENT);
    assertThat(custom.classify(new NullPointerException())).isEqualTo(TRANSIENT);
    // A later rule for the same type replaces the earlier one.
    ErrorClassifier replaced =
        ErrorClassifier.builder()
            .transientOn(IllegalArgumentException.class)
            .permanentOn(IllegalArgumentException.class)
            .build();
    assertThat(replaced.classify(new IllegalArgumentException())).isEqualTo(PERMANENT);
  }
}
