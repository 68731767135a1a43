package dev.relaybox.devstack.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MailServerIT {
  private static MailServer mail;

  @BeforeAll
  static void start() {
    mail = MailServer.start();
  }

  @AfterAll
  static void stop() {
    mail.close();
  }

  @Test
  void connectionThreadsBelongToTheMailGroupNotTheDefaultHandler() throws Exception {
    long before = mailThreads();
    try (Socket client = new Socket(mail.host(), mail.imapPort())) {
      client.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
      // The greeting is written by the connection's handler thread, alive while the client is.
      assertThat(in.readLine()).startsWith("* OK");
      assertThat(mailThreads()).isGreaterThan(before);
    }
  }

  /** Live threads of GreenMail's group: its uncaught failures are logged, not the JVM's. */
  private static long mailThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getThreadGroup() != null)
        .filter(t -> t.getThreadGroup().getName().equals("relaybox-mail"))
        .count();
  }

  @Test
  void sentMessagesAreCountedOnceAtTheSource() throws MessagingException {
    String messageId = messageId("order-1");
    String customer = unique("customer") + "@example.test";
    String auditor = unique("auditor") + "@example.test";

    send(messageId, customer, auditor, "Your order", "Thanks for your order.");

    assertThat(mail.messagesWithId(messageId))
        .singleElement()
        .satisfies(
            email -> {
              assertThat(email.from()).isEqualTo(mail.senderUser());
              assertThat(email.to()).containsExactlyInAnyOrder(customer, auditor);
              assertThat(email.subject()).isEqualTo("Your order");
              assertThat(email.body()).contains("Thanks for your order.");
            });
    assertThat(mail.messages()).extracting(MailServer.Email::messageId).containsOnlyOnce(messageId);
  }

  @Test
  void messagesSharingOneSmtpConnectionAreCountedApart() throws MessagingException {
    String first = messageId("order-a");
    String second = messageId("order-b");
    Session session = session();
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect();
      for (String id : List.of(first, second)) {
        MimeMessage message = message(session, id, "buyer@example.test", null, "Hi", "Hi");
        transport.sendMessage(message, message.getAllRecipients());
      }
    }

    assertThat(mail.messagesWithId(first)).hasSize(1);
    assertThat(mail.messagesWithId(second)).hasSize(1);
  }

  @Test
  void senderFindsItsSentMessageByMessageIdOverImapSearch() throws Exception {
    String prefix = unique("order");
    String sent = "<" + prefix + "-1@relaybox.test>";
    String similar = "<" + prefix + "-10@relaybox.test>";
    String neverSent = "<" + prefix + "-2@relaybox.test>";
    send(sent, "buyer@example.test", null, "Order confirmed", "Hello");
    send(similar, "buyer@example.test", null, "Order confirmed", "Hello");

    Store store = session().getStore("imap");
    store.connect(mail.host(), mail.imapPort(), mail.senderUser(), mail.senderPassword());
    try {
      Folder folder = store.getFolder(MailServer.SENT_FOLDER);
      folder.open(Folder.READ_ONLY);

      Message[] found = folder.search(new HeaderTerm("Message-ID", sent));
      Message[] missing = folder.search(new HeaderTerm("Message-ID", neverSent));
      // The same SEARCH sent as raw IMAP: proves GreenMail answers it server-side (Jakarta Mail
      // would silently fall back to fetching every message if the server refused the command).
      int[] serverSide =
          (int[])
              ((IMAPFolder) folder)
                  .doCommand(
                      protocol -> {
                        try {
                          return protocol.search(new HeaderTerm("Message-ID", sent));
                        } catch (SearchException e) {
                          throw new ProtocolException(e.getMessage());
                        }
                      });

      assertThat(found).hasSize(1);
      assertThat(found[0].getHeader("Message-ID")).containsExactly(sent);
      assertThat(missing).isEmpty();
      assertThat(serverSide).hasSize(1);
      folder.close(false);
    } finally {
      store.close();
    }
  }

  @Test
  void refusedSmtpSendsNothingUntilAcceptedAgain() throws MessagingException {
    String messageId = messageId("order-refused");
    int port = mail.smtpPort();
    mail.refuseSmtp();
    try {
      assertThat(mail.smtpAccepting()).isFalse();
      assertThatThrownBy(() -> send(messageId, "buyer@example.test", null, "Hi", "Hi"))
          .isInstanceOf(MessagingException.class);
      assertThat(mail.messagesWithId(messageId)).isEmpty();
    } finally {
      mail.acceptSmtp();
    }

    send(messageId, "buyer@example.test", null, "Hi", "Hi");

    assertThat(mail.smtpPort()).isEqualTo(port);
    assertThat(mail.messagesWithId(messageId)).hasSize(1);
  }

  private static void send(String messageId, String to, String bcc, String subject, String text)
      throws MessagingException {
    Transport.send(message(session(), messageId, to, bcc, subject, text));
  }

  /** A message with a deterministic Message-ID, as the email consumer sends it. */
  private static MimeMessage message(
      Session session, String messageId, String to, String bcc, String subject, String text)
      throws MessagingException {
    MimeMessage message =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    message.setFrom(new InternetAddress(mail.senderUser()));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    if (bcc != null) {
      message.setRecipient(Message.RecipientType.BCC, new InternetAddress(bcc));
    }
    message.setSubject(subject);
    message.setText(text);
    message.saveChanges();
    return message;
  }

  private static Session session() {
    Properties properties = new Properties();
    properties.put("mail.smtp.host", mail.host());
    properties.put("mail.smtp.port", Integer.toString(mail.smtpPort()));
    properties.put("mail.smtp.connectiontimeout", "5000");
    properties.put("mail.smtp.timeout", "5000");
    properties.put("mail.imap.connectiontimeout", "5000");
    properties.put("mail.imap.timeout", "5000");
    return Session.getInstance(properties);
  }

  private static String messageId(String local) {
    return "<" + local + "." + UUID.randomUUID() + "@relaybox.test>";
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }
}
