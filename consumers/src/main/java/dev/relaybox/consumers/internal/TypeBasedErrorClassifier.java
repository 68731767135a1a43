package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.schemas.registry.RegistryUnavailableException;
import dev.relaybox.schemas.serde.SchemaRegistryAccessException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/** The rules of {@link ErrorClassifier#defaults()} plus the user's, newest user rule first. */
public final class TypeBasedErrorClassifier implements ErrorClassifier {

  private final List<Map.Entry<Class<? extends Throwable>, Kind>> userRules;
  private final Kind otherwise;

  public TypeBasedErrorClassifier(Map<Class<? extends Throwable>, Kind> rules, Kind otherwise) {
    List<Map.Entry<Class<? extends Throwable>, Kind>> copy = new ArrayList<>();
    rules.forEach((type, kind) -> copy.add(Map.entry(type, kind)));
    // The rule added last wins, as the builder documents.
    Collections.reverse(copy);
    this.userRules = List.copyOf(copy);
    this.otherwise = otherwise;
  }

  @Override
  public Kind classify(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      for (var rule : userRules) {
        if (rule.getKey().isInstance(t)) {
          return rule.getValue();
        }
      }
      Kind builtIn = builtIn(t);
      if (builtIn != null) {
        return builtIn;
      }
    }
    return otherwise;
  }

  private static Kind builtIn(Throwable t) {
    if (t instanceof PermanentEventException) {
      return Kind.PERMANENT;
    }
    if (t instanceof RetryableEventException) {
      return Kind.TRANSIENT;
    }
    if (t instanceof HttpStatusException http) {
      return http.isTransient() ? Kind.TRANSIENT : Kind.PERMANENT;
    }
    if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
      return Kind.TRANSIENT;
    }
    if (t instanceof SQLException sql && isTransientSqlState(sql.getSQLState())) {
      return Kind.TRANSIENT;
    }
    if (t instanceof RegistryUnavailableException
        || (t instanceof SchemaRegistryAccessException registry && registry.isRetriable())) {
      return Kind.TRANSIENT;
    }
    if (t instanceof IOException
        || t instanceof TimeoutException
        || t instanceof RetriableException) {
      return Kind.TRANSIENT;
    }
    return null;
  }

  static boolean isTransientSqlState(String state) {
    if (state == null || state.length() != 5) {
      return false;
    }
    String sqlClass = state.substring(0, 2);
    return sqlClass.equals("08")
        || sqlClass.equals("40")
        || sqlClass.equals("53")
        || sqlClass.equals("57")
        || state.equals("55P03");
  }
}
