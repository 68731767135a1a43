package dev.relaybox.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.relaybox.schemas.SampleEvents;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.EventDecodingException;
import dev.relaybox.schemas.serde.SchemaRegistryAccessException;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that are not a working registry: garbage answers, 5xx, a closed port,
 * and a server capturing what the client sends. These are local HTTP servers on purpose: they are
 * the failure cases themselves. Everything a registry must answer is tested against the real dev
 * registry in {@link SchemaRegistryClientIT}.
 */
class RegistryClientHttpIT {

  private static final Schema SCHEMA = SampleEvents.orderPlaced().getSchema();

  private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;

  /** A server answering every request with this status, content type and body. */
  private String serve(int status, String contentType, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
          exchange.getRequestBody().readAllBytes();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", contentType);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static SchemaRegistryClient client(String urls) {
    return SchemaRegistryClient.builder()
        .urls(urls)
        .maxRetries(2)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(50))
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Test
  void nonJsonSuccessBodyIsAGarbageResponseWithCode50005() throws IOException {
    String url = serve(200, "text/html", "<html><body>Welcome to nginx!</body></html>");

    assertThatThrownBy(() -> client(url).schemaById(1))
        .isInstanceOfSatisfying(
            MalformedRegistryResponseException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(50005);
              assertThat(e.httpStatus()).isEqualTo(200);
            })
        .hasMessageContaining("get schema id 1")
        .hasMessageContaining("not JSON")
        .hasMessageContaining("Welcome to nginx");
    assertThat(requests).hasValue(1);
  }

  @Test
  void nonJsonErrorBodyIsAGarbageResponseCarryingTheStatus() throws IOException {
    String url = serve(404, "text/plain", "no such page");

    assertThatThrownBy(() -> client(url).latestVersion("orders-value"))
        .isInstanceOfSatisfying(
            MalformedRegistryResponseException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(50005);
              assertThat(e.httpStatus()).isEqualTo(404);
            });
  }

  @Test
  void deserializerReportsGarbageAsARegistryFailureNamingTopicAndId() throws IOException {
    String url = serve(200, "text/html", "<html>oops</html>");
    AvroDeserializer deserializer = new AvroDeserializer(client(url), SerdeConfig.defaults());

    assertThatThrownBy(() -> deserializer.deserialize("orders", new byte[] {0, 0, 0, 0, 7, 2}))
        .isInstanceOfSatisfying(
            SchemaRegistryAccessException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(50005);
              assertThat(e.isRetriable()).isFalse();
            })
        .isNotInstanceOf(EventDecodingException.class)
        .hasMessageContaining("writer schema id 7 for value of topic 'orders'");
  }

  @Test
  void serverErrorsAreRetriedThenReportedAsUnavailableWithTheRegistryCode() throws IOException {
    String url =
        serve(500, "application/json", "{\"error_code\":50001,\"message\":\"store down\"}");

    assertThatThrownBy(() -> client(url).register("orders-value", SCHEMA))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e.httpStatus()).isEqualTo(500);
            })
        .hasMessageContaining("after 3 attempt(s)")
        .hasMessageContaining("store down");
    assertThat(requests).hasValue(3);
  }

  @Test
  void clientErrorsAreNotRetried() throws IOException {
    String url =
        serve(422, "application/json", "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

    assertThatThrownBy(() -> client(url).register("orders-value", SCHEMA))
        .isInstanceOfSatisfying(
            InvalidSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
    assertThat(requests).hasValue(1);
  }

  @Test
  void closedPortFailsAfterRetriesWithinABoundedTime() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long start = System.nanoTime();

    assertThatThrownBy(() -> client("http://127.0.0.1:" + closedPort).schemaById(1))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
              assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            })
        .hasMessageContaining("unavailable after 3 attempt(s)")
        .hasMessageContaining("127.0.0.1:" + closedPort);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aRegistryThatNeverAnswersTimesOutWithinTheRequestTimeout() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.start();
    SchemaRegistryClient client =
        SchemaRegistryClient.builder()
            .urls("http://127.0.0.1:" + server.getAddress().getPort())
            .requestTimeout(Duration.ofMillis(300))
            .maxRetries(1)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(10))
            .build();
    long start = System.nanoTime();
    try {
      assertThatThrownBy(() -> client.schemaById(1))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("HttpTimeoutException");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(requests).hasValue(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void failsOverToTheNextUrl() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = serve(200, "application/vnd.schemaregistry.v1+json", "[\"a-value\"]");

    assertThat(client("http://127.0.0.1:" + closedPort + "," + url).subjects())
        .containsExactly("a-value");
  }

  @Test
  void sendsBasicAuthAndTheRegistryContentTypeButNeverLeaksTheSecret() throws IOException {
    String url =
        serve(401, "application/json", "{\"error_code\":401,\"message\":\"Unauthorized\"}");
    SchemaRegistryClient client =
        SchemaRegistryClient.builder().urls(url).basicAuthUserInfo("relaybox:s3cr3t").build();

    assertThatThrownBy(() -> client.subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
        .hasMessageNotContaining("s3cr3t")
        .hasMessageContaining("Unauthorized");
    assertThat(client.toString()).doesNotContain("s3cr3t");
    Map<String, List<String>> headers = requestHeaders.get(0);
    assertThat(headers.get("Authorization"))
        .containsExactly(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("relaybox:s3cr3t".getBytes(StandardCharsets.UTF_8)));
    assertThat(headers.get("Content-type"))
        .containsExactly("application/vnd.schemaregistry.v1+json");
  }

  @Test
  void kafkaConfiguredSerdeSendsUserInfoCredentials() throws IOException {
    String url = serve(200, "application/json", "{\"schema\":" + quoted(SCHEMA.toString()) + "}");
    try (AvroDeserializer deserializer = new AvroDeserializer()) {
      deserializer.configure(
          Map.of(
              SerdeConfig.SCHEMA_REGISTRY_URL, url,
              SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
              SerdeConfig.BASIC_AUTH_USER_INFO, "svc:pw"),
          false);
      byte[] bytes =
          new dev.relaybox.schemas.serde.AvroSerializer(
                  new dev.relaybox.schemas.InMemoryRegistry(5), SerdeConfig.defaults())
              .serialize("orders", SampleEvents.orderPlaced());

      assertThat(deserializer.deserialize("orders", bytes)).isNotNull();
    }
    assertThat(requestHeaders.get(0).get("Authorization"))
        .containsExactly(
            "Basic "
                + Base64.getEncoder().encodeToString("svc:pw".getBytes(StandardCharsets.UTF_8)));
  }

  private static String quoted(String text) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
  }

  @Test
  void userInfoInTheUrlIsSentAsBasicAuth() throws IOException {
    String url = serve(200, "application/json", "[]");
    String withUser = url.replace("http://", "http://alice:pa%3Ass@");

    assertThat(client(withUser).subjects()).isEmpty();
    assertThat(requestHeaders.get(0).get("Authorization"))
        .containsExactly(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("alice:pa:ss".getBytes(StandardCharsets.UTF_8)));
  }
}
