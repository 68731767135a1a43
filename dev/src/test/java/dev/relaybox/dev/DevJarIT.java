package dev.relaybox.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged dev jar the way the README's first command does. */
class DevJarIT {

  @Test
  void demoRunsTheWholePipelineAndVerifiesIt() throws Exception {
    Output result = run("demo", "--orders", "40", "--rate", "40", "--outage", "2s");
    assertThat(result.exit).as("exit code; output:%n%s", result.text).isZero();
    assertThat(result.text)
        .contains("Dev stack ready in")
        .containsPattern("Operations console at http://127\\.0\\.0\\.1:\\d+/")
        .contains("payment gateway DOWN for 2 s")
        .containsPattern("fulfilled +\\d+")
        .containsPattern("out of stock +4 +4 +4 +0 +0 +4 +0 +0")
        .containsPattern("\\| retried \\d+ \\| parked keys \\d+ \\| dead 0")
        .contains("OK: every order got each effect exactly once. 0 lost, 0 doubled.");
    // The services' warnings (the outage's retries) went to the log file, not between the lines.
    assertThat(result.text).doesNotContain(" WARN ");
    java.util.regex.Matcher logs =
        java.util.regex.Pattern.compile("go to (\\S+\\.log)").matcher(result.text);
    assertThat(logs.find()).as("the log file is named on screen").isTrue();
    Path logFile = Path.of(logs.group(1));
    assertThat(Files.readString(logFile)).contains("key parked");
    Files.delete(logFile);
  }

  @Test
  void devstackSmokeStartsPrintsEndpointsAndStops() throws Exception {
    Output result = run("devstack");
    assertThat(result.exit).as("exit code; output:%n%s", result.text).isZero();
    assertThat(result.text)
        .contains("postgres jdbc url  jdbc:postgresql://127.0.0.1:")
        .contains("kafka bootstrap    127.0.0.1:")
        .contains("schema registry    http://127.0.0.1:")
        .containsPattern("ready in +\\d+ ms")
        .contains("Stopped.");
  }

  @Test
  void peersServeOnTheGivenAddressUntilSigterm() throws Exception {
    int gateway = freePort();
    int fulfillment = freePort();
    int smtp = freePort();
    int imap = freePort();
    Path log = Files.createTempFile(Path.of("target"), "relaybox-peers", ".txt");
    ProcessBuilder builder =
        command(
            "peers",
            "--host",
            "127.0.0.1",
            "--gateway-port",
            Integer.toString(gateway),
            "--fulfillment-port",
            Integer.toString(fulfillment),
            "--smtp-port",
            Integer.toString(smtp),
            "--imap-port",
            Integer.toString(imap));
    builder.environment().put("RELAYBOX_MAIL_PASSWORD", "s3cret-mail-pw");
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      for (int port : new int[] {gateway, fulfillment}) {
        HttpRequest faults =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_faults")).build();
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> http.send(faults, BodyHandlers.ofString()).statusCode() == 200);
      }
      try (Socket socket = new Socket("127.0.0.1", smtp)) {
        String banner =
            new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertThat(banner).startsWith("220");
      }
      try (Socket socket = new Socket("127.0.0.1", imap)) {
        assertThat(socket.isConnected()).isTrue();
      }
    } finally {
      process.destroy();
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("payment gateway    http://127.0.0.1:" + gateway)
        .contains("fulfillment        http://127.0.0.1:" + fulfillment)
        .contains("smtp 127.0.0.1:" + smtp)
        .doesNotContain("s3cret-mail-pw");
  }

  private record Output(int exit, String text) {}

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static ProcessBuilder command(String... args) {
    Path jar = Path.of("target", "relaybox-dev.jar");
    assertThat(jar).exists();
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx768m",
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static Output run(String... args) throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "relaybox-" + args[0], ".txt");
    Process process = command(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("exited in time; output:%n%s", text).isTrue();
    return new Output(process.exitValue(), text);
  }
}
