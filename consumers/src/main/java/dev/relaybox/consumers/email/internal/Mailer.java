package dev.relaybox.consumers.email.internal;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.util.Properties;

/**
 * Sends a message at most once per Message-ID: before sending, asks the provider over IMAP whether
 * its Sent folder already holds that Message-ID (the answer survives a crash between SMTP accept
 * and our database commit). Keeps one IMAP connection open between calls. Not thread-safe: used by
 * the runner's poll thread only.
 */
public final class Mailer implements AutoCloseable {

  /** What {@link #sendOnce} did. */
  public enum Outcome {
    SENT,
    ALREADY_SENT
  }

  /** Where and how to reach the provider. Secrets are never logged. */
  public record Settings(
      String smtpHost,
      int smtpPort,
      boolean smtpAuth,
      String imapHost,
      int imapPort,
      String user,
      String password,
      String from,
      String sentFolder,
      long timeoutMillis) {}

  private final Settings settings;
  private final Session session;
  private Store store;

  public Mailer(Settings settings) {
    this.settings = settings;
    Properties props = new Properties();
    String timeout = Long.toString(settings.timeoutMillis());
    props.put("mail.smtp.host", settings.smtpHost());
    props.put("mail.smtp.port", Integer.toString(settings.smtpPort()));
    props.put("mail.smtp.auth", Boolean.toString(settings.smtpAuth()));
    props.put("mail.smtp.connectiontimeout", timeout);
    props.put("mail.smtp.timeout", timeout);
    props.put("mail.smtp.writetimeout", timeout);
    props.put("mail.imap.host", settings.imapHost());
    props.put("mail.imap.port", Integer.toString(settings.imapPort()));
    props.put("mail.imap.connectiontimeout", timeout);
    props.put("mail.imap.timeout", timeout);
    this.session = Session.getInstance(props);
  }

  /**
   * Sends the message unless the Sent folder already holds {@code messageId}.
   *
   * @param messageId with angle brackets, e.g. {@code <uuid@relaybox>}
   * @throws MessagingException when the provider cannot be reached or refuses the message
   */
  public Outcome sendOnce(String messageId, String to, String subject, String body)
      throws MessagingException {
    if (alreadySent(messageId)) {
      return Outcome.ALREADY_SENT;
    }
    MimeMessage message =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            // Deterministic, so that the provider can be asked about it after a crash.
            setHeader("Message-ID", messageId);
          }
        };
    message.setFrom(new InternetAddress(settings.from()));
    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
    message.setSubject(subject, "UTF-8");
    message.setText(body, "UTF-8");
    if (settings.smtpAuth()) {
      Transport.send(message, settings.user(), settings.password());
    } else {
      Transport.send(message);
    }
    return Outcome.SENT;
  }

  private boolean alreadySent(String messageId) throws MessagingException {
    try {
      Folder folder = store().getFolder(settings.sentFolder());
      if (!folder.exists()) {
        return false;
      }
      folder.open(Folder.READ_ONLY);
      try {
        return folder.search(new HeaderTerm("Message-ID", messageId)).length > 0;
      } finally {
        folder.close(false);
      }
    } catch (MessagingException | RuntimeException e) {
      // Reconnect on the next call rather than reuse a connection in an unknown state.
      close();
      throw e;
    }
  }

  private Store store() throws MessagingException {
    if (store == null || !store.isConnected()) {
      Store fresh = session.getStore("imap");
      fresh.connect(settings.imapHost(), settings.imapPort(), settings.user(), settings.password());
      store = fresh;
    }
    return store;
  }

  /** Closes the IMAP connection; the next call opens a new one. */
  @Override
  public void close() {
    if (store != null) {
      try {
        store.close();
      } catch (MessagingException e) {
        // Already broken: nothing to release.
      }
      store = null;
    }
  }
}
