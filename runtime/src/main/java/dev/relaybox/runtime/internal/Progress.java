package dev.relaybox.runtime.internal;

import java.io.PrintWriter;
import java.util.function.LongConsumer;

/**
 * A progress line for long operations: prints {@code <label>: <done>[/<total>] <unit>} to the error
 * stream at most every {@value #STEP} units, so scripts reading standard output are not disturbed
 * and short operations print nothing.
 */
public final class Progress implements LongConsumer {
  static final long STEP = 10_000;

  private final PrintWriter err;
  private final String label;
  private final long total;
  private long lastPrinted;

  /**
   * @param total the expected total, or a negative number when unknown
   */
  public Progress(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = total;
  }

  @Override
  public void accept(long done) {
    if (done - lastPrinted < STEP) {
      return;
    }
    lastPrinted = done;
    err.println(label + ": " + done + (total >= 0 ? "/" + total : ""));
    err.flush();
  }
}
