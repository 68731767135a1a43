package dev.relaybox.examples.orders.email;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.email.internal.EmailHandler;
import dev.relaybox.examples.orders.email.internal.Mailer;
import dev.relaybox.examples.orders.email.internal.MailerPool;
import dev.relaybox.examples.orders.internal.Checks;
import dev.relaybox.examples.orders.internal.Migrations;
import dev.relaybox.examples.orders.saga.OrderFulfilment;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The email service: the email participant of the order-fulfilment saga, a plain command handler
 * that sends each {@code EmailRequested} (the confirmation once the order shipped, the cancellation
 * notice once it was compensated) by SMTP, at most once per command. It replies nothing: the saga's
 * email steps are local, done when their command commits.
 *
 * <p>Each message gets the deterministic {@code Message-ID} {@code <eventId@domain>}. Before
 * sending, the service searches the sender's Sent folder over IMAP for that Message-ID ("ask the
 * provider what happened"): if the process died after the provider accepted the message but before
 * the {@code emails} row and the processed key committed, the redelivered event finds the copy and
 * is recorded as {@code ALREADY_SENT} instead of being sent again. Unreachable SMTP or IMAP is
 * transient; an invalid recipient address is permanent. Other event types are ignored.
 *
 * <p>Close the service to release its IMAP connection.
 */
public final class EmailService implements AutoCloseable {

  /** Default consumer group. */
  public static final String DEFAULT_GROUP = "email";

  /** Aggregate type of the commands it consumes: topic {@code outbox.event.email-command}. */
  public static final String COMMANDS_AGGREGATE_TYPE = OrderFulfilment.EMAIL_COMMANDS;

  /** Classpath location of the {@code emails} table migrations. */
  public static final String MIGRATIONS_LOCATION =
      "classpath:dev/relaybox/examples/orders/db/email";

  private final DataSource dataSource;
  private final String schema;
  private final MailerPool mailers;
  private final EmailHandler handler;
  private final String messageIdDomain;

  private EmailService(Builder b) {
    this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource must not be null");
    this.schema = SqlIdentifier.require("schema", b.schema);
    Checks.requireText("smtpHost", b.smtpHost);
    Checks.requireText("imapHost", b.imapHost);
    requirePort("smtpPort", b.smtpPort);
    requirePort("imapPort", b.imapPort);
    Checks.requireText("username", b.username);
    Objects.requireNonNull(b.password, "password must not be null");
    Checks.requireText("sentFolder", b.sentFolder);
    this.messageIdDomain = Checks.requireText("messageIdDomain", b.messageIdDomain);
    Checks.requirePositive("timeout", b.timeout);
    if (b.connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1, was " + b.connections);
    }
    this.mailers =
        new MailerPool(
            new Mailer.Settings(
                b.smtpHost,
                b.smtpPort,
                b.smtpAuth,
                b.imapHost,
                b.imapPort,
                b.username,
                b.password,
                b.from == null ? b.username : b.from,
                b.sentFolder,
                b.timeout.toMillis()),
            b.connections);
    this.handler = new EmailHandler(mailers, schema, messageIdDomain);
  }

  private static void requirePort(String property, int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(property + " must be within 1..65535, was " + port);
    }
  }

  /** A builder with the defaults listed on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /** Creates or upgrades the {@code emails} table (history table {@code email_schema_history}). */
  public void migrate() {
    Migrations.migrate(dataSource, MIGRATIONS_LOCATION, schema, "email_schema_history");
  }

  /** The handler to give the {@link dev.relaybox.consumers.ConsumerRunner}. */
  public TwoPhaseEventHandler<?> handler() {
    return handler;
  }

  /** The Message-ID this service gives the email caused by the event {@code eventId}. */
  public String messageIdFor(UUID eventId) {
    return EmailHandler.messageId(eventId, messageIdDomain);
  }

  /** Closes the mail connections. Call after the runner using {@link #handler()} is closed. */
  @Override
  public void close() {
    mailers.close();
  }

  /** Configuration of an {@link EmailService}; every setter returns {@code this}. */
  public static final class Builder {
    private DataSource dataSource;
    private String schema = "public";
    private String smtpHost;
    private int smtpPort = 25;
    private boolean smtpAuth;
    private String imapHost;
    private int imapPort = 143;
    private String username;
    private String password;
    private String from;
    private String sentFolder = "Sent";
    private String messageIdDomain = "relaybox";
    private Duration timeout = Duration.ofSeconds(10);
    private int connections = 8;

    private Builder() {}

    /** Where the {@code emails} table lives; the runner's data source. Required. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /** Schema of the {@code emails} table. Default {@code public}. */
    public Builder schema(String schema) {
      this.schema = schema;
      return this;
    }

    /** SMTP server. Host required; port default 25. */
    public Builder smtp(String host, int port) {
      this.smtpHost = host;
      this.smtpPort = port;
      return this;
    }

    /** Whether SMTP authenticates with {@link #credentials}. Default false. */
    public Builder smtpAuth(boolean smtpAuth) {
      this.smtpAuth = smtpAuth;
      return this;
    }

    /** IMAP server holding the sender's Sent folder. Host required; port default 143. */
    public Builder imap(String host, int port) {
      this.imapHost = host;
      this.imapPort = port;
      return this;
    }

    /** The sender account's login and password (IMAP, and SMTP with auth). Required. */
    public Builder credentials(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    /** The {@code From} address. Default the username. */
    public Builder from(String from) {
      this.from = from;
      return this;
    }

    /** The provider's folder of sent copies. Default {@code Sent}. */
    public Builder sentFolder(String sentFolder) {
      this.sentFolder = sentFolder;
      return this;
    }

    /**
     * The right-hand side of the Message-IDs, {@code <eventId@domain>}. Default {@code relaybox}.
     */
    public Builder messageIdDomain(String messageIdDomain) {
      this.messageIdDomain = messageIdDomain;
      return this;
    }

    /**
     * Mail connections (an IMAP and an SMTP connection each) used at once; further sends wait.
     * Default 8.
     */
    public Builder connections(int connections) {
      this.connections = connections;
      return this;
    }

    /** Connect and read timeout of SMTP and IMAP. Default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Validates and builds the service; nothing connects until the first event.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     */
    public EmailService build() {
      return new EmailService(this);
    }
  }
}
