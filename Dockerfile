# One runtime image for every relaybox command (relay, consumers, peers, outbox migrate, ...).
# Build the jar first, then the image:  ./mvnw -B -q -DskipTests package && docker compose build
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 relaybox
COPY cli/target/relaybox.jar /opt/relaybox/relaybox.jar
USER relaybox
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/relaybox/relaybox.jar"]
