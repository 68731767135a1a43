package dev.relaybox.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean a consumer of Relaybox events: the starter runs one {@code ConsumerRunner} per
 * annotation (one consumer group), started and stopped with the application context, and applies
 * each event exactly once (processed-keys table in the handler's transaction).
 *
 * <p><b>On a bean class</b> implementing {@code dev.relaybox.consumers.EventHandler} (kind {@link
 * Kind#EVENT}: the effect is database writes inside the framework's transaction) or {@code
 * TwoPhaseEventHandler} (kind {@link Kind#TWO_PHASE}: a third-party call outside any transaction,
 * then a short transaction that records it).
 *
 * <p><b>On a method</b> (kind {@link Kind#EVENT}) whose parameters are any of {@code
 * ConsumedEvent}, {@code java.sql.Connection} (the framework's transaction) and one payload type
 * (e.g. a generated Avro class); events whose payload is of another type are settled without
 * calling it. While the method runs, the framework's transaction is Spring's current transaction on
 * the application's DataSource: {@code JdbcTemplate}, {@link TransactionalOutbox} and
 * {@code @Transactional} (propagation REQUIRED) join it, so the effect, follow-up events and the
 * processed key commit together. {@code REQUIRES_NEW} would commit on its own: don't.
 *
 * <p>Group and topics accept {@code ${...}} placeholders.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RelayboxListener {

  /** The consumer group, also the processed-keys group and the dead-letter topic's prefix. */
  String group();

  /** The topics to consume, e.g. {@code outbox.event.order}; at least one. */
  String[] topics();

  /** The handler kind; {@link Kind#INFER} takes it from the class or method. */
  Kind kind() default Kind.INFER;

  /**
   * How many events of the group are handled at once, never two of one key ({@code
   * ConsumerRunner.Builder#maxInFlight}); the handler must then be thread-safe. 1 handles one event
   * at a time.
   */
  int maxInFlight() default 64;

  /** The kinds of handler, as in the consumers framework. */
  enum Kind {
    /** From the bean's interface, or {@link #EVENT} for a method. */
    INFER,
    /** {@code EventHandler}: the effect is database writes in the framework's transaction. */
    EVENT,
    /** {@code TwoPhaseEventHandler}: call a third party, then record the result. */
    TWO_PHASE
  }
}
