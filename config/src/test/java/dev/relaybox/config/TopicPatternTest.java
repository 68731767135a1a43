package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicPatternTest {

  @Test
  void resolvesTheAggregateType() {
    TopicPattern pattern = TopicPattern.parse(TopicPattern.DEFAULT);
    assertThat(pattern.topicFor("order")).isEqualTo("outbox.event.order");
    assertThat(pattern.hasPlaceholder()).isTrue();
    assertThat(TopicPattern.parse("all-events").topicFor("order")).isEqualTo("all-events");
  }

  @Test
  void rejectsPatternsThatCannotGiveLegalTopics() {
    assertThatThrownBy(() -> TopicPattern.parse("x.${type}"))
        .hasMessageContaining("supports one placeholder");
    assertThatThrownBy(() -> TopicPattern.parse("bad topic.${aggregatetype}"))
        .hasMessageContaining("gives illegal topic names");
    assertThatThrownBy(() -> TopicPattern.parse(" ")).hasMessageContaining("must not be blank");
  }

  @Test
  void anAggregateTypeThatMakesAnIllegalTopicIsNamed() {
    TopicPattern pattern = TopicPattern.parse(TopicPattern.DEFAULT);
    assertThat(pattern.resolve("a b").invalidReason()).isNotNull();
    assertThatThrownBy(() -> pattern.topicFor("a b"))
        .hasMessageStartingWith("aggregate type 'a b' gives the illegal topic 'outbox.event.a b'");
  }
}
