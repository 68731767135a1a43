package dev.relaybox.devstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a running {@link DevStack} into test constructors, lifecycle
 * methods and test methods.
 *
 * <p>By default every test class in the JVM shares one stack, started on first use and closed when
 * the test run ends. Test classes that stop, crash or reconfigure components annotate themselves
 * with {@link IsolatedDevStack} and get their own stack, closed after the class. Tests that use the
 * shared stack must leave it running and use their own tables, topics and subjects.
 *
 * <pre>{@code
 * @ExtendWith(DevStackExtension.class)
 * class OrdersIT {
 *   @Test
 *   void writes(DevStack stack) throws Exception {
 *     try (var c = stack.postgres().dataSource().getConnection()) { ... }
 *   }
 * }
 * }</pre>
 */
public final class DevStackExtension implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(DevStackExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DevStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    IsolatedDevStack isolated = findIsolated(testClass);
    if (isolated == null) {
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(
              "shared", key -> new StackResource(DevStack.builder().start()), StackResource.class)
          .stack;
    }
    ExtensionContext classContext = classContext(context, testClass);
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            testClass.getName(),
            key ->
                new StackResource(
                    DevStack.builder()
                        .postgres(isolated.postgres())
                        .kafka(isolated.kafka())
                        .schemaRegistry(isolated.schemaRegistry())
                        .peers(isolated.peers())
                        .start()),
            StackResource.class)
        .stack;
  }

  private static IsolatedDevStack findIsolated(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      IsolatedDevStack annotation = c.getAnnotation(IsolatedDevStack.class);
      if (annotation != null) {
        return annotation;
      }
    }
    return null;
  }

  private static ExtensionContext classContext(ExtensionContext context, Class<?> testClass) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent()
        || current.getTestClass().map(c -> c != testClass).orElse(false)) {
      current = current.getParent().orElseThrow();
    }
    return current;
  }

  /** Closes the stack when JUnit closes the store it lives in. */
  private static final class StackResource
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final DevStack stack;

    StackResource(DevStack stack) {
      this.stack = stack;
    }

    @Override
    public void close() {
      stack.close();
    }
  }
}
