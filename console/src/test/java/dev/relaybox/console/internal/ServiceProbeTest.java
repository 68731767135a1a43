package dev.relaybox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceProbeTest {

  @Test
  void countersAreSummedPerGroup() {
    String text =
        "# HELP relaybox_consumer_events_retried_total retried\n"
            + "relaybox_consumer_events_retried_total{group=\"payments\",topic=\"a\"} 2.0\n"
            + "relaybox_consumer_events_retried_total{group=\"payments\",topic=\"b\"} 3.0\n"
            + "relaybox_consumer_events_retried_total{group=\"email\",topic=\"a\"} 1.0\n"
            + "relaybox_relay_events_published_total 42.0\n"
            + "jvm_memory_used_bytes{area=\"heap\"} 1.0\n";
    var m = ServiceProbe.metrics(text);
    assertThat(m)
        .containsEntry("relaybox_consumer_events_retried_total|payments", 5.0)
        .containsEntry("relaybox_consumer_events_retried_total|email", 1.0)
        .containsEntry("relaybox_relay_events_published_total|", 42.0)
        .doesNotContainKey("jvm_memory_used_bytes|");
  }
}
