package dev.relaybox.examples.orders.email.internal;

import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

/**
 * Lends each send a {@link Mailer} of its own, so that emails of different orders go out at once
 * (the runner handles many events concurrently), with at most {@code connections} mailers (each an
 * IMAP and an SMTP connection) in use: further sends wait for one, as mail providers limit
 * concurrent connections. Idle mailers keep their connections open for the next send. Thread-safe.
 */
public final class MailerPool implements AutoCloseable {

  private final Mailer.Settings settings;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Mailer> idle = new ConcurrentLinkedDeque<>();
  private final List<Mailer> all = new ArrayList<>();
  private boolean closed;

  public MailerPool(Mailer.Settings settings, int connections) {
    this.settings = settings;
    this.permits = new Semaphore(connections, true);
  }

  /** {@link Mailer#sendOnce} on an idle mailer, or a new one, waiting for a free connection. */
  public Mailer.Outcome sendOnce(String messageId, String to, String subject, String body)
      throws MessagingException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MessagingException("interrupted while waiting for a mail connection", e);
    }
    try {
      Mailer mailer = borrow();
      try {
        return mailer.sendOnce(messageId, to, subject, body);
      } finally {
        idle.push(mailer);
      }
    } finally {
      permits.release();
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
