package dev.relaybox.dev;

import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the fake third parties of the consumer services as a long-lived process. */
@Command(
    name = "peers",
    mixinStandardHelpOptions = true,
    description = {
      "Run the fake third parties the consumer services call: the payment gateway and the"
          + " fulfillment service (HTTP, honouring Idempotency-Key, faults switchable over"
          + " POST /_faults) and the SMTP/IMAP mail server, until SIGTERM or Ctrl-C.",
      "For development, docker-compose and demos only: production points the services at the"
          + " real providers. State is in memory and gone when the process stops."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox peers                                  # loopback, default ports",
      "  relaybox peers --host 0.0.0.0                   # reachable from other containers",
      "  curl -X POST localhost:8090/_faults -d '{\"mode\":\"crash\",\"durationMs\":10000}'",
      "",
      "Exit codes: 143 (130 for Ctrl-C) once stopped by the signal, 2 usage error (e.g. no mail"
          + " password), 3 an address could not be bound."
    })
final class PeersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--gateway-port",
      defaultValue = "8090",
      description = "Payment gateway HTTP port (default: ${DEFAULT-VALUE}).")
  int gatewayPort;

  @Option(
      names = "--fulfillment-port",
      defaultValue = "8091",
      description = "Fulfillment service HTTP port (default: ${DEFAULT-VALUE}).")
  int fulfillmentPort;

  @Option(
      names = "--smtp-port",
      defaultValue = "3025",
      description = "SMTP port (default: ${DEFAULT-VALUE}).")
  int smtpPort;

  @Option(
      names = "--imap-port",
      defaultValue = "3143",
      description = "IMAP port (default: ${DEFAULT-VALUE}).")
  int imapPort;

  @Option(
      names = "--mail-user",
      defaultValue = MailServer.DEFAULT_SENDER,
      description = "The sender account, also its IMAP login (default: ${DEFAULT-VALUE}).")
  String mailUser;

  @Option(
      names = "--mail-password",
      defaultValue = "${env:RELAYBOX_MAIL_PASSWORD}",
      description =
          "The sender account's password (default: environment variable RELAYBOX_MAIL_PASSWORD,"
              + " the same one 'relaybox consumers' reads).",
      required = true)
  String mailPassword;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (PaymentGatewayServer gateway = PaymentGatewayServer.start(host, gatewayPort);
        FulfillmentServer fulfillment = FulfillmentServer.start(host, fulfillmentPort);
        MailServer mail = MailServer.start(host, smtpPort, imapPort, mailUser, mailPassword)) {
      Thread hook = new Thread(stopped::countDown, "peers-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.printf("payment gateway    %s%n", gateway.url());
      out.printf("fulfillment        %s%n", fulfillment.url());
      out.printf(
          "mail               smtp %s:%d, imap %s:%d, user %s%n",
          mail.host(), mail.smtpPort(), mail.host(), mail.imapPort(), mailUser);
      out.println("Running; stop with SIGTERM or Ctrl-C.");
      out.flush();
      stopped.await();
    }
    return 0;
  }
}
