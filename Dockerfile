# The production image: relaybox.jar (relay, consumers, status, replay, dlq, outbox) and nothing
# of the dev stack. Your consumer services are jars dropped into /opt/relaybox/lib, found by
# 'relaybox consumers' through META-INF/services/dev.relaybox.consumers.host.ConsumerService:
#
#   FROM relaybox:latest
#   COPY target/my-services.jar /opt/relaybox/lib/
#
# Build the jar first, then the image:  ./mvnw -B -q -DskipTests package && docker build -t relaybox .
# JDK=25 (docker build --build-arg JDK=25): the entrypoint then keeps an ahead-of-time cache instead
# of a class-data sharing archive: relay start to first event 2.8 s instead of 3.8 s (docs/benchmarks.md).
ARG JDK=17
FROM eclipse-temurin:${JDK}-jre
RUN useradd --system --uid 10001 relaybox && mkdir -p /opt/relaybox/lib
COPY runtime/target/relaybox.jar /opt/relaybox/relaybox.jar
# java -cp "relaybox.jar:lib/*" RelayboxCli, with class-data sharing for the services (the script
# says how; JAVA_OPTS, default -XX:MaxRAMPercentage=75, and RELAYBOX_CDS_DIR tune it)
COPY --chmod=0755 deploy/relaybox.sh /opt/relaybox/relaybox.sh
USER relaybox
ENTRYPOINT ["/opt/relaybox/relaybox.sh"]
