package dev.relaybox.console.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.console.Console;
import dev.relaybox.console.ConsoleConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The console wired: sources, the sampler, security, the pages and the HTTP server. */
public final class ConsoleServer implements Console {

  private final Sources sources;
  private final Sampler sampler;
  private final Tracer tracer;
  private final Web web;
  private final CountDownLatch closed = new CountDownLatch(1);

  private ConsoleServer(Sources sources, Sampler sampler, Tracer tracer, Web web) {
    this.sources = sources;
    this.sampler = sampler;
    this.tracer = tracer;
    this.web = web;
  }

  /** Starts the console for {@code config}. */
  public static Console start(ConsoleConfig config) throws IOException {
    Sources sources = new Sources(config);
    Sampler sampler = new Sampler(sources, config.get(CommonSettings.SLOT_NAME));
    Security security =
        new Security(
            config.get(ConsoleSettings.AUTH_TOKEN),
            config.get(ConsoleSettings.AUTH_USER),
            config.get(ConsoleSettings.AUTH_PASSWORD),
            config.get(ConsoleSettings.READ_ONLY));
    AuditLog audit = new AuditLog(Path.of(config.get(ConsoleSettings.AUDIT_FILE)));
    Web web = new Web(security);
    ContextFactory ctx =
        r ->
            new Layout.Context(r.session(), security.readOnly(), security.authenticationRequired());
    new LoginPage(security, audit).register(web, ctx);
    new OverviewPage(sampler, sources).register(web, ctx);
    new AuditPage(audit).register(web, ctx);
    new TopicsPage(sampler).register(web, ctx);
    GroupsPage groups = new GroupsPage(sampler, sources);
    groups.register(web, ctx);
    new DeadEventActions(groups, new FrameworkDeadActions(), audit).register(web, ctx);
    new SagasPage(groups, sampler, sources, audit).register(web, ctx);
    new RecoveryActions(sources, sampler, audit).register(web, ctx);
    Tracer tracer =
        new Tracer(
            sources,
            sampler,
            config.get(ConsoleSettings.TRACE_WINDOW),
            config.get(ConsoleSettings.TRACE_MAX_RECORDS));
    new TracePage(
            tracer,
            config.get(CommonSettings.OUTBOX_SCHEMA)
                + "."
                + config.get(CommonSettings.OUTBOX_TABLE))
        .register(web, ctx);
    try {
      web.start(config.get(ConsoleSettings.HTTP_HOST), config.get(ConsoleSettings.HTTP_PORT));
    } catch (IOException | RuntimeException e) {
      web.close();
      sources.close();
      throw e;
    }
    sampler.start(config.get(ConsoleSettings.SAMPLE_INTERVAL));
    return new ConsoleServer(sources, sampler, tracer, web);
  }

  @Override
  public URI url() {
    InetSocketAddress a = web.address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  @Override
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    web.close();
    sampler.close();
    tracer.close();
    sources.close();
    closed.countDown();
  }
}
