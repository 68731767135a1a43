package dev.relaybox.devstack;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
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
 * shared stack must leave it running and use their own tables, topics and subjects. After each test
 * of an isolated class, components the test left stopped (say, because an assertion failed during
 * an outage) are started again, so one failing test cannot fail the ones after it.
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
public final class DevStackExtension implements ParameterResolver, AfterEachCallback {

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

  @Override
  public void afterEach(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    if (findIsolated(testClass) == null) {
      return;
    }
    StackResource resource =
        classContext(context, testClass)
            .getStore(NAMESPACE)
            .get(testClass.getName(), StackResource.class);
    if (resource != null) {
      resource.restartStopped();
    }
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

    /** Starts every component of this stack that is stopped. */
    void restartStopped() {
      List<Supplier<DevStack.Restartable>> parts =
          List.of(stack::postgres, stack::kafka, stack::schemaRegistry);
      for (Supplier<DevStack.Restartable> part : parts) {
        DevStack.Restartable component;
        try {
          component = part.get();
        } catch (IllegalStateException absent) {
          continue; // this stack was built without the component
        }
        if (!component.isRunning()) {
          component.start();
        }
      }
    }

    @Override
    public void close() {
      stack.close();
    }
  }
}
