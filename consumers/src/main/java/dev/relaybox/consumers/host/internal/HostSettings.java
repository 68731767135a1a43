package dev.relaybox.consumers.host.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.ServiceConfig;
import dev.relaybox.config.Setting;
import dev.relaybox.config.Settings;
import dev.relaybox.consumers.DeadKeyPolicy;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.saga.Sagas;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The service host's own settings and how a service's settings join them. */
public final class HostSettings {

  private HostSettings() {}

  public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";

  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public static final Setting<List<String>> SERVICES =
      Setting.list("services")
          .optional()
          .doc("the services this process runs, by name; empty = every service found")
          .build();

  public static final Setting<String> INSTANCE_ID =
      Setting.text("instance.id")
          .optional()
          .check(id -> id.matches("[A-Za-z0-9._-]{1,200}"), "letters, digits, '.', '_', '-'")
          .doc(
              "this process's id, stable across its restarts and unique among the processes"
                  + " running the same services: the services' consumers join their groups as"
                  + " static members `<instance.id>-<service>` (`group.instance.id`), so a"
                  + " restarted process gets its partitions back at once instead of after the"
                  + " session timeout; empty = `<host name>-<http.port>` when `http.port` > 0,"
                  + " else dynamic membership; ignored with `kafka.consumer.group.protocol=consumer`"
                  + " (see [Availability](#availability))")
          .build();

  public static final Setting<Integer> PG_POOL_SIZE =
      Setting.integer("pg.pool.size", 2, 1_000)
          .optional()
          .doc(
              "HikariCP pool shared by the services (at least 2: Flyway needs two); empty ="
                  + " `consumer.max.in.flight` + 2, what one service whose `EventHandler` holds a"
                  + " connection per event in flight needs (two-phase services hold one only for"
                  + " their short record transaction); connections open on demand")
          .build();

  public static final Setting<String> DB_SCHEMA =
      Setting.identifier("db.schema", 63)
          .defaultValue("public")
          .doc("schema of the service tables, processed keys and outbox")
          .build();

  public static final Setting<String> PROCESSED_KEYS_TABLE =
      Setting.identifier("processed.keys.table", 48)
          .defaultValue("processed_keys")
          .doc("processed-keys table (shared by the groups)")
          .build();

  public static final Setting<Duration> PROCESSED_KEYS_RETENTION =
      Setting.millis("processed.keys.retention.ms", 1, Long.MAX_VALUE)
          .optional()
          .doc(
              "each group deletes its processed keys older than this; empty keeps them forever;"
                  + " at least `3600000` (1 h), and at least the topics' `retention.ms` plus the"
                  + " longest redrive window (see [Retention](#retention-of-the-processed-keys))")
          .build();

  public static final Setting<Integer> MAX_ATTEMPTS =
      Setting.integer("consumer.max.attempts", 1, 1_000_000)
          .defaultValue("10")
          .doc("attempts per event for transient failures, then the dead set")
          .build();

  public static final Setting<Duration> INITIAL_BACKOFF =
      Setting.millis("consumer.initial.backoff.ms", 1, Integer.MAX_VALUE)
          .defaultValue("200")
          .doc("first retry delay (doubling, with jitter)")
          .build();

  public static final Setting<Duration> MAX_BACKOFF =
      Setting.millis("consumer.max.backoff.ms", 1, Integer.MAX_VALUE)
          .defaultValue("30000")
          .doc("retry delay cap; the defaults ride out ~40–80 s outages")
          .build();

  public static final Setting<Integer> MAX_IN_FLIGHT =
      Setting.integer("consumer.max.in.flight", 1, 10_000)
          .defaultValue("64")
          .doc(
              "events each consumer group handles at once (one worker thread each), never two of one key")
          .build();

  public static final Setting<String> DEAD_KEY_POLICY =
      Setting.oneOf("consumer.dead.key.policy", "park-key", "skip")
          .defaultValue("park-key")
          .doc(
              "`park-key`: a dead event's later events of the same key wait until it is"
                  + " redriven or discarded; `skip`: they go on")
          .build();

  public static final Setting<Integer> MAX_PARKED_KEYS =
      Setting.integer("consumer.max.parked.keys", 1, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc("parked keys per group at which intake pauses (never drops); resumes below 90 %")
          .build();

  public static final Setting<Integer> MAX_PARKED_EVENTS =
      Setting.integer("consumer.max.parked.events", 1, Integer.MAX_VALUE)
          .defaultValue("100000")
          .doc("parked events per group at which intake pauses (never drops)")
          .build();

  public static final Setting<Duration> POLL_TIMEOUT =
      Setting.millis("consumer.poll.timeout.ms", 1, Integer.MAX_VALUE)
          .defaultValue("500")
          .doc("Kafka poll timeout")
          .build();

  public static final Setting<Duration> READY_STALL_TIMEOUT =
      Setting.millis("consumer.ready.stall.ms", 1, Integer.MAX_VALUE)
          .defaultValue("15000")
          .doc(
              "`/ready` fails when a runner's poll loop has not returned for longer than this (a"
                  + " rebalance waiting for work in flight, a commit hanging on the broker); it also"
                  + " fails while a runner holds no partition")
          .build();

  public static final Setting<Duration> SHUTDOWN_TIMEOUT =
      Setting.millis("consumer.shutdown.timeout.ms", 1, Integer.MAX_VALUE)
          .defaultValue("30000")
          .doc("how long a graceful stop waits for the work in flight")
          .build();

  public static final Setting<Duration> SAGA_POLL_INTERVAL =
      Setting.millis("saga.poll.interval.ms", 10, 3_600_000)
          .defaultValue(Long.toString(Sagas.DEFAULT_POLL_INTERVAL.toMillis()))
          .doc(
              "how often the saga poller of a service using `ServiceContext.sagas()` runs due"
                  + " retries and deadlines and counts stuck sagas; a deadline fires at most this"
                  + " late")
          .build();

  public static final Setting<Duration> SAGA_STUCK_AFTER =
      Setting.millis("saga.stuck.after.ms", 1_000, Integer.MAX_VALUE)
          .defaultValue(Long.toString(Sagas.DEFAULT_STUCK_AFTER.toMillis()))
          .doc(
              "a running or compensating saga not moving for this long counts in"
                  + " `relaybox.saga.stuck` (see `relaybox sagas list --stuck`)")
          .build();

  public static final Setting<Integer> HTTP_PORT = CommonSettings.httpPort(8081);

  /** The host's settings, without any service's. */
  public static List<Setting<?>> host() {
    return List.of(
        SERVICES,
        INSTANCE_ID,
        CommonSettings.KAFKA_BOOTSTRAP_SERVERS,
        CommonSettings.SCHEMA_REGISTRY_URL,
        CommonSettings.PG_HOST,
        CommonSettings.PG_PORT,
        CommonSettings.PG_DATABASE,
        CommonSettings.PG_USER,
        CommonSettings.PG_PASSWORD,
        CommonSettings.PG_SSLMODE,
        CommonSettings.STARTUP_BACKOFF_INITIAL,
        CommonSettings.STARTUP_BACKOFF_MAX,
        PG_POOL_SIZE,
        DB_SCHEMA,
        CommonSettings.OUTBOX_TABLE,
        PROCESSED_KEYS_TABLE,
        PROCESSED_KEYS_RETENTION,
        CommonSettings.TOPIC_PATTERN,
        MAX_ATTEMPTS,
        INITIAL_BACKOFF,
        MAX_BACKOFF,
        MAX_IN_FLIGHT,
        DEAD_KEY_POLICY,
        MAX_PARKED_KEYS,
        MAX_PARKED_EVENTS,
        POLL_TIMEOUT,
        READY_STALL_TIMEOUT,
        SHUTDOWN_TIMEOUT,
        SAGA_POLL_INTERVAL,
        SAGA_STUCK_AFTER,
        CommonSettings.HTTP_HOST,
        HTTP_PORT);
  }

  /**
   * The {@code group.instance.id} of {@code service}'s consumers: {@code <instance.id>-<service>},
   * {@code instance.id} defaulting to {@code <host name>-<http.port>} when the port is fixed (two
   * processes on one host cannot share it); empty for dynamic membership, and always with {@code
   * kafka.consumer.group.protocol=consumer}.
   */
  public static Optional<String> groupInstanceId(ServiceConfig config, ConsumerService service) {
    String protocol = config.withPrefix(KAFKA_CONSUMER_PREFIX).get("group.protocol");
    if ("consumer".equalsIgnoreCase(protocol)) {
      // KIP-848 keeps a crashed static member's id until its session expires and refuses the
      // restarted one (UnreleasedInstanceIdException): static membership only helps the classic
      // protocol.
      return Optional.empty();
    }
    String instance = config.get(INSTANCE_ID);
    if (instance == null) {
      int port = config.get(HTTP_PORT);
      if (port <= 0) {
        return Optional.empty();
      }
      instance = hostName() + "-" + port;
    }
    return Optional.of(instance + "-" + service.name());
  }

  /** {@code HOSTNAME} (set in containers), else the local host's name; unsafe characters as '_'. */
  private static String hostName() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        name = "localhost";
      }
    }
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** {@code pg.pool.size}, or its default: {@code consumer.max.in.flight} + 2. */
  public static int poolSize(ServiceConfig config) {
    Integer size = config.get(PG_POOL_SIZE);
    return size != null ? size : config.get(MAX_IN_FLIGHT) + 2;
  }

  /** {@code consumer.dead.key.policy} as the runner's enum. */
  public static DeadKeyPolicy deadKeyPolicy(ServiceConfig config) {
    return config.get(DEAD_KEY_POLICY).equals("skip") ? DeadKeyPolicy.SKIP : DeadKeyPolicy.PARK_KEY;
  }

  /** The consumer-group setting every service has: {@code <name>.group}. */
  public static Setting<String> group(ConsumerService service) {
    return Setting.text(service.name() + ".group")
        .defaultValue(service.name())
        .doc("consumer group of the " + service.name() + " service; dead letters in `<group>.dlq`")
        .build();
  }

  /**
   * The host's settings plus those of {@code enabled} (validated); the keys of {@code others} are
   * accepted unvalidated, so one file can configure services run by different processes.
   *
   * @throws IllegalArgumentException for a badly named service or a service setting outside its
   *     prefix
   */
  public static Settings of(
      Collection<ConsumerService> enabled, Collection<ConsumerService> others) {
    Settings.Builder settings =
        Settings.builder("consumers", "consumers/README.md and each service's documentation")
            .addAll(host())
            .passThrough(
                KAFKA_CONSUMER_PREFIX,
                "passed to every service's Kafka consumer (prefix removed), e.g."
                    + " `kafka.consumer.max.poll.records`");
    for (ConsumerService service : enabled) {
      settings.addAll(serviceSettings(service));
    }
    for (ConsumerService service : others) {
      serviceSettings(service); // checked, not validated
      settings.passThrough(service.name() + ".", "settings of the " + service.name() + " service");
    }
    return settings.build();
  }

  private static List<Setting<?>> serviceSettings(ConsumerService service) {
    String name = service.name();
    if (name == null || !SERVICE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          service.getClass().getName()
              + ".name() must be lower-case letters, digits and '-', starting with a letter, was '"
              + name
              + "'");
    }
    List<Setting<?>> settings = new ArrayList<>();
    settings.add(group(service));
    for (Setting<?> setting : service.settings()) {
      if (!setting.key().startsWith(name + ".")) {
        throw new IllegalArgumentException(
            "service "
                + name
                + " declares setting '"
                + setting.key()
                + "': a service's keys must start with '"
                + name
                + ".'");
      }
      settings.add(setting);
    }
    return settings;
  }
}
