#!/bin/sh
# The entrypoint of the relaybox images (Dockerfile, Dockerfile.dev): the relaybox command line,
# with class-data sharing (AppCDS) for the long-running services (relay, consumers, console), or
# on JDK 25+ the ahead-of-time cache that supersedes it.
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
# On JDK 25+ the same scheme writes an ahead-of-time cache instead (JEP 483/514/515: classes loaded
# and linked, plus method profiles, so the JIT has less to learn): -XX:AOTCacheOutput at the first
# graceful stop, -XX:AOTCache after it. Relay start to streaming: 2.1 s against 2.8 s with AppCDS
# on JDK 17 and 4.6 s without either (docs/benchmarks.md). Writing the cache takes a child JVM
# some seconds after that first stop (~10 s on 2 cores): give the container that long to stop.
#
# Environment (all optional):
#   RELAYBOX_HOME      where relaybox.jar and lib/*.jar are (default /opt/relaybox)
#   RELAYBOX_JAR       the distribution jar (default $RELAYBOX_HOME/relaybox.jar)
#   RELAYBOX_MAIN      its main class (default dev.relaybox.runtime.RelayboxCli)
#   RELAYBOX_CDS_DIR   where archives and caches are kept (default /tmp/relaybox-cds; empty: none)
#   JAVA_OPTS          JVM options (default -XX:MaxRAMPercentage=75)
#   JAVA               the java launcher (default java)
set -eu

home="${RELAYBOX_HOME:-/opt/relaybox}"
jar="${RELAYBOX_JAR:-$home/relaybox.jar}"
main="${RELAYBOX_MAIN:-dev.relaybox.runtime.RelayboxCli}"
cds_dir="${RELAYBOX_CDS_DIR-/tmp/relaybox-cds}"

# The JDK's feature version from its release file (no JVM started for it); unknown: treated as 17.
launcher=$(command -v "${JAVA:-java}" || true)
release="$(dirname "$(dirname "$(readlink -f "${launcher:-java}" 2>/dev/null || echo /)")")/release"
feature=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release" 2>/dev/null || true)
aot=false
if [ "${feature:-17}" -ge 25 ]; then aot=true; fi

# use_or_train FILE USE TRAIN WHAT SERVICE: map FILE when it exists, else have this start write it.
use_or_train() {
  if [ -f "$1" ]; then
    cds="$2=$1"
    echo "relaybox: $4 from $1" >&2
  else
    cds="$3=$1"
    echo "relaybox: $4: $1 is written when this $5 stops gracefully" >&2
  fi
}

cds=""
case "${1:-}" in
  relay | consumers | console)
    if [ -n "$cds_dir" ] && mkdir -p "$cds_dir" 2>/dev/null; then
      # Size and modification time of every jar on the class path: a changed jar, a new name.
      fingerprint=$(ls -lL --time-style=+%s "$jar" "$home"/lib/*.jar 2>/dev/null | cksum | cut -d' ' -f1)
      if $aot; then
        cache="$cds_dir/$1-$fingerprint.aot"
        # The JVM removes its recorded configuration once the cache is complete: both still there
        # means a stop was cut short while the cache was written; train again.
        if [ -f "$cache.config" ]; then
          rm -f "$cache" "$cache.config"
        fi
        use_or_train "$cache" -XX:AOTCache -XX:AOTCacheOutput "ahead-of-time cache" "$1"
        cds="$cds -Xlog:aot=error"
      else
        use_or_train "$cds_dir/$1-$fingerprint.jsa" -XX:SharedArchiveFile -XX:ArchiveClassesAtExit \
          "class-data sharing" "$1"
      fi
    fi
    ;;
esac

# -Xlog:cds=error: the archive dump warns about every class it cannot keep (picocli's are Java 5).
# shellcheck disable=SC2086 # JAVA_OPTS and cds are lists of options
exec "${JAVA:-java}" ${JAVA_OPTS:--XX:MaxRAMPercentage=75} $cds -Xlog:cds=error \
  -cp "$jar:$home/lib/*" "$main" "$@"
