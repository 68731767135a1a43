package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlIdentifierTest {

  @Test
  void acceptsLowerCaseIdentifiersUpToTheLimit() {
    assertThat(SqlIdentifier.require("table", "a".repeat(63))).hasSize(63);
    assertThat(SqlIdentifier.require("table", "_x9")).isEqualTo("_x9");
    assertThat(SqlIdentifier.qualified("s", "t")).isEqualTo("\"s\".\"t\"");
  }

  @Test
  void rejectsWhatCouldBreakOutOfQuotesOrMeanSomethingElse() {
    for (String bad : new String[] {"A", "9a", "a-b", "a\"b", "a;drop", "", "a".repeat(64)}) {
      assertThatThrownBy(() -> SqlIdentifier.require("table", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("table must be a lower-case SQL identifier");
    }
    assertThatThrownBy(() -> SqlIdentifier.require("table", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("table must not be null");
  }

  @Test
  void schemasMustNotUsePostgresReservedPrefix() {
    assertThatThrownBy(() -> SqlIdentifier.requireSchema("schema", "pg_temp"))
        .hasMessageContaining("must not start with pg_");
  }
}
