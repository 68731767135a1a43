package dev.relaybox.dev;

import dev.relaybox.console.Console;
import dev.relaybox.console.ConsoleConfig;
import dev.relaybox.devstack.DevStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operations console on a {@link DemoPipeline}: its topics, slot, outbox schema, the four
 * groups with their effect tables, and the service host's HTTP address when it serves one. For
 * {@code relaybox demo --console-port} and the browser tests.
 */
public final class DemoConsole {

  /** Each service's effect tables: by event id, or {@code table:column} by the order id (key). */
  private static final Map<String, String> EFFECTS =
      Map.of(
          "orders", "processed_keys_sagas:saga_id",
          "payments", "payments,refunds",
          "email", "emails",
          "fulfillment", "warehouse_requests");

  private DemoConsole() {}

  /**
   * The console's properties for {@code pipeline} on {@code stack}, serving on loopback {@code
   * port} (0: a free one). They contain the stack's password: never log them.
   */
  public static Map<String, String> properties(DevStack stack, DemoPipeline pipeline, int port) {
    Map<String, String> p = new LinkedHashMap<>(stack.relayProperties());
    p.put("schema.registry.url", stack.schemaRegistry().url());
    p.put("http.host", "127.0.0.1");
    p.put("http.port", Integer.toString(port));
    p.put("outbox.schema", pipeline.schema());
    p.put("slot.name", pipeline.slotName());
    p.put("topic.pattern", pipeline.topic("${aggregatetype}"));
    p.put("sample.interval.ms", "1000");
    p.put(
        "audit.file",
        java.nio.file.Path.of(
                System.getProperty("java.io.tmpdir"), "relaybox-demo-console-audit.log")
            .toString());
    String url = null;
    if (pipeline.services() != null && pipeline.services().httpAddress().isPresent()) {
      InetSocketAddress a = pipeline.services().httpAddress().get();
      url = "http://127.0.0.1:" + a.getPort();
    }
    StringBuilder groups = new StringBuilder();
    for (String service : DemoPipeline.SERVICES) {
      String group = pipeline.group(service);
      groups.append(groups.length() == 0 ? "" : ",").append(group);
      p.put("group." + group + ".db.schema", pipeline.schema());
      p.put("group." + group + ".effects", EFFECTS.get(service));
      if (url != null) {
        p.put("group." + group + ".url", url);
      }
    }
    p.put("groups", groups.toString());
    return p;
  }

  /**
   * The demo's console on {@code port} (a free port when it is taken), its URL printed to {@code
   * out}; null when {@code port} is negative.
   */
  public static Console startForDemo(
      DevStack stack, DemoPipeline pipeline, int port, java.io.PrintWriter out) throws IOException {
    if (port < 0) {
      return null;
    }
    Console console;
    try {
      console = start(stack, pipeline, port, p -> {});
    } catch (java.net.BindException e) {
      out.printf("Port %d is taken: the console takes a free one.%n", port);
      console = start(stack, pipeline, 0, p -> {});
    }
    out.printf("Operations console at %s%n", console.url());
    out.flush();
    return console;
  }

  /** Starts a console on {@code pipeline}; {@code tweak} may change its properties first. */
  public static Console start(
      DevStack stack,
      DemoPipeline pipeline,
      int port,
      java.util.function.Consumer<Map<String, String>> tweak)
      throws IOException {
    Map<String, String> p = properties(stack, pipeline, port);
    tweak.accept(p);
    return Console.start(ConsoleConfig.builder().setAll(p).build());
  }
}
