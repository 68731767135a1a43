package dev.relaybox.schemas.bench;

import dev.relaybox.schemas.InMemoryRegistry;
import dev.relaybox.schemas.SampleEvents;
import dev.relaybox.schemas.samples.OrderPlaced;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.AvroSerializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import dev.relaybox.schemas.serde.SubjectNameStrategy;

/**
 * Prints serialize and deserialize throughput of an {@link OrderPlaced} (2 lines) once the schema
 * id is cached, i.e. the CPU cost per event without registry calls. Not a test. Run from the
 * worktree root:
 *
 * <pre>
 * mvn -B -q -o -pl schemas -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx256m -cp "schemas/target/test-classes:schemas/target/classes:$(cat schemas/target/cp.txt)" \
 *     dev.relaybox.schemas.bench.SerdeBench [iterations]
 * </pre>
 */
public final class SerdeBench {

  private SerdeBench() {}

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    InMemoryRegistry registry = new InMemoryRegistry(1);
    AvroSerializer serializer =
        new AvroSerializer(
            registry,
            SerdeConfig.builder()
                .valueSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME)
                .build());
    AvroDeserializer specific =
        new AvroDeserializer(registry, SerdeConfig.builder().specificAvroReader(true).build());
    AvroDeserializer generic = new AvroDeserializer(registry, SerdeConfig.defaults());
    OrderPlaced event = SampleEvents.orderPlaced();
    byte[] bytes = serializer.serialize("outbox.event.order", event);
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      long sink = 0;
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += serializer.serialize("outbox.event.order", event).length;
      }
      long serialize = System.nanoTime() - start;
      start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += ((OrderPlaced) specific.deserialize("outbox.event.order", bytes)).getLines().size();
      }
      long specificNanos = System.nanoTime() - start;
      start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += generic.deserialize("outbox.event.order", bytes).hashCode() & 1;
      }
      long genericNanos = System.nanoTime() - start;
      System.out.printf(
          "round %d: %d events of %d bytes: serialize %.0f/s, deserialize specific %.0f/s,"
              + " generic %.0f/s (sink %d)%n",
          round,
          iterations,
          bytes.length,
          perSecond(iterations, serialize),
          perSecond(iterations, specificNanos),
          perSecond(iterations, genericNanos),
          sink);
    }
  }

  private static double perSecond(int iterations, long nanos) {
    return iterations * 1e9 / nanos;
  }
}
