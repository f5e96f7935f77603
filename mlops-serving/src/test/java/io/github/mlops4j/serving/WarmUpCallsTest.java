package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.testing.CountingModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warmUpCalls}: a version loaded while the service runs predicts that many times before it
 * takes traffic; versions loaded by {@code build()} do not. The service's ticker stands still, so
 * the time bound on warming never cuts a count short.
 */
class WarmUpCallsTest {
  @TempDir Path dir;
  CountingModels loader;
  ModelRegistry registry;

  @BeforeEach
  void open() {
    loader = new CountingModels();
    registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build();
    for (int rule = 0; rule < 2; rule++) {
      registry.register(
          "churn", loader.artifact(dir, "rule" + rule, TestModels.classifier(rule)), null);
    }
    registry.setAlias("churn", "champion", 1);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private InferenceService.Builder builder() {
    InferenceService.Builder b =
        InferenceService.builder().registry(registry).model("churn").alias("champion");
    b.ticker = () -> 0L;
    return b;
  }

  private void move(InferenceService s) {
    registry.setAlias("churn", "champion", 2);
    s.refresh(Duration.ofSeconds(30));
    assertThat(s.activeVersion()).isEqualTo(2);
  }

  @Test
  void aVersionLoadedOnAMoveIsWarmedWithAMadeUpRequestBeforeItServes() {
    try (InferenceService s = builder().warmUpCalls(50).build()) {
      assertThat(loader.loaded.get(1).singleCalls).hasValue(0); // build() does not warm

      move(s);

      assertThat(loader.loaded.get(2).singleCalls).hasValue(50);
      Prediction p = s.predict(TestModels.request(1, 0, 0));
      assertThat(p.version()).isEqualTo(2);
      assertThat(loader.loaded.get(2).singleCalls).hasValue(51);
    }
  }

  @Test
  void givenWarmUpRequestsAreCycledUpToTheCount() {
    List<Map<String, Object>> given =
        List.of(TestModels.request(1, 0, 0), TestModels.request(0, 1, 0));
    try (InferenceService s = builder().warmUp(given).warmUpCalls(10).build()) {
      assertThat(loader.loaded.get(1).singleCalls).hasValue(2); // each given request once

      move(s);

      assertThat(loader.loaded.get(2).singleCalls).hasValue(10);
    }
  }

  @Test
  void zeroTurnsTheWarmUpCallsOff() {
    try (InferenceService s = builder().warmUpCalls(0).build()) {
      move(s);

      assertThat(loader.loaded.get(2).singleCalls).hasValue(0);
    }
  }

  @Test
  void theCountIsChecked() {
    assertThatThrownBy(() -> InferenceService.builder().warmUpCalls(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmUpCalls");
    assertThatThrownBy(() -> InferenceService.builder().warmUpCalls(1_000_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmUpCalls");
  }
}
