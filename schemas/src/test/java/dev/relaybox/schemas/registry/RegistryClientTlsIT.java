package dev.relaybox.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client over TLS with a caller's {@link SSLContext}, against an HTTPS server using the
 * self-signed test certificate {@code test-registry-tls.p12} (CN and SAN 127.0.0.1, password
 * changeit).
 */
class RegistryClientTlsIT {

  private static final char[] PASSWORD = "changeit".toCharArray();

  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private HttpsServer server;
  private KeyStore keyStore;

  @BeforeEach
  void start() throws Exception {
    keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = getClass().getResourceAsStream("/test-registry-tls.p12")) {
      keyStore.load(in, PASSWORD);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.createContext(
        "/",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = "[\"tls-value\"]".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void talksTlsWithTheGivenContextAndSendsBasicAuthInside() throws Exception {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keyStore);
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, trust.getTrustManagers(), null);

    SchemaRegistryClient client =
        SchemaRegistryClient.builder()
            .urls(url())
            .sslContext(clientContext)
            .basicAuthUserInfo("svc:pw")
            .build();

    assertThat(client.subjects()).containsExactly("tls-value");
    assertThat(authorizations).singleElement().asString().startsWith("Basic ");
  }

  @Test
  void anUntrustedCertificateFailsClearly() {
    SchemaRegistryClient client =
        SchemaRegistryClient.builder()
            .urls(url())
            .maxRetries(0)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(10))
            .build();

    assertThatThrownBy(client::subjects)
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("PKIX path building failed")
        .cause()
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(authorizations).isEmpty();
  }
}
