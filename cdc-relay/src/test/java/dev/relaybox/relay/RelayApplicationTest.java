package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayApplicationTest {

  @Test
  void loadsThePropertiesFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("relay.properties");
    Files.writeString(
        file, "pg.database=app\npg.user=relay\nkafka.bootstrap.servers=k:9092\nslot.name=s1\n");
    RelayConfig config = RelayApplication.load(new String[] {"--config", file.toString()});
    assertThat(config.slotName()).isEqualTo("s1");
    assertThat(RelayApplication.load(new String[] {"--config=" + file}).slotName()).isEqualTo("s1");
  }

  @Test
  void rejectsUnknownArgumentsAndExitsWithTwoOnBadConfiguration(@TempDir Path dir)
      throws Exception {
    assertThatThrownBy(() -> RelayApplication.load(new String[] {"--conf", "x"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown argument '--conf'");
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "pg.port=not-a-port\n");
    assertThat(RelayApplication.run(new String[] {"--config", file.toString()})).isEqualTo(2);
  }
}
