package dev.relaybox.console.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may see and change what: sign-in with a bearer token or basic credentials (when configured;
 * otherwise the console is bound to loopback and everyone there is {@code local}), sessions in a
 * cookie, a CSRF token per session that every form must send back, the {@code Host} check that
 * keeps other web sites from reading a loopback console through DNS rebinding, and read-only mode.
 * Secrets are compared in constant time and never stored in sessions. Thread-safe.
 */
public final class Security {

  /** The session cookie. */
  public static final String COOKIE = "rbx_session";

  /** The form field that carries the session's CSRF token. */
  public static final String CSRF_FIELD = "csrf";

  private static final Duration SIGNED_IN_FOR = Duration.ofHours(12);
  private static final Duration ANONYMOUS_FOR = Duration.ofMinutes(30);
  private static final int MAX_SESSIONS = 10_000;
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final byte[] token;
  private final String user;
  private final byte[] password;
  private final boolean readOnly;

  /**
   * @param token the bearer token, or null
   * @param user the basic user, or null (then {@code password} is null too)
   */
  public Security(String token, String user, String password, boolean readOnly) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.user = user;
    this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    this.readOnly = readOnly;
  }

  /** Whether sign-in is required. */
  public boolean authenticationRequired() {
    return token != null || user != null;
  }

  /** Whether a token can sign in (else basic credentials). */
  public boolean acceptsToken() {
    return token != null;
  }

  /** Whether a user and password can sign in. */
  public boolean acceptsPassword() {
    return user != null;
  }

  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Whether the {@code Host} header names this console: without authentication, only a loopback
   * name, so that a page of another site whose name resolves to 127.0.0.1 gets nothing.
   */
  public boolean hostAllowed(String host) {
    if (authenticationRequired()) {
      return true;
    }
    if (host == null) {
      return false;
    }
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host;
    int colon = name.startsWith("[") ? -1 : name.lastIndexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    return LOOPBACK_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** The live session with this id, or null. */
  public Session session(String id) {
    if (id == null) {
      return null;
    }
    Session s = sessions.get(id);
    if (s != null && s.expires().isBefore(Instant.now())) {
      sessions.remove(id);
      return null;
    }
    return s;
  }

  /**
   * A new session; signed in as {@code principal} when it is not null (a new id on sign-in, so an
   * id planted before it is worth nothing).
   */
  public Session open(String principal) {
    purge();
    Instant expires = Instant.now().plus(principal == null ? ANONYMOUS_FOR : SIGNED_IN_FOR);
    Session s = new Session(randomId(), principal, randomId(), expires);
    sessions.put(s.id(), s);
    return s;
  }

  /** Ends a session. */
  public void close(Session session) {
    if (session != null) {
      sessions.remove(session.id());
    }
  }

  /**
   * Who the {@code Authorization} header authenticates, or null: {@code Bearer <token>} or {@code
   * Basic base64(user:password)}.
   */
  public String principal(String authorization) {
    if (authorization == null) {
      return null;
    }
    if (token != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return tokenMatches(authorization.substring(7).trim()) ? "token" : null;
    }
    if (user != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).trim()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      return colon > 0
              && credentialsMatch(decoded.substring(0, colon), decoded.substring(colon + 1))
          ? user
          : null;
    }
    return null;
  }

  /** Whether {@code candidate} is the token. */
  public boolean tokenMatches(String candidate) {
    return token != null
        && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code candidateUser} and {@code candidatePassword} are the basic credentials. */
  public boolean credentialsMatch(String candidateUser, String candidatePassword) {
    if (user == null) {
      return false;
    }
    boolean userOk =
        MessageDigest.isEqual(
            user.getBytes(StandardCharsets.UTF_8), candidateUser.getBytes(StandardCharsets.UTF_8));
    boolean passwordOk =
        MessageDigest.isEqual(password, candidatePassword.getBytes(StandardCharsets.UTF_8));
    return userOk & passwordOk;
  }

  /** Whether a form's CSRF field is the session's token. */
  public static boolean csrfMatches(Session session, String field) {
    return session != null
        && field != null
        && !field.isEmpty()
        && MessageDigest.isEqual(
            session.csrf().getBytes(StandardCharsets.UTF_8),
            field.getBytes(StandardCharsets.UTF_8));
  }

  /** The session cookie for {@code session}: HttpOnly, SameSite=Strict, the whole console. */
  public static String cookie(Session session) {
    return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict";
  }

  /** A cookie that ends the session in the browser. */
  public static String expiredCookie() {
    return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  }

  private String randomId() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private void purge() {
    if (sessions.size() < MAX_SESSIONS) {
      return;
    }
    Instant now = Instant.now();
    sessions.values().removeIf(s -> s.expires().isBefore(now));
    // Still full (someone opening sessions in a loop): the anonymous ones closest to expiry go.
    sessions.values().stream()
        .filter(s -> !s.signedIn())
        .sorted(Comparator.comparing(Session::expires))
        .limit(Math.max(0, sessions.size() - MAX_SESSIONS + 1))
        .forEach(s -> sessions.remove(s.id()));
  }
}
