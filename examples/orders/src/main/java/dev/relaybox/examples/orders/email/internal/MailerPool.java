package dev.relaybox.examples.orders.email.internal;

import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Lends each send a {@link Mailer} of its own, so that emails of different orders go out at once
 * (the runner handles up to {@code maxInFlight} events concurrently). Idle mailers keep their IMAP
 * and SMTP connections open for the next send; there are never more than sends in flight.
 * Thread-safe.
 */
public final class MailerPool implements AutoCloseable {

  private final Mailer.Settings settings;
  private final ConcurrentLinkedDeque<Mailer> idle = new ConcurrentLinkedDeque<>();
  private final List<Mailer> all = new ArrayList<>();
  private boolean closed;

  public MailerPool(Mailer.Settings settings) {
    this.settings = settings;
  }

  /** {@link Mailer#sendOnce} on an idle mailer, or a new one. */
  public Mailer.Outcome sendOnce(String messageId, String to, String subject, String body)
      throws MessagingException {
    Mailer mailer = borrow();
    try {
      return mailer.sendOnce(messageId, to, subject, body);
    } finally {
      idle.push(mailer);
    }
  }

  private Mailer borrow() {
    Mailer mailer = idle.poll();
    if (mailer != null) {
      return mailer;
    }
    synchronized (all) {
      if (closed) {
        throw new IllegalStateException("the email service is closed");
      }
      mailer = new Mailer(settings);
      all.add(mailer);
      return mailer;
    }
  }

  /** Closes every mailer's connections. */
  @Override
  public void close() {
    synchronized (all) {
      closed = true;
      all.forEach(Mailer::close);
    }
  }
}
