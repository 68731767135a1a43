package dev.relaybox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecurityTest {

  @Test
  void withoutSignInOnlyLoopbackHostNamesAreServed() {
    Security open = new Security(null, null, null, false);
    assertThat(open.hostAllowed("127.0.0.1:8085")).isTrue();
    assertThat(open.hostAllowed("localhost:8085")).isTrue();
    assertThat(open.hostAllowed("[::1]:8085")).isTrue();
    assertThat(open.hostAllowed("evil.example:8085")).isFalse();
    assertThat(open.hostAllowed("127.0.0.1.evil.example")).isFalse();
    assertThat(open.hostAllowed(null)).isFalse();
    assertThat(new Security("t".repeat(16), null, null, false).hostAllowed("console.internal"))
        .isTrue();
  }

  @Test
  void bearerAndBasicCredentialsAuthenticate() {
    Security s = new Security("token-0123456789ab", "ops", "pw", false);
    assertThat(s.principal("Bearer token-0123456789ab")).isEqualTo("token");
    assertThat(s.principal("Bearer token-0123456789ac")).isNull();
    String basic = Base64.getEncoder().encodeToString("ops:pw".getBytes(StandardCharsets.UTF_8));
    assertThat(s.principal("Basic " + basic)).isEqualTo("ops");
    String wrong = Base64.getEncoder().encodeToString("ops:nope".getBytes(StandardCharsets.UTF_8));
    assertThat(s.principal("Basic " + wrong)).isNull();
    assertThat(s.principal("Basic !!!")).isNull();
    assertThat(s.principal(null)).isNull();
  }

  @Test
  void aSessionsCsrfTokenIsRandomAndChecked() {
    Security s = new Security(null, null, null, false);
    Session a = s.open("local");
    Session b = s.open("local");
    assertThat(a.csrf()).isNotEqualTo(b.csrf()).hasSizeGreaterThan(40);
    assertThat(Security.csrfMatches(a, a.csrf())).isTrue();
    assertThat(Security.csrfMatches(a, b.csrf())).isFalse();
    assertThat(Security.csrfMatches(a, "")).isFalse();
    assertThat(Security.csrfMatches(null, a.csrf())).isFalse();
    assertThat(s.session(a.id())).isEqualTo(a);
    s.close(a);
    assertThat(s.session(a.id())).isNull();
    assertThat(Security.cookie(b)).contains("HttpOnly", "SameSite=Strict");
  }
}
