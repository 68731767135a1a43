package dev.relaybox.consumers.bench;

import com.sun.net.httpserver.HttpServer;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A third party for benchmarks: an HTTP endpoint on {@code 127.0.0.1} (a free port) that reads a
 * {@code POST} and answers 200 after {@code latencyMillis} (scheduled, so a slow answer holds no
 * thread), and the two-phase handler that calls it: {@code call} posts the event id over the JDK's
 * HTTP client, {@code record} runs the given handler in the transaction. So a handler pays a real
 * HTTP round trip's CPU on both ends and a third party's latency, as the demo's payment, email and
 * warehouse handlers do.
 */
final class ThirdPartyStub implements AutoCloseable {
  private final HttpServer server;
  private final ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  ThirdPartyStub(long latencyMillis) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a third-party stub on 127.0.0.1", e);
    }
    server.createContext(
        "/effect",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          answers.schedule(
              () -> {
                try {
                  exchange.sendResponseHeaders(200, -1);
                } catch (IOException e) {
                  // The caller gave up; its handler fails and the runner retries the event.
                } finally {
                  exchange.close();
                }
              },
              latencyMillis,
              TimeUnit.MILLISECONDS);
        });
    server.start();
  }

  /** A handler that calls this third party with the event id, then runs {@code record}. */
  TwoPhaseEventHandler<Integer> handler(EventHandler record) {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/effect");
    return new TwoPhaseEventHandler<>() {
      @Override
      public Integer call(ConsumedEvent event) throws Exception {
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(event.eventId().toString()))
                .build();
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
          throw new IllegalStateException("the third-party stub answered " + status);
        }
        return status;
      }

      @Override
      public void record(ConsumedEvent event, Integer status, Connection tx) throws Exception {
        record.handle(event, tx);
      }
    };
  }

  @Override
  public void close() {
    server.stop(0);
    answers.shutdownNow();
  }
}
