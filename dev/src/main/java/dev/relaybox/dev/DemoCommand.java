package dev.relaybox.dev;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.relaybox.console.Console;
import dev.relaybox.dev.ThirdParties.Row;
import dev.relaybox.dev.ThirdParties.Verification;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.runtime.DurationConverter;
import dev.relaybox.runtime.RelayboxCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the whole pipeline on the embedded dev stack and verifies the promise at the sources. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline on the embedded dev stack: Postgres, Kafka, the schema registry,"
          + " the relay, the order-fulfilment saga with its payments, email and fulfillment"
          + " services, and fake third parties"
          + " (payment gateway, warehouse, mail server).",
      "The example order service places orders; by default some are out of stock (the saga"
          + " refunds and cancels), some cards are declined (cancelled), and the payment gateway has an outage in"
          + " the middle.",
      "At the end the demo counts charges, refunds, shipments, held stock and emails at the third"
          + " parties"
          + " themselves and checks that every order got each effect exactly once."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox demo",
      "  relaybox demo --orders 1000 --rate 200",
      "  relaybox demo --faults none",
      "  relaybox demo --faults payment-outage --outage 10s",
      "  relaybox demo --console-port 9000",
      "",
      "Exit codes: 0 verified (0 lost, 0 doubled), 1 verification failed or timed out,"
          + " 2 usage error, 3 the dev stack could not start."
    })
final class DemoCommand implements Callable<Integer> {
  private static final List<String> FAULTS = List.of("payment-outage", "out-of-stock", "declines");

  @Spec CommandSpec spec;

  @Option(
      names = "--orders",
      defaultValue = "200",
      description = "Orders to place (default: ${DEFAULT-VALUE}).")
  int orders;

  @Option(
      names = "--rate",
      defaultValue = "50",
      description = "Orders placed per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--faults",
      defaultValue = "payment-outage,out-of-stock,declines",
      split = ",",
      description =
          "Faults to inject: payment-outage, out-of-stock, declines, or none"
              + " (default: ${DEFAULT-VALUE}).")
  List<String> faults;

  @Option(
      names = "--outage",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How long the payment gateway is down (default: ${DEFAULT-VALUE}).")
  Duration outage;

  @Option(
      names = "--console-port",
      defaultValue = "8085",
      description =
          "Port of the operations console on 127.0.0.1; 0 picks a free one, -1 starts none"
              + " (default: ${DEFAULT-VALUE}).")
  int consolePort;

  @Option(
      names = "--timeout",
      defaultValue = "3m",
      converter = DurationConverter.class,
      description = "How long to wait for every effect (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    EnumSet<Fault> enabled = parseFaults();
    if (orders < 1 || rate < 1) {
      throw new ParameterException(spec.commandLine(), "--orders and --rate must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean terminal = System.console() != null;
    out.println("Logs (retries, parked keys, dead events) go to " + logToFile());
    out.println("Starting the dev stack (Postgres, Kafka, schema registry, third parties)...");
    out.flush();
    try (DevStack stack = DevStack.builder().start()) {
      out.printf("Dev stack ready in %d ms.%n", stack.startupTime().toMillis());
      out.println(
          "Starting the relay, the order-fulfilment saga and the payments, email and fulfillment"
              + " services...");
      out.flush();
      try (DemoPipeline pipeline = DemoPipeline.builder(stack).http(consolePort >= 0).start();
          Console console = DemoConsole.startForDemo(stack, pipeline, consolePort, out)) {
        out.printf(
            "Placing %d orders at %d/s; faults: %s.%n",
            orders,
            rate,
            enabled.isEmpty()
                ? "none"
                : enabled.stream()
                    .map(f -> f.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(java.util.stream.Collectors.joining(", ")));
        out.flush();
        long started = System.nanoTime();
        long nextPrint = 0;
        int outageAt = enabled.contains(Fault.PAYMENT_OUTAGE) ? orders / 3 : -1;
        for (int i = 0; i < orders; i++) {
          if (i == outageAt) {
            // The saga charges an order a few hops after it is placed: the outage starts once
            // charges flow, so that it meets the charges of the orders placed around it.
            long chargesDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (pipeline.progress().charged() == 0 && System.nanoTime() < chargesDeadline) {
              Thread.sleep(50);
            }
            pipeline.paymentOutage(outage);
            line(out, terminal, "payment gateway DOWN for " + outage.toSeconds() + " s");
          }
          pipeline.placeOrder(
              i,
              OrderKind.of(
                  i, enabled.contains(Fault.OUT_OF_STOCK), enabled.contains(Fault.DECLINES)));
          pace(started, i + 1);
          if (System.nanoTime() > nextPrint) {
            progress(out, terminal, pipeline.progress());
            nextPrint = System.nanoTime() + Duration.ofMillis(terminal ? 250 : 2_000).toNanos();
          }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pipeline.thirdParties().settled() && System.nanoTime() < deadline) {
          progress(out, terminal, pipeline.progress());
          Thread.sleep(terminal ? 250 : 2_000);
        }
        progress(out, terminal, pipeline.progress());
        if (terminal) {
          out.println();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Verification verification = pipeline.thirdParties().verify();
        summary(out, verification, pipeline.progress(), took);
        return verification.passed() ? 0 : RelayboxCli.EXIT_FAILED;
      }
    }
  }

  /**
   * Sends every log line to a file instead of the terminal, so that the services' warnings
   * (retries, parked keys) do not break up the progress line; returns the file.
   */
  private static Path logToFile() throws IOException {
    Path file =
        Files.createTempFile(
            "relaybox-demo-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-",
            ".log");
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n");
      encoder.start();
      FileAppender<ILoggingEvent> appender = new FileAppender<>();
      appender.setContext(context);
      appender.setName("DEMO_FILE");
      appender.setFile(file.toString());
      appender.setEncoder(encoder);
      appender.start();
      ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      root.detachAndStopAllAppenders();
      root.addAppender(appender);
      context.getLogger("dev.relaybox").setLevel(Level.INFO);
    }
    return file;
  }

  private enum Fault {
    PAYMENT_OUTAGE,
    OUT_OF_STOCK,
    DECLINES
  }

  private EnumSet<Fault> parseFaults() {
    EnumSet<Fault> enabled = EnumSet.noneOf(Fault.class);
    for (String f : faults) {
      String name = f.trim().toLowerCase(Locale.ROOT);
      if (name.equals("none")) {
        continue;
      }
      if (!FAULTS.contains(name)) {
        throw new ParameterException(
            spec.commandLine(),
            "unknown fault '" + f + "'; use " + String.join(", ", FAULTS) + " or none");
      }
      enabled.add(Fault.valueOf(name.replace('-', '_').toUpperCase(Locale.ROOT)));
    }
    return enabled;
  }

  /** Sleeps so that {@code placed} orders take {@code placed / rate} seconds since the start. */
  private void pace(long started, int placed) throws InterruptedException {
    long due = started + placed * 1_000_000_000L / rate;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }

  private static void progress(PrintWriter out, boolean terminal, Progress p) {
    line(
        out,
        terminal,
        String.format(
            "placed %d | relayed %d | charged %d | emailed %d | shipped %d | refunded %d"
                + " | retried %d | parked keys %d | dead %d",
            p.placed(),
            p.relayed(),
            p.charged(),
            p.emailed(),
            p.shipped(),
            p.refunded(),
            p.retried(),
            p.parkedKeys(),
            p.deadLettered()));
  }

  /** On a terminal, rewrites the current line; elsewhere (CI, pipes) prints a new one. */
  private static void line(PrintWriter out, boolean terminal, String text) {
    if (terminal) {
      out.print("\r\033[2K" + text);
    } else {
      out.println(text);
    }
    out.flush();
  }

  private static void summary(PrintWriter out, Verification v, Progress p, Duration took) {
    out.println();
    out.printf(
        "Verified at the sources of truth (gateway ledger, warehouse, mailbox) after %d s:%n",
        took.toSeconds());
    out.printf(
        "  %-14s %7s %8s %8s %10s %6s %7s %6s %8s%n",
        "order kind",
        "orders",
        "charges",
        "refunds",
        "shipments",
        "stock",
        "emails",
        "lost",
        "doubled");
    for (Row r : v.rows()) {
      out.printf(
          "  %-14s %7d %8d %8d %10d %6d %7d %6d %8d%n",
          label(r.kind()),
          r.orders(),
          r.charges(),
          r.refunds(),
          r.shipments(),
          r.stockHeld(),
          r.emails(),
          r.lost(),
          r.doubled());
    }
    out.println(
        "  expected per order: fulfilled 1 charge, 1 shipment, 1 stock reservation, 1 email;");
    out.println(
        "  out of stock 1 charge, 1 refund, no stock held, 1 cancellation email;"
            + " declined 1 declined charge, 1 cancellation email.");
    out.printf(
        "  retried %d time(s), each time parking only the order's key; %d dead.%n",
        p.retried(), p.deadLettered());
    out.println();
    if (v.passed()) {
      out.printf("OK: every order got each effect exactly once. 0 lost, 0 doubled.%n");
    } else {
      out.printf(
          "FAILED: %d order(s) missing an effect, %d with a doubled effect.%n",
          v.lost(), v.doubled());
    }
    out.flush();
  }

  private static String label(OrderKind kind) {
    return switch (kind) {
      case FULFILLED -> "fulfilled";
      case OUT_OF_STOCK -> "out of stock";
      case DECLINED -> "declined";
    };
  }
}
