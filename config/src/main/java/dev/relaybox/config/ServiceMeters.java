package dev.relaybox.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The meters every Relaybox service binds besides its own, defined once: JVM and process meters
 * ({@code jvm_*}, {@code process_*}, {@code system_*}) and Kafka client meters ({@code
 * kafka_producer_*}, {@code kafka_consumer_*}, tagged {@code client_id}). The dashboard and alert
 * rules in {@code deploy/} use these names. Needs {@code micrometer-core} on the classpath.
 */
public final class ServiceMeters {

  private ServiceMeters() {}

  /** Meters bound to a registry; {@link #close()} unbinds them. */
  public interface Binding extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Binds the JVM and process meters to {@code registry}, once per process and registry; close the
   * result when the registry is discarded (it stops the GC and heap-pressure listeners).
   */
  public static Binding bindJvm(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
    pressure.bindTo(registry);
    return () -> {
      gc.close();
      pressure.close();
    };
  }

  /**
   * Binds {@code producer}'s Kafka metrics to {@code registry}; close the result before or with the
   * producer (it removes the meters and stops their refresh).
   */
  public static Binding bindKafka(Producer<?, ?> producer, MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    return metrics::close;
  }

  /** Binds {@code consumer}'s Kafka metrics to {@code registry}; see the producer variant. */
  public static Binding bindKafka(Consumer<?, ?> consumer, MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    return metrics::close;
  }
}
