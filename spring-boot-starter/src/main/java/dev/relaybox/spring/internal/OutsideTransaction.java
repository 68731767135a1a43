package dev.relaybox.spring.internal;

import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * What {@code TransactionalOutbox} hands the plain outbox outside a Spring transaction: a
 * connection that reports auto-commit, which the outbox refuses before writing anything (its
 * documented contract), with its own message. Any other use fails.
 */
public final class OutsideTransaction {

  /** Answers {@code getAutoCommit()} with true and nothing else. */
  public static final Connection CONNECTION =
      (Connection)
          Proxy.newProxyInstance(
              OutsideTransaction.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "getAutoCommit":
                    return true;
                  case "toString":
                    return "no Spring transaction";
                  case "hashCode":
                    return System.identityHashCode(proxy);
                  case "equals":
                    return proxy == args[0];
                  default:
                    throw new IllegalStateException(
                        "no Spring transaction is active: publish inside a @Transactional method");
                }
              });

  private OutsideTransaction() {}
}
