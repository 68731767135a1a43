package dev.relaybox.spring.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.EventHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import org.springframework.util.ReflectionUtils;

/**
 * An {@link EventHandler} calling a {@code @RelayboxListener} method with the arguments its
 * parameters ask for: the {@link ConsumedEvent}, the framework's {@link Connection}, the payload.
 * Events whose payload is not of the method's payload type are settled without a call.
 */
final class MethodEventHandler implements EventHandler {

  private enum Role {
    EVENT,
    CONNECTION,
    PAYLOAD
  }

  private final Object bean;
  private final Method method;
  private final Role[] roles;
  private final Class<?> payloadType;

  private MethodEventHandler(Object bean, Method method, Role[] roles, Class<?> payloadType) {
    this.bean = bean;
    this.method = method;
    this.roles = roles;
    this.payloadType = payloadType;
  }

  /**
   * @throws IllegalStateException naming the method when its parameters cannot be supplied
   */
  static MethodEventHandler of(Object bean, Method method, String source) {
    Class<?>[] types = method.getParameterTypes();
    Role[] roles = new Role[types.length];
    Class<?> payload = null;
    for (int i = 0; i < types.length; i++) {
      Role role =
          types[i] == ConsumedEvent.class
              ? Role.EVENT
              : types[i] == Connection.class ? Role.CONNECTION : Role.PAYLOAD;
      for (int j = 0; j < i; j++) {
        if (roles[j] == role) {
          throw new IllegalStateException(
              source
                  + ": a @RelayboxListener method takes at most one ConsumedEvent, one Connection"
                  + " and one payload parameter");
        }
      }
      roles[i] = role;
      if (role == Role.PAYLOAD) {
        payload = types[i].isPrimitive() ? null : types[i];
        if (payload == null) {
          throw new IllegalStateException(source + ": the payload parameter cannot be primitive");
        }
      }
    }
    ReflectionUtils.makeAccessible(method);
    return new MethodEventHandler(bean, method, roles, payload);
  }

  @Override
  public void handle(ConsumedEvent event, Connection tx) throws Exception {
    if (payloadType != null && !payloadType.isInstance(event.value())) {
      return; // another event type on the same topic: not this method's business
    }
    Object[] args = new Object[roles.length];
    for (int i = 0; i < roles.length; i++) {
      args[i] =
          switch (roles[i]) {
            case EVENT -> event;
            case CONNECTION -> tx;
            case PAYLOAD -> event.value();
          };
    }
    try {
      method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
