package dev.relaybox.console.internal;

import java.time.Instant;

/**
 * A browser session: its random id (the {@code rbx_session} cookie), who signed in (null before
 * sign-in), its CSRF token (a second random value every form carries back) and when it expires.
 */
public record Session(String id, String principal, String csrf, Instant expires) {

  /** Whether someone signed in. */
  public boolean signedIn() {
    return principal != null;
  }
}
