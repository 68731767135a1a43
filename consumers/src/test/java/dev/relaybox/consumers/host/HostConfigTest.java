package dev.relaybox.consumers.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.Setting;
import dev.relaybox.consumers.host.internal.DefaultServiceContext;
import dev.relaybox.consumers.saga.SagaDataCodec;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.outbox.Outbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class HostConfigTest {

  /** A second service, registered by code. */
  static class AuditService implements ConsumerService {
    static final Setting<String> URL = Setting.text("audit.url").doc("where audits go").build();

    @Override
    public String name() {
      return "audit";
    }

    @Override
    public List<Setting<?>> settings() {
      return List.of(URL);
    }

    @Override
    public void start(ServiceContext context) {}
  }

  private static HostConfig.Builder minimal(List<ConsumerService> services) {
    return HostConfig.builder(services)
        .set("kafka.bootstrap.servers", "k:9092")
        .set("schema.registry.url", "http://r:8081")
        .set("pg.database", "app")
        .set("pg.user", "app");
  }

  @Test
  void servicesAreFoundThroughTheServiceLoader() {
    assertThat(HostConfig.discover()).extracting(ConsumerService::name).contains("greeter");
    HostConfig config = minimal(HostConfig.discover()).set("greeter.table", "greetings").build();
    assertThat(config.services()).extracting(ConsumerService::name).containsExactly("greeter");
    assertThat(config.get(GreeterService.GREETING)).isEqualTo("hello");
    assertThat(config.value("greeter.group")).isEqualTo("greeter");
  }

  @Test
  void onlyEnabledServicesAreValidatedButEveryServicesKeysAreKnown() {
    List<ConsumerService> both = List.of(new GreeterService(), new AuditService());
    assertThatThrownBy(() -> minimal(both).build())
        .hasMessage(
            "consumers: property 'greeter.table' is required: set it in the file or as"
                + " RELAYBOX_GREETER_TABLE");
    HostConfig auditOnly =
        minimal(both)
            .set("services", "audit")
            .set("audit.url", "http://a")
            .set("greeter.greeting", "hi")
            .build();
    assertThat(auditOnly.services()).extracting(ConsumerService::name).containsExactly("audit");
  }

  @Test
  void unknownServicesAndMisspelledKeysAreNamed() {
    List<ConsumerService> greeter = List.of(new GreeterService());
    assertThatThrownBy(() -> minimal(greeter).set("services", "greeter,billing").build())
        .hasMessageContaining("names unknown service 'billing'; available: [greeter]");
    assertThatThrownBy(() -> minimal(greeter).set("greeter.greting", "hi").build())
        .hasMessageContaining(
            "unknown property 'greeter.greting'; did you mean 'greeter.greeting'?");
  }

  @Test
  void aServiceMayOnlyDeclareKeysUnderItsName() {
    ConsumerService sloppy =
        new AuditService() {
          @Override
          public List<Setting<?>> settings() {
            return List.of(Setting.text("url").build());
          }
        };
    assertThatThrownBy(() -> HostConfig.builder(List.of(sloppy)))
        .hasMessage(
            "service audit declares setting 'url': a service's keys must start with 'audit.'");
    assertThatThrownBy(() -> HostConfig.builder(List.of(new AuditService(), new AuditService())))
        .hasMessageContaining("two consumer services are named 'audit'");
  }

  @Test
  void theEnvironmentOverridesServiceKeysToo() {
    HostConfig config =
        minimal(List.of(new GreeterService()))
            .set("greeter.table", "t")
            .overrideFromEnvironment(
                Map.of("RELAYBOX_GREETER_GREETING", "hi", "RELAYBOX_PG_PASSWORD", "pw")::get)
            .build();
    assertThat(config.get(GreeterService.GREETING)).isEqualTo("hi");
    assertThat(config.get(CommonSettings.PG_PASSWORD)).isEqualTo("pw");
    assertThat(config.toString()).contains("pg.password=****").doesNotContain("pw,");
  }

  @Test
  void servicesGetSagasWithTheHostsSettingsAndMeters() {
    AuditService audit = new AuditService();
    HostConfig config =
        minimal(List.of(audit))
            .set("audit.url", "http://a")
            .set("saga.poll.interval.ms", "250")
            .build();
    assertThat(config.value("saga.stuck.after.ms")).isEqualTo("600000");
    assertThatThrownBy(
            () ->
                minimal(List.of(audit))
                    .set("audit.url", "http://a")
                    .set("saga.poll.interval.ms", "5")
                    .build())
        .hasMessageContaining("saga.poll.interval.ms");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ServiceContext context =
        new DefaultServiceContext(
            audit, config, new PGSimpleDataSource(), null, registry, new ArrayList<>(), r -> r);
    SagaDefinition<byte[]> one =
        SagaDefinition.builder("one", SagaDataCodec.bytes()).step("a").action(s -> {}).build();
    context
        .sagas()
        .outbox(Outbox.builder().serializer((t, d) -> new byte[0]).build())
        .saga(one)
        .build();
    assertThat(registry.find("relaybox.saga.stuck").tag("type", "one").gauge()).isNotNull();
  }

  @Test
  void theReadmeListsEveryHostSetting() throws Exception {
    String table = HostConfig.settings(List.of()).markdownTable();
    assertThat(Files.readString(Path.of("README.md")))
        .as("consumers/README.md must contain the generated table:%n%s", table)
        .contains(table);
  }
}
