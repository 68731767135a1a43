package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @Test
  void extractsTheLastTraceparentAndItsState() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", "00-11111111111111111111111111111111-2222222222222222-01".getBytes());
    headers.add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
    headers.add("tracestate", "vendor=x".getBytes(StandardCharsets.UTF_8));

    SpanContext parent = TraceHeaders.spanContext(headers);

    assertThat(parent.isValid()).isTrue();
    assertThat(parent.isRemote()).isTrue();
    assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(parent.getSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(parent.getTraceState().get("vendor")).isEqualTo("x");
    assertThat(TraceHeaders.GETTER.keys(headers))
        .containsExactly("traceparent", "traceparent", "tracestate");
  }

  @Test
  void noMalformedOrMissingHeaderGivesAParent() {
    RecordHeaders headers = new RecordHeaders();
    assertThat(TraceHeaders.spanContext(headers).isValid()).isFalse();
    headers.add("traceparent", null);
    assertThat(TraceHeaders.GETTER.get(headers, "traceparent")).isNull();
    assertThat(TraceHeaders.spanContext(headers).isValid()).isFalse();
    headers.add("traceparent", "00-not-a-trace-01".getBytes(StandardCharsets.UTF_8));
    assertThat(TraceHeaders.spanContext(headers).isValid()).isFalse();
    assertThat(TraceHeaders.GETTER.get(null, "traceparent")).isNull();
  }

  @Test
  void injectReplacesTheTraceContextAndKeepsOtherHeaders() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("id", "e1".getBytes(StandardCharsets.UTF_8));
    headers.add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
    headers.add("tracestate", "vendor=old".getBytes(StandardCharsets.UTF_8));
    SpanContext child =
        SpanContext.create(
            TRACE_ID, "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());

    TraceHeaders.inject(Context.root().with(Span.wrap(child)), headers);

    assertThat(values(headers, "traceparent"))
        .containsExactly("00-" + TRACE_ID + "-b7ad6b7169203331-01");
    assertThat(values(headers, "tracestate")).isEmpty();
    assertThat(values(headers, "id")).containsExactly("e1");
    assertThat(TraceHeaders.spanContext(headers).getSpanId()).isEqualTo("b7ad6b7169203331");
  }

  @Test
  void setterWritesOneUtf8Value() {
    RecordHeaders headers = new RecordHeaders();
    TraceHeaders.SETTER.set(headers, "tracestate", "a=1");
    TraceHeaders.SETTER.set(headers, "tracestate", "a=2");
    TraceHeaders.SETTER.set(null, "tracestate", "ignored");
    assertThat(values(headers, "tracestate")).containsExactly("a=2");
    assertThat(TraceHeaders.value(headers, "tracestate")).isEqualTo("a=2");
  }

  private static List<String> values(RecordHeaders headers, String key) {
    List<String> values = new ArrayList<>();
    for (Header h : headers.headers(key)) {
      values.add(new String(h.value(), StandardCharsets.UTF_8));
    }
    return values;
  }
}
