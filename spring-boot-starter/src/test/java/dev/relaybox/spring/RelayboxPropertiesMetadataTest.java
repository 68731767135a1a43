package dev.relaybox.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the IDEs read lists every {@code relaybox.*} property with a
 * description, and the README's table lists every one of them.
 */
class RelayboxPropertiesMetadataTest {

  @Test
  void theMetadataListsEveryPropertyWithADescription() throws Exception {
    Map<String, JsonNode> metadata = metadata();
    TreeSet<String> bindable = new TreeSet<>();
    collect("relaybox", RelayboxProperties.class, bindable);

    assertThat(bindable).hasSizeGreaterThan(15);
    assertThat(metadata.keySet()).containsExactlyInAnyOrderElementsOf(bindable);
    metadata.forEach(
        (name, property) ->
            assertThat(property.path("description").asText()).as(name).isNotBlank());
    assertThat(metadata.get("relaybox.consumer.stall-timeout").path("defaultValue").asText())
        .isEqualTo("60s");
  }

  @Test
  void theReadmeListsEveryProperty() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String name : metadata().keySet()) {
      assertThat(readme).as("README.md lists " + name).contains("| `" + name + "` |");
    }
  }

  private static Map<String, JsonNode> metadata() throws Exception {
    try (InputStream in =
        RelayboxProperties.class
            .getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      Map<String, JsonNode> properties = new TreeMap<>();
      new ObjectMapper()
          .readTree(in)
          .path("properties")
          .forEach(p -> properties.put(p.path("name").asText(), p));
      return properties;
    }
  }

  /** Every leaf property Spring binds, by reflection: the metadata must not miss one. */
  private static void collect(String prefix, Class<?> type, TreeSet<String> out) throws Exception {
    for (PropertyDescriptor p :
        Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
      String name = prefix + "." + kebab(p.getName());
      Class<?> valueType = p.getPropertyType();
      boolean nested =
          valueType.getEnclosingClass() == RelayboxProperties.class
              && !valueType.isEnum()
              && Modifier.isStatic(valueType.getModifiers());
      if (nested) {
        collect(name, valueType, out);
      } else {
        assertThat(
                valueType.isPrimitive()
                    || valueType.getPackageName().startsWith("java.")
                    || valueType.isEnum()
                    || valueType == Duration.class)
            .as(name)
            .isTrue();
        out.add(name);
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
