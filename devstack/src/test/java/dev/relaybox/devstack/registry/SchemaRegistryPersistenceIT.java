package dev.relaybox.devstack.registry;

import static dev.relaybox.devstack.registry.RegistryHttp.JSON;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_AGE_DEFAULT;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_AGE_STRING;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_V1;
import static dev.relaybox.devstack.registry.RegistryHttp.assertError;
import static dev.relaybox.devstack.registry.RegistryHttp.assertJson;
import static dev.relaybox.devstack.registry.RegistryHttp.canonical;
import static dev.relaybox.devstack.registry.RegistryHttp.subjectSchema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dev registry's state on disk: kept across restarts, written before each response, safe under
 * concurrent registrations.
 */
class SchemaRegistryPersistenceIT extends RegistryServerFixture {

  @Test
  void stateSurvivesARestartOnTheSameDirectoryAndPort() throws Exception {
    registry.register(subject, USER_V1);
    registry.register(subject, USER_AGE_DEFAULT);
    registry.register(subject + "-b", USER_V1);
    registry.send("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}");
    registry.send("DELETE", "/subjects/" + subject + "-b/versions/1", null);
    String url = server.url();
    restartOnSameDirectoryAndPort();
    assertThat(server.url()).isEqualTo(url);
    assertJson(registry.get("/subjects/" + subject + "/versions"), 200, "[1,2]");
    assertJson(
        registry.get("/subjects/" + subject + "/versions/latest"),
        200,
        subjectSchema(subject, 2, 2, USER_AGE_DEFAULT));
    assertJson(registry.get("/config/" + subject), 200, "{\"compatibilityLevel\":\"FULL\"}");
    assertError(registry.get("/subjects/" + subject + "-b/versions"), 404, 40401, null);
    assertJson(registry.get("/subjects/" + subject + "-b/versions?deleted=true"), 200, "[1]");
    assertJson(registry.register(subject + "-c", USER_AGE_STRING), 200, "{\"id\":3}");
    assertJson(registry.register(subject + "-d", USER_V1), 200, "{\"id\":1}");
  }

  @Test
  void aStateWithEmptyCollectionsReloads() throws Exception {
    registry.send("PUT", "/config", "{\"compatibility\":\"FULL\"}");
    restartOnSameDirectoryAndPort();
    assertJson(registry.get("/config"), 200, "{\"compatibilityLevel\":\"FULL\"}");
    assertJson(registry.get("/subjects"), 200, "[]");

    registry.register(subject, USER_V1);
    registry.send("DELETE", "/subjects/" + subject, null);
    registry.send("DELETE", "/subjects/" + subject + "?permanent=true", null);
    restartOnSameDirectoryAndPort();
    assertJson(registry.get("/subjects?deleted=true"), 200, "[]");
    assertJson(
        registry.get("/schemas/ids/1"),
        200,
        "{\"schema\":" + JSON.writeValueAsString(canonical(USER_V1)) + "}");
    assertJson(registry.register(subject, USER_AGE_DEFAULT), 200, "{\"id\":2}");
  }

  @Test
  void everyChangeIsOnDiskBeforeTheResponse() throws Exception {
    registry.register(subject, USER_V1);
    registry.send("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");
    // A second server reading the same directory while the first still runs (nothing closed,
    // nothing flushed at shutdown) sees every answered change.
    try (SchemaRegistryServer reader = SchemaRegistryServer.start(storage, 0)) {
      SchemaRegistryServer writer = server;
      server = reader;
      try {
        assertJson(registry.get("/subjects/" + subject + "/versions"), 200, "[1]");
        assertJson(registry.get("/config/" + subject), 200, "{\"compatibilityLevel\":\"NONE\"}");
      } finally {
        server = writer;
      }
    }
    assertThat(storage.resolve("schema-registry.json")).isRegularFile();
    assertThat(storage.resolve("schema-registry.json.tmp")).doesNotExist();
  }

  @Test
  void concurrentRegistrationsGetOneIdPerSchemaAndOneVersionPerSubject() throws Exception {
    int schemas = 10;
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  List<Integer> ids = new ArrayList<>();
                  for (int i = 0; i < schemas; i++) {
                    String schema = "{\"type\":\"fixed\",\"name\":\"F" + i + "\",\"size\":4}";
                    ids.add(registry.register(subject + "-" + i, schema).json().get("id").asInt());
                  }
                  return ids;
                }));
      }
      List<Integer> first = results.get(0).get(30, TimeUnit.SECONDS);
      assertThat(first).doesNotHaveDuplicates().allMatch(id -> id >= 1 && id <= schemas);
      for (Future<List<Integer>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < schemas; i++) {
      assertJson(registry.get("/subjects/" + subject + "-" + i + "/versions"), 200, "[1]");
    }
  }

  @Test
  void startFailsClearlyOnATakenPortOrAnUnreadableState() throws Exception {
    assertThatThrownBy(() -> SchemaRegistryServer.start(storage, server.port()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("127.0.0.1:" + server.port());
    assertThatThrownBy(() -> SchemaRegistryServer.start(storage, 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");

    Path broken = storage.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("schema-registry.json"), "{not json");
    assertThatThrownBy(() -> SchemaRegistryServer.start(broken, 0))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(broken.toString());
  }
}
