package dev.relaybox.consumers.saga.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.consumers.saga.OnTimeout;
import dev.relaybox.consumers.saga.SagaAction;
import dev.relaybox.consumers.saga.SagaDataCodec;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaReply;
import dev.relaybox.consumers.saga.SagaStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The saga state transitions, without a database: the machine with a recording runner. */
class SagaMachineTest {

  private final List<String> ran = new ArrayList<>();

  /** Failures to throw, per "action:step" or "compensation:step", one per run. */
  private final Map<String, Deque<Exception>> failures = new HashMap<>();

  private SagaAction<String> action(String step) {
    return s -> run("action:" + step);
  }

  private SagaAction<String> compensation(String step) {
    return s -> run("compensation:" + step);
  }

  private void run(String what) throws Exception {
    ran.add(what);
    Exception failure = failures.getOrDefault(what, new ArrayDeque<>()).poll();
    if (failure != null) {
      throw failure;
    }
  }

  private void failNext(String what, Exception... errors) {
    failures.computeIfAbsent(what, k -> new ArrayDeque<>()).addAll(List.of(errors));
  }

  /** charge (remote, 5 s deadline) → reserve (remote) → ship (remote) → email (local). */
  private SagaDefinition<String> fulfilment(OnTimeout onTimeout) {
    return SagaDefinition.builder("fulfilment", SagaDataCodec.json(String.class))
        .step("charge")
        .action(action("charge"))
        .compensation(compensation("charge"))
        .deadline(Duration.ofSeconds(5), onTimeout)
        .step("reserve")
        .action(action("reserve"))
        .compensation(compensation("reserve"))
        .onReply((data, event) -> data + "+reserved")
        .step("ship")
        .action(action("ship"))
        .compensation(compensation("ship"))
        .deadline(Duration.ofSeconds(5), onTimeout)
        .step("email")
        .action(action("email"))
        .local()
        .build();
  }

  private static SagaMachine<String> machine(SagaDefinition<String> definition) {
    return new SagaMachine<>(definition, ErrorClassifier.defaults(), 3, attempt -> 100L * attempt);
  }

  private SagaRow<String> begun(SagaMachine<String> machine) throws Exception {
    SagaRow<String> row = SagaRow.started("fulfilment", "o-1", "charge", "order");
    machine.advance(row, runner());
    return row;
  }

  private SagaMachine.StepRunner<String> runner() {
    return (row, action) -> {
      try {
        action.run(null);
        return null;
      } catch (Exception e) {
        return e;
      }
    };
  }

  private boolean reply(SagaMachine<String> m, SagaRow<String> row, SagaReply reply)
      throws Exception {
    return m.reply(row, reply, null, runner());
  }

  @Test
  void stepsRunInOrderOnTheirRepliesAndALocalLastStepCompletesTheSaga() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    assertThat(row.pending).isEqualTo(SagaRow.Pending.REPLY);
    assertThat(row.deadlineDelayMillis).isEqualTo(5_000L);

    assertThat(reply(m, row, SagaReply.succeeded("o-1", "charge"))).isTrue();
    assertThat(row.currentStep).isEqualTo("reserve");
    assertThat(row.deadlineDelayMillis).isNull();
    assertThat(reply(m, row, SagaReply.succeeded("o-1", "reserve"))).isTrue();
    assertThat(row.data).isEqualTo("order+reserved");
    assertThat(reply(m, row, SagaReply.succeeded("o-1", "ship"))).isTrue();

    assertThat(row.status).isEqualTo(SagaStatus.COMPLETED);
    assertThat(row.pending).isEqualTo(SagaRow.Pending.NONE);
    assertThat(row.completed).containsExactly("charge", "reserve", "ship", "email");
    assertThat(ran)
        .containsExactly("action:charge", "action:reserve", "action:ship", "action:email");
  }

  @Test
  void aRepeatedOrLateReplyNeverMovesTheSagaTwice() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    assertThat(reply(m, row, SagaReply.succeeded("o-1", "charge"))).isTrue();

    assertThat(reply(m, row, SagaReply.succeeded("o-1", "charge"))).isFalse();
    assertThat(reply(m, row, SagaReply.compensated("o-1", "reserve"))).isFalse();
    assertThat(reply(m, row, SagaReply.failed("o-1", "charge", "late"))).isFalse();
    assertThat(row.currentStep).isEqualTo("reserve");
    assertThat(row.completed).containsExactly("charge");
    assertThat(ran).containsExactly("action:charge", "action:reserve");
  }

  @Test
  void aFailedReplyCompensatesTheCompletedStepsLastFirstButNotTheFailedOne() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    reply(m, row, SagaReply.succeeded("o-1", "charge"));
    reply(m, row, SagaReply.succeeded("o-1", "reserve"));
    assertThat(reply(m, row, SagaReply.failed("o-1", "ship", "warehouse closed"))).isTrue();

    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(row.currentStep).isEqualTo("reserve");
    assertThat(row.lastError).contains("ship").contains("warehouse closed");
    assertThat(reply(m, row, SagaReply.compensated("o-1", "reserve"))).isTrue();
    assertThat(row.currentStep).isEqualTo("charge");
    assertThat(reply(m, row, SagaReply.compensated("o-1", "charge"))).isTrue();

    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(row.compensated).containsExactly("reserve", "charge");
    assertThat(ran)
        .containsExactly(
            "action:charge",
            "action:reserve",
            "action:ship",
            "compensation:reserve",
            "compensation:charge");
  }

  @Test
  void aTimedOutStepIsCompensatedItselfFirstWithCompensate() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    reply(m, row, SagaReply.succeeded("o-1", "charge"));
    reply(m, row, SagaReply.succeeded("o-1", "reserve"));

    m.deadlinePassed(row, runner());

    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(row.currentStep).isEqualTo("ship");
    assertThat(row.lastError).contains("no reply within PT5S");
    reply(m, row, SagaReply.compensated("o-1", "ship"));
    reply(m, row, SagaReply.compensated("o-1", "reserve"));
    reply(m, row, SagaReply.compensated("o-1", "charge"));
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(row.compensated).containsExactly("ship", "reserve", "charge");
  }

  @Test
  void retryOnTimeoutRunsTheActionAgainThenCompensates() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.RETRY));
    SagaRow<String> row = begun(m);
    m.deadlinePassed(row, runner());
    m.deadlinePassed(row, runner());
    assertThat(row.attempt).isEqualTo(3);
    assertThat(row.status).isEqualTo(SagaStatus.RUNNING);

    m.deadlinePassed(row, runner()); // the third run was the last (maxAttempts 3)

    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(ran)
        .containsExactly("action:charge", "action:charge", "action:charge", "compensation:charge");
    // A late reply to the action no longer counts; the compensation's does.
    assertThat(reply(m, row, SagaReply.succeeded("o-1", "charge"))).isFalse();
    assertThat(reply(m, row, SagaReply.compensated("o-1", "charge"))).isTrue();
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
  }

  @Test
  void parkOnTimeoutParksAndAnOperatorCanCompensate() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.PARK));
    SagaRow<String> row = begun(m);
    m.deadlinePassed(row, runner());
    assertThat(row.status).isEqualTo(SagaStatus.PARKED);
    assertThat(row.parkedFrom).isEqualTo(SagaStatus.RUNNING);
    assertThat(reply(m, row, SagaReply.succeeded("o-1", "charge"))).isFalse();

    row.compensateNow();
    m.advance(row, runner());

    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(ran).containsExactly("action:charge", "compensation:charge");
  }

  @Test
  void transientActionFailuresBackOffThenTheStepFails() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    failNext("action:charge", new RetryableEventException("gateway busy"));
    SagaRow<String> row = begun(m);
    assertThat(row.pending).isEqualTo(SagaRow.Pending.ACTION);
    assertThat(row.nextAttemptDelayMillis).isEqualTo(100L);
    assertThat(row.lastError).contains("charge attempt 1").contains("gateway busy");

    failNext(
        "action:charge",
        new RetryableEventException("still busy"),
        new RetryableEventException("busy"));
    m.advance(row, runner());
    assertThat(row.nextAttemptDelayMillis).isEqualTo(200L);
    m.advance(row, runner());

    // Nothing completed: nothing to compensate.
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(ran).containsExactly("action:charge", "action:charge", "action:charge");
  }

  @Test
  void aCompensationThatFailsForGoodParksAndCompletesAfterRetry() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    reply(m, row, SagaReply.succeeded("o-1", "charge"));
    failNext("compensation:charge", new PermanentEventException("refund refused"));
    reply(m, row, SagaReply.failed("o-1", "reserve", "out of stock"));

    assertThat(row.status).isEqualTo(SagaStatus.PARKED);
    assertThat(row.parkedFrom).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(row.lastError).contains("compensation of step charge").contains("refund refused");
    assertThatThrownBy(row::compensateNow).hasMessageContaining("use retry");

    row.retryNow();
    m.advance(row, runner());
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(reply(m, row, SagaReply.compensated("o-1", "charge"))).isTrue();
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
    assertThatThrownBy(row::retryNow).hasMessageContaining("COMPENSATED");
  }

  @Test
  void aFailedCompensationReplyParks() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    reply(m, row, SagaReply.failed("o-1", "charge", "card declined"));
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(row.compensated).isEmpty();

    SagaRow<String> other = begun(m);
    reply(m, other, SagaReply.succeeded("o-1", "charge"));
    reply(m, other, SagaReply.failed("o-1", "reserve", "out of stock"));
    reply(m, other, SagaReply.compensationFailed("o-1", "charge", "gateway says no"));
    assertThat(other.status).isEqualTo(SagaStatus.PARKED);
    assertThat(other.lastError).contains("gateway says no");
  }

  @Test
  void localStepsWithoutCompensationAreSkippedWhenCompensating() throws Exception {
    SagaDefinition<String> def =
        SagaDefinition.builder("local", SagaDataCodec.json(String.class))
            .step("notify-cancel")
            .compensation(compensation("notify-cancel"))
            .local()
            .step("log")
            .action(action("log"))
            .local()
            .step("call")
            .action(action("call"))
            .build();
    SagaMachine<String> m = machine(def);
    SagaRow<String> row = SagaRow.started("local", "l-1", "notify-cancel", "x");
    m.advance(row, runner());
    assertThat(row.currentStep).isEqualTo("call");
    assertThat(row.completed).containsExactly("notify-cancel", "log");

    reply(m, row, SagaReply.failed("l-1", "call", "no"));

    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(row.compensated).containsExactly("log", "notify-cancel");
    assertThat(ran).containsExactly("action:log", "action:call", "compensation:notify-cancel");
  }

  @Test
  void aPermanentActionFailureCompensatesAtOnce() throws Exception {
    SagaMachine<String> m = machine(fulfilment(OnTimeout.COMPENSATE));
    SagaRow<String> row = begun(m);
    reply(m, row, SagaReply.succeeded("o-1", "charge"));
    failNext("action:reserve", new IllegalStateException("bug"));
    row.retryNow();
    m.advance(row, runner());
    assertThat(row.status).isEqualTo(SagaStatus.COMPENSATING);
    assertThat(row.currentStep).isEqualTo("charge");
    assertThat(row.lastError).contains("IllegalStateException: bug");
  }
}
