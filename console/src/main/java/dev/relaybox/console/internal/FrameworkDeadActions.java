package dev.relaybox.console.internal;

/**
 * {@link DeadActions} through the consumer framework's dead-set API. The framework's key scheduling
 * (issue 11: retry and dead sets) is not on this branch yet: until it is, every action is refused
 * with that reason, and the pages that offer them appear only where the dead-set tables exist.
 */
final class FrameworkDeadActions implements DeadActions {

  @Override
  public void redrive(Sources.Group group, long id, String actor) {
    throw unavailable();
  }

  @Override
  public void discard(Sources.Group group, long id, String actor) {
    throw unavailable();
  }

  private static IllegalStateException unavailable() {
    return new IllegalStateException(
        "this console was built without the consumer framework's dead-set API: upgrade it to the"
            + " version of the consumers that wrote the dead set");
  }
}
