package dev.relaybox.schemas.compat;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Turns Avro's JSON-pointer location of an incompatibility (e.g. {@code /fields/5/type/items}) into
 * a readable field path of the reader schema (e.g. {@code lines[].quantity}).
 */
final class FieldPath {

  private FieldPath() {}

  static String of(Schema reader, Incompatibility incompatibility) {
    String location = incompatibility.getLocation();
    List<String> names = new ArrayList<>();
    Schema schema = reader;
    String[] tokens = location.split("/");
    try {
      for (int i = 1; i < tokens.length; i++) {
        String token = tokens[i];
        if (token.equals("fields") && schema.getType() == Schema.Type.RECORD) {
          Schema.Field field = schema.getFields().get(Integer.parseInt(tokens[++i]));
          names.add(field.name());
          schema = field.schema();
        } else if (token.equals("items")) {
          names.add("[]");
          schema = schema.getElementType();
        } else if (token.equals("values")) {
          names.add("{}");
          schema = schema.getValueType();
        } else if (schema.getType() == Schema.Type.UNION && token.matches("\\d+")) {
          schema = schema.getTypes().get(Integer.parseInt(token));
        } else if (!token.equals("type")) {
          break; // name, size, symbols: the location ends inside the current type
        }
      }
    } catch (RuntimeException e) {
      return location; // an unexpected location shape: the raw pointer is still precise
    }
    if (names.isEmpty()) {
      return location.isEmpty() ? "/" : location;
    }
    return String.join(".", names).replace(".[]", "[]").replace(".{}", "{}");
  }
}
