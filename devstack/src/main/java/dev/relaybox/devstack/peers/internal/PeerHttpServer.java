package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.peers.Fault;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-over-HTTP peer on 127.0.0.1: routes, fault injection on API routes, request logging, and
 * the {@code /_faults} endpoints.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: a fake peer needs nothing but full control
 * of status codes, headers and response timing, and this keeps devstack free of a web framework.
 * Handlers run on a cached thread pool so that a slow response never blocks other requests.
 */
public final class PeerHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerHttpServer.class);

  static {
    // The JDK server writes the headers and the body of a response in two packets; with Nagle's
    // algorithm on, the body then waits for the client's delayed ACK: ~45 ms per request instead
    // of ~3 ms on loopback. The server reads this property once, when the first server of the JVM
    // is created, so it is set here unless the application chose a value.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Handles one request; throws {@link HttpProblem} to refuse it. */
  @FunctionalInterface
  public interface Handler {
    PeerResponse handle(PeerRequest request);
  }

  /**
   * A route; {@code pathTemplate} segments like {@code {id}} capture path parameters.
   *
   * @param faultable whether the current {@link Fault} applies (API routes, not test endpoints)
   */
  public record Route(String method, String pathTemplate, boolean faultable, Handler handler) {}

  private record Match(Route route, Map<String, String> pathParams) {}

  private final String peer;
  private final String host;
  private final HttpServer server;
  private final ExecutorService executor;
  private final FaultSwitch faults;
  private final List<Route> routes;

  private PeerHttpServer(
      String peer, String host, HttpServer server, ExecutorService executor, List<Route> api) {
    this.peer = peer;
    this.host = host;
    this.server = server;
    this.executor = executor;
    this.faults = new FaultSwitch(peer);
    List<Route> all = new ArrayList<>(api);
    all.add(new Route("GET", "/_faults", false, request -> faultResponse()));
    all.add(new Route("POST", "/_faults", false, this::setFault));
    this.routes = List.copyOf(all);
  }

  /**
   * Binds {@code host:port} ({@code 0} = a free port) and starts serving.
   *
   * @throws DevStackException when the port cannot be bound
   */
  public static PeerHttpServer start(String peer, String host, int port, List<Route> routes) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
    } catch (IOException e) {
      throw new DevStackException(
          "peer " + peer + ": cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, peer + "-http-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    PeerHttpServer peerServer = new PeerHttpServer(peer, host, server, executor, routes);
    server.createContext("/", peerServer::exchange);
    server.setExecutor(executor);
    server.start();
    LOG.info("peer={} url={} started", peer, peerServer.url());
    return peerServer;
  }

  public String url() {
    return "http://" + host + ":" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public FaultSwitch faults() {
    return faults;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      PeerResponse response;
      try {
        PeerRequest request =
            new PeerRequest(
                method,
                path,
                Map.of(),
                query(exchange.getRequestURI().getRawQuery()),
                key,
                exchange.getRequestBody().readAllBytes());
        response = dispatch(request);
      } catch (HttpProblem problem) {
        response = problem.toResponse();
      } catch (RuntimeException e) {
        LOG.warn("peer={} method={} path={} failed", peer, method, path, e);
        response = PeerResponse.error(500, "internal_error", String.valueOf(e.getMessage()));
      }
      byte[] body = Json.MAPPER.writeValueAsBytes(response.body());
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      response.headers().forEach(exchange.getResponseHeaders()::set);
      exchange.sendResponseHeaders(response.status(), body.length);
      exchange.getResponseBody().write(body);
      LOG.debug(
          "peer={} method={} path={} idempotencyKey={} status={} replayed={}",
          peer,
          method,
          path,
          key,
          response.status(),
          response.headers().containsKey(IdempotentResponses.REPLAYED_HEADER));
    }
  }

  private PeerResponse dispatch(PeerRequest request) {
    Match match = match(request.method(), request.path());
    PeerRequest routed =
        new PeerRequest(
            request.method(),
            request.path(),
            match.pathParams(),
            request.query(),
            request.idempotencyKey(),
            request.body());
    if (!match.route().faultable()) {
      return match.route().handler().handle(routed);
    }
    Fault fault = faults.draw();
    switch (fault.mode()) {
      case CRASH:
        LOG.info("peer={} path={} fault=crash status=500 effect=none", peer, request.path());
        return PeerResponse.error(500, "injected_crash", "the peer crashed (injected fault)");
      case THROTTLE:
        LOG.info("peer={} path={} fault=throttle status=429 effect=none", peer, request.path());
        return PeerResponse.error(429, "rate_limited", "too many requests (injected fault)")
            .withHeader("Retry-After", Integer.toString(fault.retryAfterSeconds()));
      case SLOW:
        PeerResponse response = match.route().handler().handle(routed);
        LOG.info(
            "peer={} path={} fault=slow delayMs={} effect=applied",
            peer,
            request.path(),
            fault.delay().toMillis());
        pause(fault.delay());
        return response;
      default:
        return match.route().handler().handle(routed);
    }
  }

  private Match match(String method, String path) {
    boolean pathKnown = false;
    for (Route route : routes) {
      Map<String, String> params = pathParams(route.pathTemplate(), path);
      if (params != null) {
        pathKnown = true;
        if (route.method().equals(method)) {
          return new Match(route, params);
        }
      }
    }
    if (pathKnown) {
      throw new HttpProblem(405, "method_not_allowed", method + " is not allowed on " + path);
    }
    throw new HttpProblem(404, "not_found", "no route for " + method + " " + path);
  }

  private static Map<String, String> pathParams(String template, String path) {
    String[] expected = template.split("/");
    String[] actual = path.split("/");
    if (expected.length != actual.length) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < expected.length; i++) {
      if (expected[i].startsWith("{") && expected[i].endsWith("}")) {
        params.put(expected[i].substring(1, expected[i].length() - 1), actual[i]);
      } else if (!expected[i].equals(actual[i])) {
        return null;
      }
    }
    return params;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      query.putIfAbsent(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private static void pause(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      // The server is closing: answer at once.
      Thread.currentThread().interrupt();
    }
  }

  private PeerResponse faultResponse() {
    Fault fault = faults.current();
    ObjectNode body =
        Json.object()
            .put("mode", fault.mode().wireName())
            .put("delayMs", fault.delay().toMillis())
            .put("failRate", fault.failRate())
            .put("retryAfterSeconds", fault.retryAfterSeconds());
    faults
        .remaining()
        .ifPresentOrElse(
            left -> body.put("remainingMs", Math.max(0, left.toMillis())),
            () -> body.putNull("remainingMs"));
    return PeerResponse.json(200, body);
  }

  private PeerResponse setFault(PeerRequest request) {
    JsonNode body = request.jsonObject();
    try {
      Fault.Mode mode = Fault.Mode.fromWireName(Json.requiredText(body, "mode"));
      Fault fault =
          new Fault(
              mode,
              Duration.ofMillis(body.has("delayMs") ? Json.requiredLong(body, "delayMs", 0) : 0),
              body.has("failRate") ? number(body, "failRate") : 1,
              body.has("retryAfterSeconds")
                  ? Math.toIntExact(Json.requiredLong(body, "retryAfterSeconds", 0))
                  : 1,
              body.has("durationMs")
                  ? Duration.ofMillis(Json.requiredLong(body, "durationMs", 1))
                  : null);
      faults.set(fault);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw Json.invalid(e.getMessage());
    }
    return faultResponse();
  }

  private static double number(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (!value.isNumber()) {
      throw Json.invalid(field + " must be a number");
    }
    return value.asDouble();
  }
}
