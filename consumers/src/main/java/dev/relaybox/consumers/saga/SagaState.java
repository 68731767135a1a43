package dev.relaybox.consumers.saga;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A saga's row as operators see it ({@link SagaAdmin}, {@code relaybox sagas}).
 *
 * @param type the saga type
 * @param sagaId its id
 * @param status where it is
 * @param parkedFrom for a {@link SagaStatus#PARKED} saga, the way it was going; otherwise null
 * @param currentStep the step being run or compensated (for a final saga, the last one)
 * @param pending what it waits for: {@code action} (runs at {@code nextAttemptAt}), {@code reply}
 *     (until {@code deadlineAt}) or {@code none}
 * @param completedSteps the steps completed, in order
 * @param compensatedSteps the steps compensated, in order
 * @param attempt runs of the current action or compensation so far
 * @param data the stored data (the definition's codec)
 * @param nextAttemptAt when the pending action runs; null unless {@code pending} is {@code action}
 * @param deadlineAt when the awaited reply times out; null for none
 * @param createdAt when the saga began
 * @param updatedAt when it last moved
 * @param lastError the last failure, timeout or failed reply; null if none
 * @param operatorNote the last operator action, e.g. {@code retry by alice@ops}; null if none
 */
public record SagaState(
    String type,
    String sagaId,
    SagaStatus status,
    SagaStatus parkedFrom,
    String currentStep,
    String pending,
    List<String> completedSteps,
    List<String> compensatedSteps,
    int attempt,
    byte[] data,
    Instant nextAttemptAt,
    Instant deadlineAt,
    Instant createdAt,
    Instant updatedAt,
    String lastError,
    String operatorNote) {

  /** Copies the lists. */
  public SagaState {
    completedSteps = List.copyOf(completedSteps);
    compensatedSteps = List.copyOf(compensatedSteps);
  }

  /** The data as UTF-8 text (JSON data), or {@code hex:} and its bytes when it is not UTF-8. */
  public String dataAsText() {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data)).toString();
    } catch (CharacterCodingException e) {
      return "hex:" + HexFormat.of().formatHex(data);
    }
  }
}
