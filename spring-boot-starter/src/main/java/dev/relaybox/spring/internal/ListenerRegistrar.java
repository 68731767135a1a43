package dev.relaybox.spring.internal;

import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.spring.RelayboxListener;
import dev.relaybox.spring.RelayboxListener.Kind;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;

/**
 * Finds {@link RelayboxListener} beans and methods as the beans are created, validates them
 * (failing the context with a message naming the bean) and keeps them for the consumers' lifecycle.
 */
public final class ListenerRegistrar implements BeanPostProcessor, EnvironmentAware {

  private final Map<String, ListenerEndpoint> byGroup = new ConcurrentHashMap<>();
  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    RelayboxListener onType =
        AnnotatedElementUtils.findMergedAnnotation(type, RelayboxListener.class);
    if (onType != null) {
      register(forBean(bean, beanName, onType));
    }
    Map<Method, RelayboxListener> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<RelayboxListener>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, RelayboxListener.class));
    methods.forEach(
        (method, annotation) -> {
          String source = "bean '" + beanName + "' method " + method.getName();
          if (annotation.kind() == Kind.TWO_PHASE) {
            throw new IllegalStateException(
                source
                    + ": kind TWO_PHASE needs a bean class implementing TwoPhaseEventHandler;"
                    + " a method is an EVENT handler");
          }
          Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
          register(
              endpoint(source, annotation, MethodEventHandler.of(bean, invocable, source), null));
        });
    return bean;
  }

  /** The listeners found so far, in no particular order. */
  public List<ListenerEndpoint> endpoints() {
    return new ArrayList<>(byGroup.values());
  }

  private ListenerEndpoint forBean(Object bean, String beanName, RelayboxListener annotation) {
    String source = "bean '" + beanName + "'";
    boolean event = bean instanceof EventHandler;
    boolean twoPhase = bean instanceof TwoPhaseEventHandler;
    if (event == twoPhase) {
      throw new IllegalStateException(
          source
              + ": a class annotated @RelayboxListener must implement exactly one of EventHandler"
              + " and TwoPhaseEventHandler (or annotate a method instead)");
    }
    Kind actual = event ? Kind.EVENT : Kind.TWO_PHASE;
    if (annotation.kind() != Kind.INFER && annotation.kind() != actual) {
      throw new IllegalStateException(
          source + ": declared kind " + annotation.kind() + " but the bean is a " + actual);
    }
    return event
        ? endpoint(source, annotation, (EventHandler) bean, null)
        : endpoint(source, annotation, null, (TwoPhaseEventHandler<?>) bean);
  }

  private ListenerEndpoint endpoint(
      String source,
      RelayboxListener annotation,
      EventHandler eventHandler,
      TwoPhaseEventHandler<?> twoPhaseHandler) {
    String group = resolve(annotation.group());
    List<String> topics =
        Arrays.stream(annotation.topics()).map(this::resolve).filter(t -> !t.isBlank()).toList();
    if (group.isBlank()) {
      throw new IllegalStateException(source + ": @RelayboxListener group must not be blank");
    }
    if (topics.isEmpty()) {
      throw new IllegalStateException(source + ": @RelayboxListener needs at least one topic");
    }
    if (annotation.maxInFlight() < 1) {
      throw new IllegalStateException(
          source + ": maxInFlight must be at least 1, was " + annotation.maxInFlight());
    }
    return new ListenerEndpoint(
        source, group, topics, annotation.maxInFlight(), eventHandler, twoPhaseHandler);
  }

  private void register(ListenerEndpoint endpoint) {
    ListenerEndpoint previous = byGroup.putIfAbsent(endpoint.group(), endpoint);
    if (previous != null) {
      throw new IllegalStateException(
          endpoint.source()
              + ": group '"
              + endpoint.group()
              + "' is already consumed by "
              + previous.source()
              + "; each @RelayboxListener needs its own group (one processed-keys lineage each)");
    }
  }

  private String resolve(String value) {
    return environment == null ? value : environment.resolveRequiredPlaceholders(value);
  }
}
