package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names and tags with lone UTF-16 surrogates are refused, never stored as '?'. */
class RegistryTextTest {
  @TempDir Path temp;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    registry = ModelRegistry.builder().workspace(temp).pollInterval(Duration.ZERO).build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void modelNamesWithALoneSurrogate_areRefused_andNeverMeetTheirQuestionMarkTwin() {
    registry.createModel("churn?", "");

    assertThatThrownBy(() -> registry.createModel("churn\uD800", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model name")
        .hasMessageContaining("U+D800 at index 5");
    assertThatThrownBy(() -> registry.withActor("\uDC00ops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("actor")
        .hasMessageContaining("index 0");
    assertThat(registry.listModels()).extracting(RegisteredModel::name).containsExactly("churn?");
  }

  @Test
  void tagKeysAndValuesWithALoneSurrogate_areRefused() {
    registry.createModel("churn", "");

    assertThatThrownBy(() -> registry.setModelTag("churn", "team\uDBFF", "risk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tag key")
        .hasMessageContaining("index 4");
    assertThatThrownBy(() -> registry.setModelTag("churn", "team", "ri\uDFFFsk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tag 'team' value")
        .hasMessageContaining("index 2");
    registry.setModelTag("churn", "team", "ri\uD83D\uDE00sk"); // a valid pair is fine
    assertThat(registry.findModel("churn").orElseThrow().tags())
        .containsEntry("team", "ri\uD83D\uDE00sk");
  }
}
