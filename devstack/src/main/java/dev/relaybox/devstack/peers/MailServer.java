package dev.relaybox.devstack.peers;

import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.peers.internal.SentCopies;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GreenMail mail server with SMTP and IMAP on {@code 127.0.0.1}: the source of truth for "how
 * many times was this e-mail sent".
 *
 * <p>Every message accepted over SMTP is delivered to its envelope recipients (accounts are created
 * on first delivery, login and password = the address) and, once, as a copy into the {@value
 * #SENT_FOLDER} folder of the sender account ({@link #senderUser()} / {@link #senderPassword()}),
 * as a mail provider files a sent copy. The sender can thus ask the server whether it already sent
 * a message: log in over IMAP, open {@value #SENT_FOLDER} and {@code SEARCH HEADER Message-ID
 * "<id>"} (Jakarta Mail: {@code folder.search(new HeaderTerm("Message-ID", id))}; keep the angle
 * brackets, IMAP header search matches substrings).
 *
 * <p>No authentication is needed to send over SMTP. {@link #refuseSmtp()} stops the SMTP listener
 * (connections are refused) until {@link #acceptSmtp()}; IMAP stays up. Thread-safe.
 */
public final class MailServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MailServer.class);

  /** The default sender account. */
  public static final String DEFAULT_SENDER = "orders@relaybox.test";

  /** The folder of the sender account that receives a copy of every message sent. */
  public static final String SENT_FOLDER = "Sent";

  private static final long STARTUP_TIMEOUT_MS = 10_000;

  /**
   * GreenMail's server and connection threads: servers are created on a thread of this group, and
   * their connection threads inherit it. A connection thread that dies (a client SIGKILLed mid-
   * session, GreenMail's own IMAP races) is logged here instead of reaching the JVM's default
   * handler, where a test's Awaitility wait would report it as the test's failure.
   */
  private static final ThreadGroup THREADS =
      new ThreadGroup("relaybox-mail") {
        @Override
        public void uncaughtException(Thread thread, Throwable error) {
          LOG.warn("peer=mail thread={} ended by {}", thread.getName(), String.valueOf(error));
        }
      };

  /**
   * One message accepted over SMTP.
   *
   * @param messageId the {@code Message-ID} header, with its angle brackets; null when absent
   * @param from the {@code From} header addresses joined with ", "; null when absent
   * @param to the envelope recipients (To, Cc and Bcc), lower-case
   * @param body the text of the first {@code text/*} part
   */
  public record Email(
      String messageId,
      String from,
      List<String> to,
      String subject,
      String body,
      Instant receivedAt) {

    public Email {
      to = List.copyOf(to);
    }
  }

  private final GreenMail greenMail;
  private final String host;
  private final SentCopies sentCopies;
  private final String senderUser;
  private final String senderPassword;
  private final int smtpPort;
  private SmtpServer smtp;

  private MailServer(
      GreenMail greenMail,
      String host,
      SentCopies sentCopies,
      String senderUser,
      String senderPassword,
      SmtpServer smtp) {
    this.greenMail = greenMail;
    this.host = host;
    this.sentCopies = sentCopies;
    this.senderUser = senderUser;
    this.senderPassword = senderPassword;
    this.smtp = smtp;
    this.smtpPort = smtp.getPort();
  }

  /**
   * Starts on free ports with the {@link #DEFAULT_SENDER} account and a random password.
   *
   * @throws DevStackException when a server does not come up
   */
  public static MailServer start() {
    return start(0, 0, DEFAULT_SENDER, UUID.randomUUID().toString());
  }

  /**
   * Starts SMTP and IMAP.
   *
   * @param smtpPort the SMTP port, {@code 0} for a free one
   * @param imapPort the IMAP port, {@code 0} for a free one
   * @param senderAddress the sender account's address, also its IMAP login
   * @param senderPassword its IMAP password
   * @throws DevStackException when a server does not come up
   */
  public static MailServer start(
      int smtpPort, int imapPort, String senderAddress, String senderPassword) {
    return start(HttpPeer.LOOPBACK, smtpPort, imapPort, senderAddress, senderPassword);
  }

  /**
   * Starts SMTP and IMAP on {@code host}, e.g. {@code 0.0.0.0} to serve other containers.
   *
   * @param smtpPort the SMTP port, {@code 0} for a free one
   * @param imapPort the IMAP port, {@code 0} for a free one
   * @param senderAddress the sender account's address, also its IMAP login
   * @param senderPassword its IMAP password
   * @throws DevStackException when a server does not come up
   */
  public static MailServer start(
      String host, int smtpPort, int imapPort, String senderAddress, String senderPassword) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(senderAddress, "senderAddress");
    Objects.requireNonNull(senderPassword, "senderPassword");
    // GreenMail runs IMAP; SMTP is run here so that it can be stopped and started on its own.
    GreenMail greenMail =
        inMailThreads(
            () -> {
              GreenMail g =
                  new GreenMail(new ServerSetup(imapPort, host, ServerSetup.PROTOCOL_IMAP));
              g.start();
              return g;
            });
    try {
      GreenMailUser sender = greenMail.setUser(senderAddress, senderAddress, senderPassword);
      SentCopies sentCopies = SentCopies.install(greenMail.getManagers(), sender, SENT_FOLDER);
      SmtpServer smtp = inMailThreads(() -> startSmtp(greenMail, host, smtpPort));
      MailServer server =
          new MailServer(greenMail, host, sentCopies, senderAddress, senderPassword, smtp);
      LOG.info(
          "peer=mail smtpPort={} imapPort={} sender={} started",
          server.smtpPort(),
          server.imapPort(),
          senderAddress);
      return server;
    } catch (RuntimeException e) {
      greenMail.stop();
      throw e;
    }
  }

  /** The address SMTP and IMAP are bound to, {@code 127.0.0.1} by default. */
  public String host() {
    return host;
  }

  /** The SMTP port; the same after {@link #refuseSmtp()} and {@link #acceptSmtp()}. */
  public int smtpPort() {
    return smtpPort;
  }

  public int imapPort() {
    return greenMail.getImap().getPort();
  }

  /** The sender account's address and IMAP login. */
  public String senderUser() {
    return senderUser;
  }

  /** The sender account's IMAP password (a secret: never log it). */
  public String senderPassword() {
    return senderPassword;
  }

  /** Every message accepted over SMTP, oldest first, once each (not once per recipient). */
  public List<Email> messages() {
    return sentCopies.messages();
  }

  /** The messages whose {@code Message-ID} equals {@code messageId} (with angle brackets). */
  public List<Email> messagesWithId(String messageId) {
    return messages().stream().filter(email -> messageId.equals(email.messageId())).toList();
  }

  /** Stops the SMTP listener: connections are refused until {@link #acceptSmtp()}. */
  public synchronized void refuseSmtp() {
    if (smtp != null) {
      smtp.stopService();
      smtp = null;
      LOG.info("peer=mail fault=smtp-refused smtpPort={}", smtpPort);
    }
  }

  /**
   * Starts the SMTP listener again on the same port.
   *
   * @throws DevStackException when the port was taken meanwhile
   */
  public synchronized void acceptSmtp() {
    if (smtp == null) {
      smtp = inMailThreads(() -> startSmtp(greenMail, host, smtpPort));
      LOG.info("peer=mail fault=none smtpPort={}", smtpPort);
    }
  }

  /** Whether SMTP accepts connections. */
  public synchronized boolean smtpAccepting() {
    return smtp != null;
  }

  @Override
  public synchronized void close() {
    refuseSmtp();
    greenMail.stop();
  }

  /** Runs {@code start} on a thread of {@link #THREADS} and returns what it returns. */
  private static <T> T inMailThreads(Supplier<T> start) {
    AtomicReference<T> started = new AtomicReference<>();
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    Thread starter =
        new Thread(
            THREADS,
            () -> {
              try {
                started.set(start.get());
              } catch (RuntimeException e) {
                failed.set(e);
              }
            },
            "relaybox-mail-start");
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("mail peer: interrupted while starting", e);
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    return started.get();
  }

  private static SmtpServer startSmtp(GreenMail greenMail, String host, int port) {
    SmtpServer smtp =
        new SmtpServer(
            new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP), greenMail.getManagers());
    smtp.startService();
    try {
      if (!smtp.waitTillRunning(STARTUP_TIMEOUT_MS)) {
        smtp.stopService();
        throw new DevStackException(
            "mail peer: SMTP did not start on " + host + ":" + port + " within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      smtp.stopService();
      throw new DevStackException("mail peer: interrupted while starting SMTP", e);
    }
    return smtp;
  }
}
