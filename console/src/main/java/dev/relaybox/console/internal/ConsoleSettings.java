package dev.relaybox.console.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.Setting;
import dev.relaybox.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every key of {@code relaybox console}: the console's own, the shared Kafka/registry/Postgres keys
 * (the outbox database) and, for each consumer group named by {@code groups}, the keys {@code
 * group.<group>.*} (its database, its service's HTTP address, its effect tables).
 */
public final class ConsoleSettings {

  private ConsoleSettings() {}

  /** The prefix of a group's keys; the group name follows, then a dot. */
  public static final String GROUP_PREFIX = "group.";

  /** A group named in keys: no dots, so {@code group.<name>.<key>} stays unambiguous. */
  private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_-]{1,200}");

  public static final Setting<String> HTTP_HOST =
      Setting.text("http.host")
          .defaultValue("127.0.0.1")
          .doc(
              "bind address of the console; anything but a loopback address needs `auth.token` or"
                  + " `auth.user` and `auth.password`")
          .build();

  public static final Setting<Integer> HTTP_PORT =
      Setting.integer("http.port", 0, 65535)
          .defaultValue("8085")
          .doc("port of the console; `0` = any free port")
          .build();

  public static final Setting<String> AUTH_TOKEN =
      Setting.text("auth.token")
          .optional()
          .secret()
          .doc(
              "bearer token that signs in (header `Authorization: Bearer` or the sign-in page); set"
                  + " it as `RELAYBOX_AUTH_TOKEN`, at least 16 characters")
          .check(t -> t.length() >= 16, "must be at least 16 characters long")
          .build();

  public static final Setting<String> AUTH_USER =
      Setting.text("auth.user")
          .optional()
          .doc("user of HTTP basic authentication (with `auth.password`)")
          .build();

  public static final Setting<String> AUTH_PASSWORD =
      Setting.text("auth.password")
          .optional()
          .secret()
          .doc("password of `auth.user`; set it as `RELAYBOX_AUTH_PASSWORD`")
          .build();

  public static final Setting<Boolean> READ_ONLY =
      Setting.bool("read.only")
          .defaultValue("false")
          .doc("`true` hides every action and refuses every change")
          .build();

  public static final Setting<Duration> SAMPLE_INTERVAL =
      Setting.millis("sample.interval.ms", 200, 600_000)
          .defaultValue("2000")
          .doc(
              "how often the console reads Kafka, Postgres and the services; the charts keep one"
                  + " hour of samples")
          .build();

  public static final Setting<String> AUDIT_FILE =
      Setting.text("audit.file")
          .defaultValue("relaybox-console-audit.log")
          .doc("the audit trail: one JSON line per action (who, when, what, outcome), appended")
          .build();

  public static final Setting<Duration> TRACE_WINDOW =
      Setting.millis("trace.window.ms", 60_000, 90L * 24 * 3600 * 1000)
          .defaultValue("86400000")
          .doc("how far back a trace searches the outbox topics (default one day)")
          .build();

  public static final Setting<Integer> TRACE_MAX_RECORDS =
      Setting.integer("trace.max.records", 1_000, 10_000_000)
          .defaultValue("200000")
          .doc("the most records one trace reads from Kafka before it stops and says so")
          .build();

  public static final Setting<String> RELAY_URL =
      Setting.text("relay.url")
          .optional()
          .check(ConsoleSettings::isHttpUrl, "must be an http:// or https:// URL")
          .doc(
              "the relay's HTTP address for `/ready` and `/metrics`, e.g. `http://relay:8080`;"
                  + " empty: readiness from the slot")
          .build();

  public static final Setting<List<String>> GROUPS =
      Setting.list("groups")
          .optional()
          .check(
              names -> names.stream().allMatch(n -> GROUP_NAME.matcher(n).matches()),
              "must name consumer groups of letters, digits, '_' and '-'")
          .doc(
              "the consumer groups shown, each with its `group.<group>.*` keys; empty: every group"
                  + " with offsets on the outbox topics, its database the outbox's")
          .build();

  /** The console's settings, without any group's. */
  public static List<Setting<?>> console() {
    return List.of(
        HTTP_HOST,
        HTTP_PORT,
        AUTH_TOKEN,
        AUTH_USER,
        AUTH_PASSWORD,
        READ_ONLY,
        SAMPLE_INTERVAL,
        AUDIT_FILE,
        TRACE_WINDOW,
        TRACE_MAX_RECORDS,
        CommonSettings.KAFKA_BOOTSTRAP_SERVERS,
        CommonSettings.SCHEMA_REGISTRY_URL,
        CommonSettings.TOPIC_PATTERN,
        CommonSettings.PG_HOST,
        CommonSettings.PG_PORT,
        CommonSettings.PG_DATABASE,
        CommonSettings.PG_USER,
        CommonSettings.PG_PASSWORD,
        CommonSettings.PG_SSLMODE,
        CommonSettings.OUTBOX_SCHEMA,
        CommonSettings.OUTBOX_TABLE,
        CommonSettings.SLOT_NAME,
        RELAY_URL,
        GROUPS);
  }

  /** The settings of the console showing {@code groups}. */
  public static Settings of(Collection<String> groups) {
    Settings.Builder settings = Settings.builder("console", "console/README.md").addAll(console());
    for (String group : groups) {
      settings.addAll(GroupSettings.of(group).all());
    }
    return settings.build();
  }

  /**
   * The settings before the groups are known: {@code group.*} passes, to be checked once {@code
   * groups} is read.
   */
  public static Settings withAnyGroup() {
    return Settings.builder("console", "console/README.md")
        .addAll(console())
        .passThrough(GROUP_PREFIX, "checked once `groups` is read")
        .build();
  }

  /** Whether {@code value} is an absolute http(s) URL with a host. */
  static boolean isHttpUrl(String value) {
    try {
      java.net.URI uri = new java.net.URI(value);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The keys of one group, {@code group.<group>.*}. */
  public record GroupSettings(
      String group,
      Setting<String> pgHost,
      Setting<Integer> pgPort,
      Setting<String> pgDatabase,
      Setting<String> pgUser,
      Setting<String> pgPassword,
      Setting<String> schema,
      Setting<String> processedKeysTable,
      Setting<String> url,
      Setting<List<String>> effects) {

    /** The keys of {@code group}. */
    public static GroupSettings of(String group) {
      String p = GROUP_PREFIX + group + ".";
      return new GroupSettings(
          group,
          Setting.text(p + "pg.host").optional().doc("Postgres host; empty: `pg.host`").build(),
          Setting.integer(p + "pg.port", 1, 65535)
              .optional()
              .doc("Postgres port; empty: `pg.port`")
              .build(),
          Setting.text(p + "pg.database")
              .optional()
              .doc("database of the group's processed keys and effects; empty: `pg.database`")
              .build(),
          Setting.text(p + "pg.user").optional().doc("Postgres user; empty: `pg.user`").build(),
          Setting.text(p + "pg.password")
              .optional()
              .secret()
              .doc("Postgres password; empty: `pg.password`")
              .build(),
          Setting.identifier(p + "db.schema", 63)
              .defaultValue("public")
              .doc("schema of the group's processed keys (and retry and dead sets)")
              .build(),
          Setting.identifier(p + "processed.keys.table", 48)
              .defaultValue("processed_keys")
              .doc("the group's processed-keys table")
              .build(),
          Setting.text(p + "url")
              .optional()
              .check(ConsoleSettings::isHttpUrl, "must be an http:// or https:// URL")
              .doc(
                  "HTTP address of the service running the group (`/ready`, `/metrics`), e.g."
                      + " `http://consumers:8081`")
              .build(),
          Setting.list(p + "effects")
              .optional()
              .check(
                  list -> list.stream().allMatch(GroupSettings::isEffect),
                  "must list tables as `table` or `table:column` (lower-case SQL identifiers)")
              .doc(
                  "effect tables shown by a trace, in `db.schema`: `table` matches rows whose"
                      + " `event_id` is the event's id, `table:column` rows whose column is the"
                      + " event's key")
              .build());
    }

    /** The settings in documentation order. */
    public List<Setting<?>> all() {
      List<Setting<?>> all = new ArrayList<>();
      all.add(pgHost);
      all.add(pgPort);
      all.add(pgDatabase);
      all.add(pgUser);
      all.add(pgPassword);
      all.add(schema);
      all.add(processedKeysTable);
      all.add(url);
      all.add(effects);
      return all;
    }

    private static boolean isEffect(String spec) {
      return spec.matches("[a-z_][a-z0-9_]{0,62}(:[a-z_][a-z0-9_]{0,62})?");
    }
  }
}
