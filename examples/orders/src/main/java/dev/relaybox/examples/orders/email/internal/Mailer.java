package dev.relaybox.examples.orders.email.internal;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.SearchException;
import java.util.Properties;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * Sends a message at most once per Message-ID: before sending, asks the provider over IMAP whether
 * its Sent folder already holds that Message-ID (the answer survives a crash between SMTP accept
 * and our database commit). Keeps one IMAP connection (with the Sent folder selected) and one SMTP
 * connection open between calls, reconnecting after any failure. Not thread-safe: one thread at a
 * time uses it ({@link MailerPool} lends one to each event in flight).
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
  private IMAPFolder sent;
  private Transport transport;

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
    message.saveChanges();
    try {
      transport().sendMessage(message, message.getAllRecipients());
    } catch (MessagingException | RuntimeException e) {
      closeTransport();
      // The provider may have accepted the message before the connection failed: ask again, so
      // that the retry does not send it a second time.
      if (sentAfterAll(messageId, e)) {
        return Outcome.ALREADY_SENT;
      }
      throw e;
    }
    return Outcome.SENT;
  }

  private boolean sentAfterAll(String messageId, Exception failure) {
    try {
      return alreadySent(messageId);
    } catch (MessagingException | RuntimeException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  private Transport transport() throws MessagingException {
    if (transport == null || !transport.isConnected()) {
      closeTransport();
      Transport fresh = session.getTransport("smtp");
      if (settings.smtpAuth()) {
        fresh.connect(
            settings.smtpHost(), settings.smtpPort(), settings.user(), settings.password());
      } else {
        fresh.connect();
      }
      transport = fresh;
    }
    return transport;
  }

  private boolean alreadySent(String messageId) throws MessagingException {
    try {
      IMAPFolder folder = sentFolder();
      if (folder == null) {
        return false;
      }
      HeaderTerm term = new HeaderTerm("Message-ID", messageId);
      // The raw SEARCH answer: Folder.search drops matches whose sequence numbers the client has
      // not been told about yet (no EXISTS seen), which on a folder kept open would be exactly
      // the message we just sent.
      int[] matches =
          (int[])
              folder.doCommand(
                  protocol -> {
                    try {
                      return protocol.search(term);
                    } catch (SearchException e) {
                      throw new ProtocolException(e.getMessage(), e);
                    }
                  });
      return matches != null && matches.length > 0;
    } catch (MessagingException | RuntimeException e) {
      // Reconnect on the next call rather than reuse a connection in an unknown state.
      close();
      throw e;
    }
  }

  /** The Sent folder, kept open between calls; null while it does not exist. */
  private IMAPFolder sentFolder() throws MessagingException {
    if (sent == null || !sent.isOpen()) {
      IMAPFolder folder = (IMAPFolder) store().getFolder(settings.sentFolder());
      if (!folder.exists()) {
        return null;
      }
      folder.open(Folder.READ_ONLY);
      sent = folder;
    }
    return sent;
  }

  private Store store() throws MessagingException {
    if (store == null || !store.isConnected()) {
      Store fresh = session.getStore("imap");
      fresh.connect(settings.imapHost(), settings.imapPort(), settings.user(), settings.password());
      store = fresh;
    }
    return store;
  }

  /** Closes the IMAP and SMTP connections; the next call opens new ones. */
  @Override
  public void close() {
    closeTransport();
    sent = null;
    if (store != null) {
      try {
        store.close();
      } catch (MessagingException e) {
        // Already broken: nothing to release.
      }
      store = null;
    }
  }

  private void closeTransport() {
    if (transport != null) {
      try {
        transport.close();
      } catch (MessagingException e) {
        // Already broken: nothing to release.
      }
      transport = null;
    }
  }
}
