#!/bin/sh
# The entrypoint of the relaybox images (Dockerfile, Dockerfile.dev): the relaybox command line,
# with class-data sharing (AppCDS) for the long-running services (relay, consumers, console).
#
# Most of a service's start is loading classes (Kafka clients, Debezium, pgjdbc, Flyway). A dynamic
# AppCDS archive of the classes a service loaded cuts its restart by a third to a half (relay:
# SIGKILL -> streaming again 1.4-2.2 s instead of 2.1-4.6 s, docs/benchmarks.md). JDK 17 cannot
# create that archive by itself (-XX:+AutoCreateSharedArchive is JDK 19+), so this script does:
# the first start of a service writes the archive when it stops gracefully (SIGTERM, as at every
# deploy; -XX:ArchiveClassesAtExit), the starts after it map the archive (-XX:SharedArchiveFile).
# The archive's name carries a fingerprint of the jars, so new jars train a new archive; a JVM that
# cannot use an archive runs without it.
#
# Environment (all optional):
#   RELAYBOX_HOME      where relaybox.jar and lib/*.jar are (default /opt/relaybox)
#   RELAYBOX_JAR       the distribution jar (default $RELAYBOX_HOME/relaybox.jar)
#   RELAYBOX_MAIN      its main class (default dev.relaybox.runtime.RelayboxCli)
#   RELAYBOX_CDS_DIR   where archives are kept (default /tmp/relaybox-cds; empty: no archive)
#   JAVA_OPTS          JVM options (default -XX:MaxRAMPercentage=75)
#   JAVA               the java launcher (default java)
set -eu

home="${RELAYBOX_HOME:-/opt/relaybox}"
jar="${RELAYBOX_JAR:-$home/relaybox.jar}"
main="${RELAYBOX_MAIN:-dev.relaybox.runtime.RelayboxCli}"
cds_dir="${RELAYBOX_CDS_DIR-/tmp/relaybox-cds}"

cds=""
case "${1:-}" in
  relay | consumers | console)
    if [ -n "$cds_dir" ] && mkdir -p "$cds_dir" 2>/dev/null; then
      # Size and modification time of every jar on the class path: a changed jar, a new name.
      fingerprint=$(ls -lL --time-style=+%s "$jar" "$home"/lib/*.jar 2>/dev/null | cksum | cut -d' ' -f1)
      archive="$cds_dir/$1-$fingerprint.jsa"
      if [ -f "$archive" ]; then
        cds="-XX:SharedArchiveFile=$archive"
        echo "relaybox: class-data sharing from $archive" >&2
      else
        cds="-XX:ArchiveClassesAtExit=$archive"
        echo "relaybox: class-data sharing: $archive is written when this $1 stops gracefully" >&2
      fi
    fi
    ;;
esac

# -Xlog:cds=error: the archive dump warns about every class it cannot keep (picocli's are Java 5).
# shellcheck disable=SC2086 # JAVA_OPTS and cds are lists of options
exec "${JAVA:-java}" ${JAVA_OPTS:--XX:MaxRAMPercentage=75} $cds -Xlog:cds=error \
  -cp "$jar:$home/lib/*" "$main" "$@"
