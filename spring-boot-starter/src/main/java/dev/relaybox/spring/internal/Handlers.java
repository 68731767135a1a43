package dev.relaybox.spring.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Wraps a listener's handler: its calls are tracked for the health indicator, and its transactional
 * part runs with the framework's transaction bound as Spring's.
 */
public final class Handlers {

  private Handlers() {}

  /** An {@link EventHandler} tracked in {@code activity}, bound to Spring on {@code dataSource}. */
  public static EventHandler event(EventHandler handler, GroupActivity activity, DataSource ds) {
    return (event, tx) ->
        activity.track(
            event,
            () ->
                SpringTransactions.bound(
                    ds,
                    tx,
                    () -> {
                      handler.handle(event, tx);
                      return null;
                    }));
  }

  /** A two-phase handler whose call is tracked and whose record is tracked and bound. */
  public static <R> TwoPhaseEventHandler<R> twoPhase(
      TwoPhaseEventHandler<R> handler, GroupActivity activity, DataSource ds) {
    return new TwoPhaseEventHandler<>() {
      @Override
      public R call(ConsumedEvent event) throws Exception {
        return activity.track(event, () -> handler.call(event));
      }

      @Override
      public void record(ConsumedEvent event, R result, Connection tx) throws Exception {
        activity.track(
            event,
            () ->
                SpringTransactions.bound(
                    ds,
                    tx,
                    () -> {
                      handler.record(event, result, tx);
                      return null;
                    }));
      }
    };
  }
}
