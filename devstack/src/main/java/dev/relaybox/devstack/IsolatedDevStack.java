package dev.relaybox.devstack;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the annotated test class its own {@link DevStack} instead of the JVM-wide shared one,
 * closed after the class. Use it for tests that stop, crash or restart components.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface IsolatedDevStack {
  /** Whether the stack has PostgreSQL. */
  boolean postgres() default true;

  /** Whether the stack has a Kafka broker. */
  boolean kafka() default true;

  /** Whether the stack has a schema registry. */
  boolean schemaRegistry() default true;

  /** Whether the stack has the fake third parties. */
  boolean peers() default true;
}
