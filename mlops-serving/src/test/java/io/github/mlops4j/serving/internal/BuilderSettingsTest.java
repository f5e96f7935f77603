package io.github.mlops4j.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.batch.BatchJob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The setter checks shared by the serving builders, and the builders that use them. */
class BuilderSettingsTest {
  @Test
  void distinctColumnsKeepOrderAndRefuseEmptyOrRepeatedNames() {
    List<String> seen = new ArrayList<>();
    assertThat(BuilderSettings.distinctColumns("Columns", new String[] {"b", "a"}, seen::add))
        .containsExactly("b", "a");
    assertThat(seen).containsExactly("b", "a");
    assertThatThrownBy(
            () -> BuilderSettings.distinctColumns("Columns", new String[] {"a", "a"}, c -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Columns must be non-empty and distinct, got [a, a]");
    assertThatThrownBy(() -> BuilderSettings.distinctColumns("Columns", new String[] {""}, c -> {}))
        .hasMessage("Columns must be non-empty and distinct, got []");
  }

  @Test
  void nameSetsDropRepeatsAndNameANullElement() {
    assertThat(BuilderSettings.nameSet("route", "a", "b", "a")).containsExactlyInAnyOrder("a", "b");
    assertThatThrownBy(() -> BuilderSettings.nameSet("route", "a", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("route");
    assertThatThrownBy(() -> BuilderSettings.clock(null)).hasMessage("clock");
    assertThat(BuilderSettings.clock(Clock.systemUTC())).isEqualTo(Clock.systemUTC());
  }

  @Test
  void theBuildersWordTheSharedChecksAlike() {
    assertThatThrownBy(() -> BatchJob.builder().passThrough("id", "id"))
        .hasMessage("Pass-through columns must be non-empty and distinct, got [id, id]");
    assertThatThrownBy(() -> BatchJob.builder().requestColumns("key", ""))
        .hasMessage("Request columns must be non-empty and distinct, got [key, ]");
    assertThatThrownBy(() -> BatchJob.builder().passThrough("id", "score_yes", ""))
        .hasMessageContaining("'score_yes' would clash");
    assertThatThrownBy(() -> InferenceService.builder().ignoreFields("id", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("field");
    assertThatThrownBy(() -> InferenceService.builder().clock(null)).hasMessage("clock");
  }
}
