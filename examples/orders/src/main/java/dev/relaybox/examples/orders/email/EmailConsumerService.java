package dev.relaybox.examples.orders.email;

import dev.relaybox.config.Setting;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.examples.orders.internal.ServiceSupport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@link EmailService} as a consumer service of the host ({@code services=email}): consumes the
 * email commands in group {@code email.group}.
 */
public final class EmailConsumerService implements ConsumerService {

  static final Setting<String> SMTP_HOST =
      Setting.text("email.smtp.host").defaultValue("localhost").doc("SMTP host").build();
  static final Setting<Integer> SMTP_PORT =
      Setting.integer("email.smtp.port", 1, 65535).defaultValue("25").doc("SMTP port").build();
  static final Setting<Boolean> SMTP_AUTH =
      Setting.bool("email.smtp.auth")
          .defaultValue("false")
          .doc("authenticate SMTP with `email.user`/`email.password`")
          .build();
  static final Setting<String> IMAP_HOST =
      Setting.text("email.imap.host")
          .defaultValue("localhost")
          .doc("IMAP host holding the sender's Sent folder")
          .build();
  static final Setting<Integer> IMAP_PORT =
      Setting.integer("email.imap.port", 1, 65535).defaultValue("143").doc("IMAP port").build();
  static final Setting<String> USER =
      Setting.text("email.user").doc("sender account (IMAP login)").build();
  static final Setting<String> PASSWORD =
      Setting.text("email.password")
          .optional()
          .doc("its password; use `RELAYBOX_EMAIL_PASSWORD`")
          .build();
  static final Setting<String> FROM =
      Setting.text("email.from").optional().doc("`From` address; default `email.user`").build();
  static final Setting<String> SENT_FOLDER =
      Setting.text("email.sent.folder")
          .defaultValue("Sent")
          .doc("folder of sent copies searched before sending")
          .build();
  static final Setting<String> MESSAGE_ID_DOMAIN =
      Setting.text("email.message.id.domain")
          .defaultValue("relaybox")
          .doc("Message-IDs are `<eventId@domain>`")
          .build();
  static final Setting<Integer> CONNECTIONS =
      Setting.integer("email.connections", 1, 256)
          .defaultValue("8")
          .doc("mail connections (IMAP + SMTP) used at once; further sends wait for one")
          .build();
  static final Setting<Duration> TIMEOUT =
      Setting.millis("email.timeout.ms", 1, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc("SMTP/IMAP connect and read timeout")
          .build();

  @Override
  public String name() {
    return EmailService.DEFAULT_GROUP;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(
        SMTP_HOST,
        SMTP_PORT,
        SMTP_AUTH,
        IMAP_HOST,
        IMAP_PORT,
        USER,
        PASSWORD,
        FROM,
        SENT_FOLDER,
        MESSAGE_ID_DOMAIN,
        CONNECTIONS,
        TIMEOUT);
  }

  @Override
  public void start(ServiceContext context) {
    EmailService email =
        context.closeOnStop(
            EmailService.builder()
                .dataSource(context.dataSource())
                .schema(context.schema())
                .smtp(context.get(SMTP_HOST), context.get(SMTP_PORT))
                .smtpAuth(context.get(SMTP_AUTH))
                .imap(context.get(IMAP_HOST), context.get(IMAP_PORT))
                .credentials(context.get(USER), Objects.toString(context.get(PASSWORD), ""))
                .from(context.get(FROM))
                .sentFolder(context.get(SENT_FOLDER))
                .messageIdDomain(context.get(MESSAGE_ID_DOMAIN))
                .connections(context.get(CONNECTIONS))
                .timeout(context.get(TIMEOUT))
                .build());
    email.migrate();
    context.run(
        ServiceSupport.runner(context, EmailService.COMMANDS_AGGREGATE_TYPE)
            .handler(email.handler()));
  }
}
