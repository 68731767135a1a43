package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.runtime.internal.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class DlqProgressTest {

  @Test
  void printsOnlyEveryTenThousandSoShortOperationsStayQuiet() {
    StringWriter err = new StringWriter();
    Progress progress = new Progress(new PrintWriter(err, true), "dlq redrive: sent", 25_000);
    for (long done = 1_000; done <= 25_000; done += 1_000) {
      progress.accept(done);
    }
    assertThat(err.toString().lines())
        .containsExactly("dlq redrive: sent: 10000/25000", "dlq redrive: sent: 20000/25000");

    StringWriter quiet = new StringWriter();
    new Progress(new PrintWriter(quiet, true), "dlq list: read", -1).accept(9_999);
    assertThat(quiet.toString()).isEmpty();
  }
}
