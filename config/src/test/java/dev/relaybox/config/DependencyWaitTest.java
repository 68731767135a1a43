package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DependencyWaitTest {

  static final Settings SETTINGS =
      Settings.builder("wait", "wait/README.md")
          .add(
              CommonSettings.PG_HOST,
              CommonSettings.PG_PORT,
              CommonSettings.PG_DATABASE,
              CommonSettings.PG_USER,
              CommonSettings.PG_PASSWORD,
              CommonSettings.STARTUP_BACKOFF_INITIAL,
              CommonSettings.STARTUP_BACKOFF_MAX)
          .build();

  static final class WaitConfig extends ServiceConfig {
    private WaitConfig(ServiceProperties values) {
      super(SETTINGS, values);
    }

    static final class Builder extends ServiceConfig.Builder<Builder> {
      Builder() {
        super(SETTINGS);
      }

      WaitConfig build() {
        return new WaitConfig(properties());
      }
    }
  }

  private static WaitConfig config(String initialMs, String maxMs) {
    return new WaitConfig.Builder()
        .set("pg.host", "db")
        .set("pg.port", "6543")
        .set("pg.database", "shop")
        .set("pg.user", "relay")
        .set("pg.password", "s3cret")
        .set("startup.backoff.initial.ms", initialMs)
        .set("startup.backoff.max.ms", maxMs)
        .build();
  }

  @Test
  void theBackoffDoublesUpToItsCapAndTheReasonSaysWhatIsAwaited() {
    WaitConfig config = config("500", "3000");
    DependencyWait wait = new DependencyWait(config, LoggerFactory.getLogger(getClass()));
    String what = DependencyWait.postgres(config);
    assertThat(what).isEqualTo("Postgres at db:6543/shop").doesNotContain("relay", "s3cret");
    SQLException refused = new SQLException("Connection to db:6543 refused", "08001");
    assertThat(wait.failed(what, refused)).isEqualTo(Duration.ofMillis(500));
    assertThat(wait.failed(what, refused)).isEqualTo(Duration.ofMillis(1000));
    assertThat(wait.failed(what, refused)).isEqualTo(Duration.ofMillis(2000));
    assertThat(wait.failed(what, refused)).isEqualTo(Duration.ofMillis(3000));
    assertThat(wait.failed(what, refused)).isEqualTo(Duration.ofMillis(3000));
    assertThat(wait.reason())
        .startsWith("waiting for Postgres at db:6543/shop (attempt 5, ")
        .endsWith("Connection to db:6543 refused");
    wait.reached();
    assertThat(wait.reason()).isEqualTo("starting");
  }

  @Test
  void onlyUnreachableOrStartingPostgresIsWorthWaitingFor() {
    assertThat(DependencyWait.isUnavailable(new SQLException("refused", "08001"))).isTrue();
    assertThat(DependencyWait.isUnavailable(new SQLException("starting up", "57P03"))).isTrue();
    assertThat(DependencyWait.isUnavailable(new SQLException("too many", "53300"))).isTrue();
    assertThat(
            DependencyWait.isUnavailable(
                new SQLException("wrapped", null, new ConnectException("refused"))))
        .isTrue();
    assertThat(DependencyWait.isUnavailable(new SQLException("bad password", "28P01"))).isFalse();
    assertThat(DependencyWait.isUnavailable(new SQLException("no database", "3D000"))).isFalse();
    assertThat(DependencyWait.isUnavailable(new IllegalStateException("bug"))).isFalse();
  }
}
