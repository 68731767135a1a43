package dev.relaybox.console.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP server (JDK {@code HttpServer}, a few threads): routes, static files, and the
 * checks every request passes before a page sees it, in this order: the {@code Host} header,
 * sign-in (or a redirect to it), and for every POST the {@code Origin}, the session's CSRF field
 * and read-only mode. Every response carries a strict Content-Security-Policy (no inline script or
 * style) and is never cached.
 */
public final class Web implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Web.class);

  /** Form bodies larger than this are refused: no form of the console comes near it. */
  private static final int MAX_BODY = 64 * 1024;

  private static final Pattern STATIC = Pattern.compile("/static/([a-z0-9-]+\\.(css|js|svg))");

  private static final String CSP =
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /** Handles one routed request. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final Security security;
  private final List<Route> routes = new ArrayList<>();
  private final ExecutorService executor;
  private HttpServer server;

  public Web(Security security) {
    this.security = security;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "relaybox-console-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Routes GET requests whose raw path matches {@code regex} (named groups become segments). */
  public Web get(String regex, Handler handler) {
    routes.add(new Route("GET", Pattern.compile(regex), handler));
    return this;
  }

  /** Routes POST requests; they arrive only with a valid CSRF field and outside read-only mode. */
  public Web post(String regex, Handler handler) {
    routes.add(new Route("POST", Pattern.compile(regex), handler));
    return this;
  }

  /** Starts serving on {@code host:port} (0: a free port). */
  public void start(String host, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Response response;
    String setCookie = null;
    try {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (!security.hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
        response = Response.text(403, "this console answers to 127.0.0.1 and localhost only");
      } else if (path.startsWith("/static/")) {
        response = staticFile(path);
      } else if (!method.equals("GET") && !method.equals("POST")) {
        response = Response.text(405, "GET or POST only");
      } else {
        String body = method.equals("POST") ? readForm(exchange) : null;
        Request request = new Request(exchange, path, exchange.getRequestURI().getRawQuery(), body);
        Session session = security.session(cookie(exchange));
        if (session == null || (security.authenticationRequired() && !session.signedIn())) {
          String principal =
              security.authenticationRequired()
                  ? security.principal(exchange.getRequestHeaders().getFirst("Authorization"))
                  : "local";
          if (principal != null || session == null) {
            session = security.open(principal);
            setCookie = Security.cookie(session);
          }
        }
        request.session(session);
        response = route(request, body == null);
      }
    } catch (BadRequest e) {
      response = Pages.error(e.status(), e.getMessage());
    } catch (java.sql.SQLException e) {
      log.warn("console page failed path={}: {}", exchange.getRequestURI().getPath(), e.toString());
      response =
          Pages.error(
              503, "The database did not answer: " + e.getMessage() + ". Try again in a moment.");
    } catch (Exception e) {
      log.error("console page failed path={}: {}", exchange.getRequestURI().getPath(), e, e);
      response =
          Pages.error(500, "The page failed: " + e.getMessage() + ". The console log has details.");
    }
    if (setCookie != null) {
      response = response.with("Set-Cookie", setCookie);
    }
    send(exchange, response);
  }

  private Response route(Request request, boolean isGet) throws Exception {
    boolean signIn = request.path().equals("/login");
    if (security.authenticationRequired() && !request.session().signedIn() && !signIn) {
      if (isGet) {
        String next = request.path();
        return Response.redirect(Html.url("/login", java.util.Map.of("next", next)));
      }
      return Response.text(401, "sign in first: Authorization: Bearer <token>, or the /login page")
          .with("WWW-Authenticate", "Bearer realm=\"relaybox console\"");
    }
    if (!isGet) {
      String origin = request.header("Origin");
      String host = request.header("Host");
      if (origin != null
          && !origin.equals("null")
          && !origin.equals("http://" + host)
          && !origin.equals("https://" + host)) {
        return Pages.error(403, "Refused: the form came from another site (" + origin + ").");
      }
      if (security.readOnly() && !signIn && !request.path().equals("/logout")) {
        return Pages.error(403, "Refused: this console is read-only.");
      }
      if (!Security.csrfMatches(request.session(), request.form(Security.CSRF_FIELD))) {
        return Pages.error(
            403,
            "Refused: the form's CSRF field is missing or belongs to another session. Reload the"
                + " page and try again.");
      }
    }
    for (Route route : routes) {
      if (!route.method().equals(request.method())) {
        continue;
      }
      Matcher m = route.path().matcher(request.path());
      if (m.matches()) {
        request.pathMatch(m);
        return route.handler().handle(request);
      }
    }
    return Pages.error(404, "No such page: " + request.path());
  }

  private static String cookie(HttpExchange exchange) {
    for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(Security.COOKIE + "=")) {
          return p.substring(Security.COOKIE.length() + 1);
        }
      }
    }
    return null;
  }

  private static String readForm(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.startsWith("application/x-www-form-urlencoded")) {
      throw new BadRequest(415, "Forms only: application/x-www-form-urlencoded.");
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new BadRequest(413, "The form is too large.");
      }
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static Response staticFile(String path) throws IOException {
    Matcher m = STATIC.matcher(path);
    if (!m.matches()) {
      return Response.text(404, "no such file");
    }
    try (InputStream in =
        Web.class.getResourceAsStream("/dev/relaybox/console/static/" + m.group(1))) {
      if (in == null) {
        return Response.text(404, "no such file");
      }
      String type =
          switch (m.group(2)) {
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            default -> "image/svg+xml";
          };
      return new Response(200, type, in.readAllBytes(), List.of());
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    try (exchange) {
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", response.contentType());
      headers.set("Content-Security-Policy", CSP);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("X-Frame-Options", "DENY");
      headers.set("Referrer-Policy", "same-origin");
      headers.set("Cache-Control", "no-store");
      for (String[] h : response.headers()) {
        headers.add(h[0], h[1]);
      }
      byte[] body = response.body();
      boolean empty = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(response.status(), empty ? -1 : body.length);
      if (!empty) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }

  /** A request the console refuses before routing it, with its HTTP status. */
  public static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
